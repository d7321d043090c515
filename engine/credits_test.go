package engine

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestCreditAccountChargeAndComplete(t *testing.T) {
	a := creditAccount{avail: 1, target: 100}
	mid, ok := a.charge(1)
	if !ok || mid != 0 {
		t.Fatalf("charge(1) = %d, %v; want 0, true", mid, ok)
	}
	if _, ok := a.charge(1); ok {
		t.Fatal("charge with an empty balance succeeded")
	}
	a.complete(1, 10)
	if a.avail != 10 || a.inFlight != 0 {
		t.Fatalf("after complete: avail %d inFlight %d; want 10, 0", a.avail, a.inFlight)
	}
	// A multi-credit charge consumes as many MessageIds as credits.
	mid, ok = a.charge(4)
	if !ok || mid != 1 {
		t.Fatalf("charge(4) = %d, %v; want mid 1", mid, ok)
	}
	if mid, _ = a.charge(1); mid != 5 {
		t.Fatalf("next mid %d, want 5", mid)
	}
	if got := a.request(1); got != 1+100-10 {
		t.Fatalf("request(1) = %d, want %d (charge plus the gap to the target)", got, 1+100-10)
	}
	a.complete(100, 0) // more than in flight: clamped, never wraps
	if a.inFlight != 0 {
		t.Fatalf("inFlight %d after over-complete", a.inFlight)
	}
	a.grant(1 << 30)
	if a.avail > 1<<24 {
		t.Fatalf("grant not capped: %d", a.avail)
	}
}

func TestCreditRequestCappedPerRequest(t *testing.T) {
	a := creditAccount{avail: 1, target: 100000}
	if got := a.request(8); got != 8+512 {
		t.Fatalf("request = %d, want %d", got, 8+512)
	}
}

func TestCreditGateFIFO(t *testing.T) {
	var g creditGate
	g.acct = creditAccount{avail: 0, inFlight: 2, target: 10}
	ctx := context.Background()
	big := make(chan uint64, 1)
	small := make(chan uint64, 1)
	go func() { mid, _, _ := g.acquire(ctx, 3); big <- mid }()
	waitForWaiters(t, &g, 1)
	go func() { mid, _, _ := g.acquire(ctx, 1); small <- mid }()
	waitForWaiters(t, &g, 2)
	g.complete(1, 1) // 1 available: the head (3) does not fit, and the small one must not pass it
	select {
	case <-small:
		t.Fatal("a later waiter overtook the head of the queue")
	case <-time.After(20 * time.Millisecond):
	}
	g.grant(3)
	if mid := <-big; mid != 0 {
		t.Fatalf("big got mid %d, want 0", mid)
	}
	if mid := <-small; mid != 3 {
		t.Fatalf("small got mid %d, want 3", mid)
	}
}

func TestCreditGateContextAndClose(t *testing.T) {
	var g creditGate
	g.acct = creditAccount{avail: 0, inFlight: 1}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, _, err := g.acquire(ctx, 1); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("acquire err = %v, want DeadlineExceeded", err)
	}
	if g.waiters.Len() != 0 {
		t.Fatal("cancelled waiter left in the queue")
	}
	errc := make(chan error, 1)
	go func() { _, _, err := g.acquire(context.Background(), 1); errc <- err }()
	waitForWaiters(t, &g, 1)
	boom := errors.New("closed")
	g.close(boom)
	if err := <-errc; !errors.Is(err, boom) {
		t.Fatalf("waiter err after close = %v", err)
	}
	if _, _, err := g.acquire(context.Background(), 1); !errors.Is(err, boom) {
		t.Fatalf("acquire after close = %v", err)
	}
}

func TestCreditGateNeverDeadlocks(t *testing.T) {
	var g creditGate
	g.acct = creditAccount{avail: 2}
	// Nothing in flight and too few credits: it can never be satisfied.
	if _, _, err := g.acquire(context.Background(), 4); !errors.Is(err, ErrNoCredits) {
		t.Fatalf("acquire(4) with 2 available and none in flight = %v, want ErrNoCredits", err)
	}
	// A waiter whose last hope completes without enough credits fails.
	g.acct = creditAccount{avail: 0, inFlight: 1}
	errc := make(chan error, 1)
	go func() { _, _, err := g.acquire(context.Background(), 4); errc <- err }()
	waitForWaiters(t, &g, 1)
	g.complete(1, 1)
	if err := <-errc; !errors.Is(err, ErrNoCredits) {
		t.Fatalf("waiter err = %v, want ErrNoCredits", err)
	}
}

func waitForWaiters(t *testing.T, g *creditGate, n int) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		g.mu.Lock()
		l := g.waiters.Len()
		g.mu.Unlock()
		if l >= n {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("never saw %d waiters", n)
}

// The peak is the most credits ever available at once, not available
// plus in flight, which can pass what the server lets the client hold.
func TestCreditAccountPeak(t *testing.T) {
	a := creditAccount{}
	a.grant(16)
	for range 3 {
		if _, ok := a.charge(10); !ok {
			t.Fatal("charge 10 of 16")
		}
		a.grant(10) // the server tops up what was spent: 16 free, 10 in flight
		if a.avail+a.inFlight <= 16 {
			t.Fatalf("avail+inFlight %d: the test wants it past the server's 16", a.avail+a.inFlight)
		}
		a.complete(10, 0)
	}
	if a.peak != 16 {
		t.Fatalf("peak %d, want 16", a.peak)
	}
	a.complete(0, 4)
	if a.peak != 20 {
		t.Fatalf("peak %d after a grant to 20 available, want 20", a.peak)
	}
}
