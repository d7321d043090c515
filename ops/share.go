package ops

import (
	"context"
	"math"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/gosmb/gosmb/engine"
	"github.com/gosmb/gosmb/future"
	"github.com/gosmb/gosmb/proto/ntstatus"
	"github.com/gosmb/gosmb/proto/smb2"
)

// Options tunes transfers on a share.
type Options struct {
	// ChunkSize is the size of one READ or WRITE request; 0 means 1 MiB
	// for READ and 4 MiB for WRITE (DefaultReadChunk, DefaultWriteChunk),
	// and one 8 MiB warm-up READ per connection (docs/design.md,
	// "Transfers").
	// It is capped by the server's MaxReadSize/MaxWriteSize, and at 64 KiB
	// on SMB 2.0.2, which has no multi-credit requests.
	ChunkSize int
	// Window is the number of bytes a single transfer keeps in flight.
	// 0 means 16 MiB for a download (DefaultReadWindow); for an upload,
	// 8 MiB (DefaultWriteWindow, two 4 MiB WRITEs) on a connection whose
	// round trip is under FarLinkRTT, else FarWriteWindow; and in either
	// case at least two chunks, so that a larger ChunkSize still keeps
	// two requests in flight.
	Window int
	// ConnWindow is the number of bytes all transfers on one connection
	// keep in flight together; 0 means 64 MiB. It bounds memory whatever
	// the number of concurrent transfers, and is shared first come first
	// served, so a huge file does not starve small ones.
	ConnWindow int
	// ConnReadWindow is the number of bytes the windowed READs of all
	// downloads on one connection ask for at once, within ConnWindow;
	// 0 means 16 MiB (DefaultConnReadWindow). It is what the server must
	// hold in buffers for them: a READ's share comes back when its reply
	// arrives, however slowly the download's consumer then takes it. A
	// download's first READ, which travels with its CREATE, does not
	// count: most files end within it.
	ConnReadWindow int
}

// DefaultConnReadWindow is the ConnReadWindow used when Options leaves it
// 0. Why 16 MiB: docs/design.md, "Transfers".
const DefaultConnReadWindow = 16 << 20

// warmReadMax is the size of the one large READ a connection sends first
// (see Budget.warmRead).
const warmReadMax = 8 << 20

// The Window of one transfer when Options leaves it 0. Why uploads keep
// only two 4 MiB WRITEs in flight on a fast link: docs/design.md,
// "Transfers".
const (
	DefaultReadWindow  = 16 << 20
	DefaultWriteWindow = 8 << 20
)

// An upload on a connection whose round trip (engine.Conn.MinRTT) is at
// least FarLinkRTT gets FarWriteWindow by default: two 4 MiB WRITEs keep
// a link busy only while a round trip is shorter than sending one of
// them, 4 ms at 1 GB/s.
const (
	FarLinkRTT     = 4 * time.Millisecond
	FarWriteWindow = 16 << 20
)

// DefaultConnWindow is the ConnWindow used when Options leaves it 0.
const DefaultConnWindow = 64 << 20

// The request sizes used when Options.ChunkSize is 0. Why these two, and
// why they differ: docs/design.md, "Transfers".
const (
	DefaultReadChunk  = 1 << 20
	DefaultWriteChunk = 4 << 20
)

// Budget is the connection-wide allowance of bytes in flight, and the
// share of it windowed READs may take.
type Budget struct {
	win  *connWindow
	size int64

	reads     *semaphore.Weighted
	readsSize int64

	warmMu sync.Mutex
	// warmed: a download has taken this connection's warm-up READ
	// (takeWarm) and has not given it back (unwarm).
	warmed bool
	// warmOut is closed once the warm-up READ taken last is queued to go
	// out, or given up; nil before any was taken.
	warmOut chan struct{}
}

// NewBudget returns a Budget of opts.ConnWindow bytes, opts.ConnReadWindow
// of them for windowed READs.
func NewBudget(opts Options) *Budget {
	n := int64(opts.ConnWindow)
	if n <= 0 {
		n = DefaultConnWindow
	}
	r := int64(opts.ConnReadWindow)
	if r <= 0 {
		r = DefaultConnReadWindow
	}
	r = min(r, n)
	return &Budget{win: newConnWindow(n), size: n, reads: semaphore.NewWeighted(r), readsSize: r}
}

