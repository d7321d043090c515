package gosmb

import (
	"context"
	"io"
	"time"

	"github.com/gosmb/gosmb/future"
	"github.com/gosmb/gosmb/ops"
)

// CallOption adjusts one operation. An operation ignores the options it
// does not take: WithSnapshot applies to RetrieveFile and
// RetrieveFileFromOffset, WithProgress to those and StoreFile and
// StoreFileFromOffset, WithReplace to Rename.
type CallOption func(*callOptions)

type callOptions struct {
	progress func(int64)
	replace  bool
	snapshot time.Time
}

// WithSnapshot makes RetrieveFile read the file as it was in the snapshot
// taken at t (one of the times ListSnapshots returns).
func WithSnapshot(t time.Time) CallOption {
	return func(o *callOptions) { o.snapshot = t }
}

// WithProgress calls fn after each chunk of a transfer with the bytes
// moved so far. fn runs on the transfer's goroutine and must be quick.
func WithProgress(fn func(done int64)) CallOption {
	return func(o *callOptions) { o.progress = fn }
}

func applyOptions(opts []CallOption) callOptions {
	var o callOptions
	for _, fn := range opts {
		fn(&o)
	}
	return o
}

// FileTransfer is what a download returns: the file's attributes and the
// number of bytes written to the destination (pysmb returns the same pair).
type FileTransfer struct {
	Attributes uint32
	Bytes      int64
}

// RetrieveFile downloads path on share into w, keeping a window of READ
// requests in flight. A file that fits one READ (1 MiB by default) costs
// one round trip: CREATE, READ and CLOSE compounded. A larger one is
// opened again for the rest; if another file has taken its name by then,
// the download fails with ErrFileReplaced after the first chunk.
// Replies are written to w in order, except when w can take them at their
// place (an io.WriterAt and io.Seeker such as an *os.File on a regular
// file): then each is written as it arrives, and w's position ends after
// the download as if it had been written in order (see ops.File.ReadTo).
func (c *Client) RetrieveFile(ctx context.Context, share, path string, w io.Writer, opts ...CallOption) *future.Future[FileTransfer] {
	return c.RetrieveFileFromOffset(ctx, share, path, w, 0, -1, opts...)
}

// RetrieveFileFromOffset downloads at most maxLength bytes from offset
// (maxLength < 0: to the end; 0: only open the file).
func (c *Client) RetrieveFileFromOffset(ctx context.Context, share, path string, w io.Writer, offset, maxLength int64, opts ...CallOption) *future.Future[FileTransfer] {
	o := applyOptions(opts)
	return onShare(c, ctx, share, func(ctx context.Context, s *ops.Share) (FileTransfer, error) {
		attrs, n, err := s.Retrieve(ctx, path, c.work.writer(w, true), offset, maxLength, o.snapshot, c.work.progress(o.progress, true))
		return FileTransfer{Attributes: uint32(attrs), Bytes: n}, err
	})
}

// StoreFile uploads r to path on share, replacing (truncating) any
// existing file. It resolves with the number of bytes uploaded.
func (c *Client) StoreFile(ctx context.Context, share, path string, r io.Reader, opts ...CallOption) *future.Future[int64] {
	return c.StoreFileFromOffset(ctx, share, path, r, 0, true, opts...)
}

// StoreFileFromOffset uploads r into path starting at offset, creating the
// file if needed and truncating it first only when truncate is set. It
// resolves with the offset after the last byte written.
func (c *Client) StoreFileFromOffset(ctx context.Context, share, path string, r io.Reader, offset int64, truncate bool, opts ...CallOption) *future.Future[int64] {
	o := applyOptions(opts)
	return onShare(c, ctx, share, func(ctx context.Context, s *ops.Share) (int64, error) {
		return s.Store(ctx, path, c.work.reader(r, true), offset, truncate, c.work.progress(o.progress, true))
	})
}
