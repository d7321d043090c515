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
//
// It also bounds the goroutines of goOp operations: at most limit run
// gosmb's code at once, and later ones wait in a FIFO queue as a closure
// and a Future, without a goroutine (one costs 8 KiB of stack by the time
// a GetAttributes is under way: 10,000 at once took 108 MiB). The server
// serves no more at once than its credits allow anyway. An operation in
// the caller's code gives its place up meanwhile, so a queued operation
// that code waits for can run.
type opGroup struct {
	mu      sync.Mutex
	closed  bool
	running int           // operations in gosmb's code, queued ones included
	idle    chan struct{} // made by close; closed once running is 0
	cancels map[*opCancel]struct{}

	limit      int // goOp goroutines in gosmb's code at once; 0: no limit
	active     int // goOp goroutines in gosmb's code now
	head, tail *queuedOp
}

// queuedOp is a goOp operation waiting for a goroutine.
type queuedOp struct {
	run        func()      // the operation, on the goroutine it is given
	fail       func(error) // resolves its Future with the error instead
	stop       func() bool // ends the watch on its context; nil until set
	prev, next *queuedOp
	queued     bool // still in the queue (guarded by opGroup.mu)
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

// close refuses new operations, fails the queued ones, ends the context
// of every one under way and returns a channel closed once none runs
// gosmb's code.
func (g *opGroup) close() <-chan struct{} {
	g.mu.Lock()
	g.closed = true
	var queued []*queuedOp
	for q := g.popLocked(); q != nil; q = g.popLocked() {
		// Before the contexts end below: a watch still set then would
		// start a goroutine for each queued operation. (stop does not
		// wait for the watch's function, which takes g.mu.)
		if q.stop != nil {
			q.stop()
		}
		queued = append(queued, q)
	}
	for oc := range g.cancels {
		oc.cancel(errClientClosed)
	}
	idle := make(chan struct{})
	if g.running == 0 {
		close(idle)
	} else {
		g.idle = idle
	}
	g.mu.Unlock()
	for _, q := range queued {
		q.fail(errClientClosed)
	}
	return idle
}

// inCaller and outOfCaller bracket a call of the caller's code: it is not
// counted as gosmb's. For a goOp operation (op), the goroutine also gives
// its place among the limit up meanwhile, and takes it back after even if
// that goes over the limit for a while: the caller's code may be waiting
// for a queued operation, and the way back must not wait.
func (g *opGroup) inCaller(op bool) {
	g.add(-1)
	if op {
		g.mu.Lock()
		g.active--
		g.startQueuedLocked()
		g.mu.Unlock()
	}
}

func (g *opGroup) outOfCaller(op bool) {
	if op {
		g.mu.Lock()
		g.active++
		g.mu.Unlock()
	}
	g.add(1)
}

// goOp runs fn as one of c's operations, on a goroutine of its own (once
// fewer than the limit are in gosmb's code), with a context that Close
// ends too. The Future is resolved before Close, which waits for the
// goroutine, can return. A queued operation whose context ends fails at
// once.
func goOp[T any](c *Client, ctx context.Context, fn func(ctx context.Context) (T, error)) *future.Future[T] {
	ctx, end, err := c.work.start(ctx)
	if err != nil {
		return future.Failed[T](err)
	}
	f, r := future.New[T]()
	c.work.launch(ctx, func() {
		defer end()
		r.Resolve(fn(ctx))
	}, func(err error) {
		var zero T
		r.Resolve(zero, err)
		end()
	})
	return f
}

// launch runs run on a new goroutine if the limit allows and nothing is
// queued ahead of it, else queues it. fail ends it instead if its context
// ends (Close included) while it waits.
func (g *opGroup) launch(ctx context.Context, run func(), fail func(error)) {
	g.mu.Lock()
	if g.limit <= 0 || (g.active < g.limit && g.head == nil) {
		g.active++
		g.mu.Unlock()
		go g.work(run)
		return
	}
	q := &queuedOp{run: run, fail: fail, queued: true, prev: g.tail}
	if g.tail == nil {
		g.head = q
	} else {
		g.tail.next = q
	}
	g.tail = q
	g.mu.Unlock()
	stop := context.AfterFunc(ctx, func() {
		g.mu.Lock()
		ok := g.removeLocked(q)
		g.mu.Unlock()
		if ok {
			q.fail(context.Cause(ctx))
		}
	})
	g.mu.Lock()
	if q.queued {
		q.stop = stop
		stop = nil
	}
	g.mu.Unlock()
	if stop != nil { // taken off the queue meanwhile
		stop()
	}
}

// work runs run, then queued operations while there are any, on this
// goroutine. A goroutine over the limit (its operation took its place back
// after the caller's code, see outOfCaller) takes no queued operation: it
// ends, and brings the count back under the limit.
func (g *opGroup) work(run func()) {
	for run != nil {
		run()
		g.mu.Lock()
		run = nil
		var q *queuedOp
		if g.limit <= 0 || g.active <= g.limit {
			q = g.popLocked()
		}
		var stop func() bool
		if q != nil {
			run, stop = q.run, q.stop
		} else {
			g.active--
		}
		g.mu.Unlock()
		if stop != nil {
			stop()
		}
	}
}

// startQueuedLocked gives queued operations goroutines while the limit
// allows.
func (g *opGroup) startQueuedLocked() {
	for g.head != nil && g.active < g.limit {
		q := g.popLocked()
		g.active++
		stop := q.stop // nil: launch stops the watch itself
		go func() {
			if stop != nil {
				stop()
			}
			g.work(q.run)
		}()
	}
}

// popLocked takes the first queued operation off the queue.
func (g *opGroup) popLocked() *queuedOp {
	q := g.head
	if q != nil {
		g.removeLocked(q)
	}
	return q
}

// removeLocked takes q off the queue if it is still there.
func (g *opGroup) removeLocked(q *queuedOp) bool {
	if !q.queued {
		return false
	}
	if q.prev == nil {
		g.head = q.next
	} else {
		q.prev.next = q.next
	}
	if q.next == nil {
		g.tail = q.prev
	} else {
		q.next.prev = q.prev
	}
	q.prev, q.next, q.queued = nil, nil, false
	return true
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
		r  io.Reader
		g  *opGroup
		op bool // on a goOp goroutine (see inCaller)
	}
	callerWriter struct {
		w  io.Writer
		g  *opGroup
		op bool
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
	x.g.inCaller(x.op)
	defer x.g.outOfCaller(x.op)
	return x.r.Read(p)
}

func (x callerWriter) Write(p []byte) (int, error) {
	x.g.inCaller(x.op)
	defer x.g.outOfCaller(x.op)
	return x.w.Write(p)
}

func (x callerWriterAt) WriteAt(p []byte, off int64) (int, error) {
	x.g.inCaller(x.op)
	defer x.g.outOfCaller(x.op)
	return x.wa.WriteAt(p, off)
}

func (x callerWriterAt) Seek(off int64, whence int) (int64, error) {
	x.g.inCaller(x.op)
	defer x.g.outOfCaller(x.op)
	return x.wa.Seek(off, whence)
}

// reader, writer and progress wrap the caller's code for an operation;
// op says it runs on a goOp goroutine (not a File call on the caller's).
func (g *opGroup) reader(r io.Reader, op bool) io.Reader { return callerReader{r, g, op} }

func (g *opGroup) writer(w io.Writer, op bool) io.Writer {
	if wa, ok := w.(interface {
		io.WriterAt
		io.Seeker
	}); ok {
		return callerWriterAt{callerWriter{w, g, op}, wa}
	}
	return callerWriter{w, g, op}
}

func (g *opGroup) progress(fn func(int64), op bool) func(int64) {
	if fn == nil {
		return nil
	}
	return func(n int64) {
		g.inCaller(op)
		defer g.outOfCaller(op)
		fn(n)
	}
}
