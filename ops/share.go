package ops

import (
	"context"
	"strings"

	"golang.org/x/sync/semaphore"

	"github.com/gosmb/gosmb/engine"
	"github.com/gosmb/gosmb/proto/ntstatus"
	"github.com/gosmb/gosmb/proto/smb2"
)

// Options tunes transfers on a share.
type Options struct {
	// ChunkSize is the size of one READ or WRITE request; 0 means 1 MiB
	// for READ and 4 MiB for WRITE (DefaultReadChunk, DefaultWriteChunk).
	// It is capped by the server's MaxReadSize/MaxWriteSize, and at 64 KiB
	// on SMB 2.0.2, which has no multi-credit requests.
	ChunkSize int
	// Window is the number of bytes a single transfer keeps in flight;
	// 0 means 16 MiB.
	Window int
	// ConnWindow is the number of bytes all transfers on one connection
	// keep in flight together; 0 means 64 MiB. It bounds memory whatever
	// the number of concurrent transfers, and is shared first come first
	// served, so a huge file does not starve small ones.
	ConnWindow int
}

// DefaultConnWindow is the ConnWindow used when Options leaves it 0.
const DefaultConnWindow = 64 << 20

// The request sizes used when Options.ChunkSize is 0. Why these two, and
// why they differ: docs/design.md, "Transfers".
const (
	DefaultReadChunk  = 1 << 20
	DefaultWriteChunk = 4 << 20
)

// Budget is the connection-wide allowance of bytes in flight.
type Budget struct {
	sem  *semaphore.Weighted
	size int64
}

// NewBudget returns a Budget of opts.ConnWindow bytes.
func NewBudget(opts Options) *Budget {
	n := int64(opts.ConnWindow)
	if n <= 0 {
		n = DefaultConnWindow
	}
	return &Budget{sem: semaphore.NewWeighted(n), size: n}
}

// clamp keeps one request's weight within the whole budget.
func (b *Budget) clamp(n int) int64 { return min(int64(n), b.size) }

// acquire takes n bytes. With nothing of its own in flight a transfer waits
// its turn; with requests in flight it only takes what is free right now
// (and otherwise goes to collect a reply), so it can never wait on itself.
func (b *Budget) acquire(ctx context.Context, n int, haveInFlight bool) (bool, error) {
	w := b.clamp(n)
	if haveInFlight {
		return b.sem.TryAcquire(w), nil
	}
	if err := b.sem.Acquire(ctx, w); err != nil {
		return false, err
	}
	return true, nil
}

func (b *Budget) release(n int) { b.sem.Release(b.clamp(n)) }

// Share runs file operations on one connected share.
type Share struct {
	Tree   *engine.Tree
	opts   Options
	budget *Budget
}

// NewShare wraps a connected tree. budget is shared by every share of a
// connection; nil gives the share its own.
func NewShare(t *engine.Tree, opts Options, budget *Budget) *Share {
	if budget == nil {
		budget = NewBudget(opts)
	}
	return &Share{Tree: t, opts: opts, budget: budget}
}

// Name returns the tree's \\server\share path.
func (s *Share) Name() string { return s.Tree.Path }

func (s *Share) neg() *engine.Negotiated { return s.Tree.Session.Conn().Negotiated() }

// chunkSizes returns the READ and WRITE request sizes for this connection.
func (s *Share) chunkSizes() (read, write int) {
	read, write = DefaultReadChunk, DefaultWriteChunk
	if want := s.opts.ChunkSize; want > 0 {
		read, write = want, want
	}
	n := s.neg()
	if n.Dialect == smb2.Dialect202 || n.Capabilities&smb2.CapLargeMTU == 0 {
		read, write = min(read, 64<<10), min(write, 64<<10)
	}
	read = min(read, int(n.MaxReadSize), int(s.budget.size))
	write = min(write, int(n.MaxWriteSize), int(s.budget.size))
	// A request cannot cost more credits than the server has granted
	// (available plus in flight): shrink the chunk rather than fail.
	if avail, inFlight := s.Tree.Session.Conn().Credits(); avail+inFlight > 0 {
		limit := int(avail+inFlight) * 64 << 10
		read, write = min(read, limit), min(write, limit)
	}
	return max(read, 1), max(write, 1)
}

// window returns how many chunks of size chunk one transfer keeps in flight.
func (s *Share) window(chunk int) int {
	w := s.opts.Window
	if w <= 0 {
		w = 16 << 20
	}
	// A hostile server announcing tiny MaxRead/WriteSize must not make
	// us allocate a queue of millions of slots.
	return min(max(1, w/chunk), 1024)
}

// CleanPath turns a user path ("/a/b", "a\\b/", "") into the form CREATE
// wants: backslashes, no leading or trailing separator.
func CleanPath(p string) string {
	p = strings.ReplaceAll(p, "/", `\`)
	p = strings.Trim(p, `\`)
	// Collapse runs of separators, which servers reject.
	for strings.Contains(p, `\\`) {
		p = strings.ReplaceAll(p, `\\`, `\`)
	}
	return p
}

// statusErr builds the error for a failed operation on path.
func statusErr(op, path string, st ntstatus.Status) error {
	return &engine.StatusError{Op: op, Path: path, Status: st}
}
