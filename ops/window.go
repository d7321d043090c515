package ops

import (
	"container/list"
	"context"
	"sync"
)

// connWindow is a connection's allowance of bytes in flight (Options.ConnWindow):
// a FIFO counting semaphore, like x/sync/semaphore's, that knows which of
// the bytes taken are held by transfers now running their caller's code
// (parked: writing a reply to the caller's io.Writer, reading the caller's
// io.Reader, calling a progress callback).
//
// Parked bytes come back only when that code returns, and it may be
// waiting on this very window: io.Copy from one File to another of the
// same connection, or a download piped into an upload. So a waiter whose
// bytes could not come back even if every transfer that is not parked gave
// back all it holds (size - parked < n) takes them at once as an
// overdraft, and such a chain of transfers moves on. Only a transfer with
// nothing in flight waits (the others take what is free or collect a
// reply), so each transfer holds at most one overdraft: memory stays
// within the window plus one request per transfer whose caller's code
// blocks.
type connWindow struct {
	mu      sync.Mutex
	size    int64
	avail   int64 // below 0 while an overdraft is out
	parked  int64
	waiters list.List // of *connWindowWaiter, FIFO
}

type connWindowWaiter struct {
	n     int64
	ready chan struct{} // closed once the bytes are granted
}

func newConnWindow(size int64) *connWindow { return &connWindow{size: size, avail: size} }

// tryAcquire takes n bytes if they are free now and nobody waits ahead.
func (w *connWindow) tryAcquire(n int64) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.waiters.Len() == 0 && w.avail >= n {
		w.avail -= n
		return true
	}
	return false
}

// acquire takes n bytes (at most size), waiting its turn; it fails only
// when ctx ends first, and then takes nothing.
func (w *connWindow) acquire(ctx context.Context, n int64) error {
	w.mu.Lock()
	if w.waiters.Len() == 0 && w.fitsLocked(n) {
		w.avail -= n
		w.mu.Unlock()
		return nil
	}
	wt := &connWindowWaiter{n: n, ready: make(chan struct{})}
	elem := w.waiters.PushBack(wt)
	w.mu.Unlock()
	select {
	case <-wt.ready:
		return nil
	case <-ctx.Done():
		w.mu.Lock()
		select {
		case <-wt.ready:
			w.avail += n // granted as ctx ended: give it back
		default:
			w.waiters.Remove(elem)
		}
		w.wakeLocked() // the next waiter may fit now
		w.mu.Unlock()
		return context.Cause(ctx)
	}
}

// fitsLocked reports whether n bytes may be taken now: they are free, or
// they could not come back even if every holder that is not parked gave
// back all it holds (avail + held - parked, held being size - avail).
func (w *connWindow) fitsLocked(n int64) bool {
	return w.avail >= n || w.size-w.parked < n
}

// release gives n bytes back.
func (w *connWindow) release(n int64) {
	w.mu.Lock()
	w.avail += n
	w.wakeLocked()
	w.mu.Unlock()
}

// park notes that n of the bytes its caller holds stay held until unpark:
// the caller is about to run code that may wait on this window.
func (w *connWindow) park(n int64) { w.addParked(max(n, 0)) }

// unpark undoes park(n).
func (w *connWindow) unpark(n int64) { w.addParked(-max(n, 0)) }

func (w *connWindow) addParked(d int64) {
	if d == 0 {
		return
	}
	w.mu.Lock()
	w.parked += d
	if d > 0 {
		w.wakeLocked() // a waiter may now be kept out by parked bytes alone
	}
	w.mu.Unlock()
}

func (w *connWindow) wakeLocked() {
	for {
		front := w.waiters.Front()
		if front == nil {
			return
		}
		wt := front.Value.(*connWindowWaiter)
		if !w.fitsLocked(wt.n) {
			return // strict FIFO: later waiters wait behind the head
		}
		w.avail -= wt.n
		w.waiters.Remove(front)
		close(wt.ready)
	}
}