// clamp keeps one request's weight within the whole budget.
func (b *Budget) clamp(n int) int64 { return min(int64(n), b.size) }

// acquire takes n bytes. With nothing of its own in flight a transfer waits
// its turn; with requests in flight it only takes what is free right now
// (and otherwise goes to collect a reply), so it can never wait on itself.
func (b *Budget) acquire(ctx context.Context, n int, haveInFlight bool) (bool, error) {
	w := b.clamp(n)
	if haveInFlight {
		return b.win.tryAcquire(w), nil
	}
	if err := b.win.acquire(ctx, w); err != nil {
		return false, err
	}
	return true, nil
}

func (b *Budget) release(n int) { b.win.release(b.clamp(n)) }

// park notes that the caller, which holds n bytes (the sum of what it
// took, each clamped as acquire does), is about to run its caller's code,
// which may wait on this connection's window; unpark(n) when it returns.
func (b *Budget) park(n int64) { b.win.park(min(n, b.size)) }

func (b *Budget) unpark(n int64) { b.win.unpark(min(n, b.size)) }

// acquireRead is acquire for a windowed READ, which also takes n bytes of
// the connection's READ window: both or neither. Once the READ is out,
// sentRead (or readDone, called when its Future resolves) gives that
// share back when the reply arrives (or the READ is abandoned), however
// long the download's consumer then takes: the READ window bounds what
// the server must buffer; what the client holds, the connection window
// bounds.
func (b *Budget) acquireRead(ctx context.Context, n int, haveInFlight bool) (bool, error) {
	if ok, err := b.acquire(ctx, n, haveInFlight); !ok || err != nil {
		return ok, err
	}
	r := min(int64(n), b.readsSize)
	if haveInFlight {
		if b.reads.TryAcquire(r) {
			return true, nil
		}
		b.release(n)
		return false, nil
	}
	if err := b.reads.Acquire(ctx, r); err != nil {
		b.release(n)
		return false, context.Cause(ctx) // Acquire gives ctx.Err(), not why ctx ended
	}
	return true, nil
}

// sentRead gives n bytes back to the READ window once f has resolved.
func (b *Budget) sentRead(n int, f *future.Future[*engine.Response]) {
	go func() {
		<-f.Done()
		b.readDone(n)
	}()
}

// readDone gives back the READ window share of a READ that has resolved.
func (b *Budget) readDone(n int) { b.reads.Release(min(int64(n), b.readsSize)) }

// warmRead returns the size of a windowed download's next READ, normally
// chunk. Once per connection, unless a Retrieve has sent its warm-up READ
// (warmStep) already, it is warmReadMax (or the server's MaxReadSize, if
// smaller) instead, when that much is left to read: the server then frees
// one large buffer early. Samba's smbd, on glibc, keeps the memory of its
// heap from then on as long as at most about twice that is free at its
// top; otherwise it hands the top back to the kernel and faults it in
// again page by page, which with many files read at once cost it more
// than the reading itself (docs/benchmarks.md, problem 1). A caller given
// the larger size that then sends no READ at all must call unwarm.
func (b *Budget) warmRead(chunk int, left int64, most int) int {
	w := min(most, int(b.readsSize))
	if w <= chunk || left < int64(w) || !b.takeWarm() {
		return chunk
	}
	b.warmQueued() // nobody needs to wait for this one (see afterWarm)
	return w
}

// takeWarm reports whether the caller is the one to send this
// connection's warm-up READ: true once per connection, unless given back
// with unwarm. The caller must call warmQueued once it has queued that
// READ (or given up).
func (b *Budget) takeWarm() bool {
	b.warmMu.Lock()
	defer b.warmMu.Unlock()
	if b.warmed {
		return false
	}
	b.warmed, b.warmOut = true, make(chan struct{})
	return true
}

// unwarm hands the warm-up READ to the next download: the one taken by
// takeWarm never ran. Downloads already past afterWarm do not wait for
// the next one; those that come after the next takeWarm do.
func (b *Budget) unwarm() {
	b.warmMu.Lock()
	defer b.warmMu.Unlock()
	b.warmed = false
	b.closeWarmOut()
}

