package ops

import (
	"strings"

	"github.com/gosmb/gosmb/engine"
	"github.com/gosmb/gosmb/proto/ntstatus"
	"github.com/gosmb/gosmb/proto/smb2"
)

// Options tunes transfers on a share.
type Options struct {
	// ChunkSize is the size of one READ or WRITE request; 0 means 1 MiB.
	// It is capped by the server's MaxReadSize/MaxWriteSize, and at 64 KiB
	// on SMB 2.0.2, which has no multi-credit requests.
	ChunkSize int
	// Window is the number of bytes a single transfer keeps in flight;
	// 0 means 16 MiB.
	Window int
}

// Share runs file operations on one connected share.
type Share struct {
	Tree *engine.Tree
	opts Options
}

// NewShare wraps a connected tree.
func NewShare(t *engine.Tree, opts Options) *Share {
	return &Share{Tree: t, opts: opts}
}

// Name returns the tree's \\server\share path.
func (s *Share) Name() string { return s.Tree.Path }

func (s *Share) neg() *engine.Negotiated { return s.Tree.Session.Conn().Negotiated() }

// chunkSizes returns the READ and WRITE request sizes for this connection.
func (s *Share) chunkSizes() (read, write int) {
	want := s.opts.ChunkSize
	if want <= 0 {
		want = 1 << 20
	}
	n := s.neg()
	read, write = want, want
	if n.Dialect == smb2.Dialect202 || n.Capabilities&smb2.CapLargeMTU == 0 {
		read, write = min(want, 64<<10), min(want, 64<<10)
	}
	read = min(read, int(n.MaxReadSize))
	write = min(write, int(n.MaxWriteSize))
	return max(read, 1), max(write, 1)
}

// window returns how many chunks of size chunk one transfer keeps in flight.
func (s *Share) window(chunk int) int {
	w := s.opts.Window
	if w <= 0 {
		w = 16 << 20
	}
	return max(1, w/chunk)
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
