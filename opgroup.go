package gosmb

import (
	"context"
	"errors"
	"io"
	"net"
	"sync"

	"github.com/gosmb/gosmb/future"
	"github.com/gosmb/gosmb/ops"
	"github.com/gosmb/gosmb/proto/ntstatus"
)

// errClientClosed is why an operation of a closed Client fails: it matches
// net.ErrClosed, as a request on a closed connection does.
var errClientClosed = &ConnError{Err: net.ErrClosed}

// opGroup keeps count of a Client's operation goroutines, so that Close
// can end them and wait for them. A goroutine running the caller's code
// (its io.Reader or io.Writer, a progress callback) is not counted
// meanwhile: Close cannot end that code, and it may be the code calling
// Close. Such a goroutine finds its context done when the code returns,
// and ends.
type opGroup struct {
	mu      sync.Mutex
	closed  bool
	running int           // operation goroutines in gosmb's code
	idle    chan struct{} // made by close; closed once running is 0
	cancels map[*opCancel]struct{}
}

type opCancel struct{ cancel context.CancelCauseFunc }

// start registers one operation. Its context is ctx, ended also by close;
// end must be called when it is over. After close it fails.
func (g *opGroup) start(ctx context.Context) (opCtx context.Context, end func(), err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return nil, nil, errClientClosed
	}
	opCtx, cancel := context.WithCancelCause(ctx)
	oc := &opCancel{cancel}
	if g.cancels == nil {
		g.cancels = make(map[*opCancel]struct{})
	}
	g.cancels[oc] = struct{}{}
	g.running++
	return opCtx, func() {
		g.mu.Lock()
		delete(g.cancels, oc)
		g.mu.Unlock()
		cancel(nil)
		g.add(-1)
	}, nil
}

// add changes the count of goroutines in gosmb's code by d.
func (g *opGroup) add(d int) {
	g.mu.Lock()
	g.running += d
	if g.running == 0 && g.idle != nil {
		close(g.idle)
		g.idle = nil
	}
	g.mu.Unlock()
}

// close refuses new operations, ends the context of every one under way
// and returns a channel closed once none runs gosmb's code.
func (g *opGroup) close() <-chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.closed = true
	for oc := range g.cancels {
		oc.cancel(errClientClosed)
	}
	idle := make(chan struct{})
	if g.running == 0 {
		close(idle)
	} else {
		g.idle = idle
	}
	return idle
}

// inCaller and outOfCaller bracket a call of the caller's code: it is not
// counted as gosmb's.
func (g *opGroup) inCaller()    { g.add(-1) }
func (g *opGroup) outOfCaller() { g.add(1) }

// goOp runs fn as one of c's operations, on a goroutine of its own, with a
// context that Close ends too. The Future is resolved before Close, which
// waits for the goroutine, can return.
func goOp[T any](c *Client, ctx context.Context, fn func(ctx context.Context) (T, error)) *future.Future[T] {
	ctx, end, err := c.work.start(ctx)
	if err != nil {
		return future.Failed[T](err)
	}
	f, r := future.New[T]()
	go func() {
		defer end()
		r.Resolve(fn(ctx))
	}()
	return f
}

// onShare runs fn on the named share (connecting it on first use) as one
// of c's operations (goOp). When the server says the tree is gone
// (STATUS_NETWORK_NAME_DELETED, e.g. the share was closed on the server),
// the operation fails with that status and the next one connects the
// share afresh. It is not retried: an upload's reader may already be
// partly consumed.
func onShare[T any](c *Client, ctx context.Context, share string, fn func(ctx context.Context, s *ops.Share) (T, error)) *future.Future[T] {
	return goOp(c, ctx, func(ctx context.Context) (T, error) {
		l, done := c.take()
		defer done()
		s, err := l.trees.get(ctx, share)
		if err != nil {
			var zero T
			return zero, err
		}
		v, err := fn(ctx, s)
		if errors.Is(err, ntstatus.NetworkNameDeleted) {
			l.trees.evict(share, s)
		}
		return v, err
	})
}

// The caller's io.Reader, io.Writer and progress callback, as an
// operation's goroutine calls them: not counted as gosmb's code.
type (
	callerReader struct {
		r io.Reader
		g *opGroup
	}
	callerWriter struct {
		w io.Writer
		g *opGroup
	}
	// callerWriterAt keeps the destination's WriterAt and Seeker, with
	// which a download writes each reply at its place (ops.File.ReadTo).
	callerWriterAt struct {
		callerWriter
		wa interface {
			io.WriterAt
			io.Seeker
		}
	}
)

func (x callerReader) Read(p []byte) (int, error) {
	x.g.inCaller()
	defer x.g.outOfCaller()
	return x.r.Read(p)
}

func (x callerWriter) Write(p []byte) (int, error) {
	x.g.inCaller()
	defer x.g.outOfCaller()
	return x.w.Write(p)
}

func (x callerWriterAt) WriteAt(p []byte, off int64) (int, error) {
	x.g.inCaller()
	defer x.g.outOfCaller()
	return x.wa.WriteAt(p, off)
}

func (x callerWriterAt) Seek(off int64, whence int) (int64, error) {
	x.g.inCaller()
	defer x.g.outOfCaller()
	return x.wa.Seek(off, whence)
}

func (g *opGroup) reader(r io.Reader) io.Reader { return callerReader{r, g} }

func (g *opGroup) writer(w io.Writer) io.Writer {
	if wa, ok := w.(interface {
		io.WriterAt
		io.Seeker
	}); ok {
		return callerWriterAt{callerWriter{w, g}, wa}
	}
	return callerWriter{w, g}
}

func (g *opGroup) progress(fn func(int64)) func(int64) {
	if fn == nil {
		return nil
	}
	return func(n int64) {
		g.inCaller()
		defer g.outOfCaller()
		fn(n)
	}
}