// warmQueued lets the downloads waiting in afterWarm go. It may be called
// more than once.
func (b *Budget) warmQueued() {
	b.warmMu.Lock()
	defer b.warmMu.Unlock()
	b.closeWarmOut()
}

func (b *Budget) closeWarmOut() {
	if b.warmOut == nil {
		return
	}
	select {
	case <-b.warmOut:
	default:
		close(b.warmOut)
	}
}

// afterWarm waits, if a warm-up READ is being prepared, until it is
// queued: a download's first READ then goes out after it, and the server,
// which handles requests in the order they arrive, frees the large buffer
// before it allocates this one. The wait is for a local send, not for a
// reply. Only Retrieve's first compound waits here. Windowed READs on a
// File opened earlier (ReadAt, WriteTo) do not: they may send the warm-up
// READ themselves (warmRead), and if another download is preparing it
// they go ahead, at worst costing the server the early free.
func (b *Budget) afterWarm(ctx context.Context) error {
	b.warmMu.Lock()
	out := b.warmOut
	if !b.warmed {
		out = nil
	}
	b.warmMu.Unlock()
	if out == nil {
		return nil
	}
	select {
	case <-out:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

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
	// A request cannot cost more credits than the server lets the
	// connection hold at once: shrink the chunk rather than fail.
	if limit := s.creditBytes(0); limit > 0 {
		read, write = min(read, limit), min(write, limit)
	}
	return max(read, 1), max(write, 1)
}

// creditBytes is how many bytes one READ or WRITE may carry with the
// most credits the server has let the connection hold at once
// (engine.Conn.PeakCredits) less reserve of them for the other requests
// of its compound: 0 if the server has granted none yet (nothing is
// known), at least 1 otherwise.
func (s *Share) creditBytes(reserve uint32) int {
	n := uint64(s.Tree.Session.Conn().PeakCredits())
	if n == 0 {
		return 0
	}
	if n <= uint64(reserve) {
		return 1
	}
	return int(min((n-uint64(reserve))*creditUnit, math.MaxInt32))
}

// windowBytes is Options.Window or its default for downloads.
func (s *Share) windowBytes() int {
	if s.opts.Window > 0 {
		return s.opts.Window
	}
	return DefaultReadWindow
}

// readSlots is how many READs of size chunk one download keeps in flight.
func (s *Share) readSlots(chunk int) int {
	return s.slots(s.windowBytes(), chunk)
}

// writeSlots is how many WRITEs of size chunk one upload keeps in flight:
// Options.Window or its default, which follows the round trip.
func (s *Share) writeSlots(chunk int) int {
	w := s.opts.Window
	switch {
	case w > 0:
	case s.Tree.Session.Conn().MinRTT() >= FarLinkRTT:
		w = FarWriteWindow
	default:
		w = DefaultWriteWindow
	}
	return s.slots(w, chunk)
}

// slots is window(w, chunk), and at least two when the window is the
// default one.
func (s *Share) slots(w, chunk int) int {
	n := window(w, chunk)
	if s.opts.Window <= 0 {
		n = max(n, 2)
	}
	return n
}

// warmMax is the size of this connection's warm-up READ: warmReadMax, or
// less to stay within the transfer window, the connection's READ window,
// and half of the credits the server has granted less reserve bytes'
// worth (what the rest of its compound costs): the other requests of a
// server that grants few must not wait for its reply. It is 0 without
// multi-credit requests, or when Options.ChunkSize sets the size of every
// READ, and may be negative; only a size above a chunk is used.
func (s *Share) warmMax(reserve int) int {
	n := s.neg()
	if s.opts.ChunkSize > 0 || n.Dialect == smb2.Dialect202 || n.Capabilities&smb2.CapLargeMTU == 0 {
		return 0 // a READ size chosen by the user is kept to
	}
	m := min(warmReadMax, int(n.MaxReadSize), s.windowBytes(), int(s.budget.readsSize))
	if c := s.creditBytes(0); c > 0 {
		m = min(m, c/2-reserve)
	}
	return m
}

// window returns how many chunks of size chunk one transfer keeps in
// flight within w bytes.
func window(w, chunk int) int {
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
