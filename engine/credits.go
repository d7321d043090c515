package engine

import (
	"container/list"
	"context"
	"sync"
)

// creditAccount is the SMB2 credit balance of a connection ([MS-SMB2]
// 3.2.4.1.5, 3.2.5.1.4). It is plain accounting with no lock of its own:
// creditGate guards it. MessageIds are handed out with the credits that
// pay for them, so the ids in use never exceed the window the server
// granted, whatever order requests reach the wire in.
type creditAccount struct {
	avail    uint32 // granted and not yet spent
	inFlight uint32 // charged to requests still awaiting their final response
	nextMID  uint64 // next MessageId to hand out
	target   uint32 // balance (avail+inFlight) to ask the server for
	peak     uint32 // the most ever available at once
}

// charge spends n credits and returns the first of the n MessageIds they
// pay for, or ok=false when the balance is short.
func (a *creditAccount) charge(n uint32) (mid uint64, ok bool) {
	if n > a.avail {
		return 0, false
	}
	a.avail -= n
	a.inFlight += n
	mid = a.nextMID
	a.nextMID += uint64(n)
	return mid, true
}

// complete records a final response: the charged credits are no longer in
// flight and the server granted granted new ones.
func (a *creditAccount) complete(charged, granted uint32) {
	if charged > a.inFlight {
		charged = a.inFlight
	}
	a.inFlight -= charged
	a.grant(granted)
}

// grant adds credits granted by an interim response or unsolicited message.
func (a *creditAccount) grant(n uint32) {
	a.avail += n
	if a.avail > 1<<24 {
		a.avail = 1 << 24 // a hostile server cannot overflow the balance
	}
	a.peak = max(a.peak, a.avail)
}

// request returns the CreditRequest to put on a request that costs charge:
// at least charge, plus what it takes to move the balance toward target.
func (a *creditAccount) request(charge uint32) uint16 {
	want := charge
	if have := a.avail + a.inFlight; have < a.target {
		extra := a.target - have
		if extra > 512 {
			extra = 512
		}
		want += extra
	}
	if want > 0xFFFF {
		want = 0xFFFF
	}
	return uint16(want)
}

// canEverSatisfy reports whether n credits could become available: either
// they are available or some are still in flight and will come back.
func (a *creditAccount) canEverSatisfy(n uint32) bool {
	return n <= a.avail || a.inFlight > 0
}

// creditGate queues requests for credits in FIFO order. Waiting honours
// the request's context. Like x/sync/semaphore, not sync.Cond.
type creditGate struct {
	mu      sync.Mutex // guards following
	acct    creditAccount
	waiters list.List // of *creditWaiter, FIFO
	err     error     // set when the connection is closed
}

type creditWaiter struct {
	n       uint32
	ready   chan struct{} // closed when granted or failed
	mid     uint64        // valid after ready, if err == nil
	request uint16
	err     error
}

// acquire charges n credits, waiting in FIFO order, and returns the first
// MessageId and the CreditRequest to send. Once it returns nil the caller
// owns the ids and must send the request.
func (g *creditGate) acquire(ctx context.Context, n uint32) (mid uint64, request uint16, err error) {
	g.mu.Lock()
	if g.err != nil {
		err := g.err
		g.mu.Unlock()
		return 0, 0, err
	}
	if g.waiters.Len() == 0 {
		if mid, ok := g.acct.charge(n); ok {
			req := g.acct.request(n)
			g.mu.Unlock()
			return mid, req, nil
		}
		if !g.acct.canEverSatisfy(n) {
			g.mu.Unlock()
			return 0, 0, ErrNoCredits
		}
	}
	w := &creditWaiter{n: n, ready: make(chan struct{})}
	elem := g.waiters.PushBack(w)
	g.mu.Unlock()

	select {
	case <-w.ready:
		return w.mid, w.request, w.err
	case <-ctx.Done():
		g.mu.Lock()
		select {
		case <-w.ready:
			// Granted while we were giving up: the ids are ours and must
			// be used; the caller sends and then cancels.
			g.mu.Unlock()
			return w.mid, w.request, w.err
		default:
		}
		isFront := g.waiters.Front() == elem
		g.waiters.Remove(elem)
		if isFront {
			g.wakeLocked() // the next waiter may fit now
		}
		g.mu.Unlock()
		return 0, 0, context.Cause(ctx)
	}
}

// complete records a final response and wakes waiters that now fit.
func (g *creditGate) complete(charged, granted uint32) {
	g.mu.Lock()
	g.acct.complete(charged, granted)
	g.wakeLocked()
	g.mu.Unlock()
}

// grant records credits from an interim response.
func (g *creditGate) grant(n uint32) {
	if n == 0 {
		return
	}
	g.mu.Lock()
	g.acct.grant(n)
	g.wakeLocked()
	g.mu.Unlock()
}

func (g *creditGate) wakeLocked() {
	for {
		front := g.waiters.Front()
		if front == nil {
			return
		}
		w := front.Value.(*creditWaiter)
		mid, ok := g.acct.charge(w.n)
		if !ok {
			if !g.acct.canEverSatisfy(w.n) {
				w.err = ErrNoCredits
				g.waiters.Remove(front)
				close(w.ready)
				continue
			}
			return // strict FIFO: later waiters wait behind the head
		}
		w.mid, w.request = mid, g.acct.request(w.n)
		g.waiters.Remove(front)
		close(w.ready)
	}
}

// close fails every waiter and every later acquire with err.
func (g *creditGate) close(err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.err != nil {
		return
	}
	g.err = err
	for e := g.waiters.Front(); e != nil; e = e.Next() {
		w := e.Value.(*creditWaiter)
		w.err = err
		close(w.ready)
	}
	g.waiters.Init()
}

// peak returns the most credits ever available at once.
func (g *creditGate) peak() uint32 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.acct.peak
}

// snapshot returns the current balance, for diagnostics and for transfers
// that size their requests to what is available.
func (g *creditGate) snapshot() (avail, inFlight uint32) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.acct.avail, g.acct.inFlight
}
