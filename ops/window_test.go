package ops

import (
	"context"
	"errors"
	"testing"
	"time"
)

// acquireAsync starts w.acquire(n) and returns its result channel.
func acquireAsync(w *connWindow, ctx context.Context, n int64) <-chan error {
	ch := make(chan error, 1)
	go func() { ch <- w.acquire(ctx, n) }()
	return ch
}

// stillWaiting fails t unless ch stays empty for a while.
func stillWaiting(t *testing.T, what string, ch <-chan error) {
	t.Helper()
	select {
	case err := <-ch:
		t.Fatalf("%s: got %v, want it still waiting", what, err)
	case <-time.After(50 * time.Millisecond):
	}
}

// granted fails t unless ch delivers nil promptly.
func granted(t *testing.T, what string, ch <-chan error) {
	t.Helper()
	select {
	case err := <-ch:
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("%s: still waiting", what)
	}
}

func TestConnWindowFIFO(t *testing.T) {
	w := newConnWindow(10)
	ctx := context.Background()
	if err := w.acquire(ctx, 8); err != nil {
		t.Fatal(err)
	}
	big := acquireAsync(w, ctx, 6)
	stillWaiting(t, "6 of 2 free", big)
	if w.tryAcquire(1) {
		t.Fatal("tryAcquire(1) went ahead of a waiter")
	}
	cctx, cancel := context.WithCancel(ctx)
	small := acquireAsync(w, cctx, 1)
	stillWaiting(t, "1 behind a waiter", small)
	cancel()
	if err := <-small; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled waiter: %v", err)
	}
	w.release(4)
	granted(t, "6 of 6 free", big)
	if w.avail != 0 {
		t.Fatalf("avail %d, want 0", w.avail)
	}
}

// Bytes held by parked transfers cannot come back until their caller's
// code returns: a waiter they alone keep out takes its bytes at once, one
// such overdraft at a time.
func TestConnWindowOverdraftOnlyWhenParkedBytesBlock(t *testing.T) {
	w := newConnWindow(10)
	ctx := context.Background()
	if err := w.acquire(ctx, 10); err != nil {
		t.Fatal(err)
	}
	w.park(5)
	half := acquireAsync(w, ctx, 4)
	stillWaiting(t, "4 while 5 unparked bytes can come back", half)
	w.release(5) // the unparked half comes back
	granted(t, "4 of 5 free", half)

	// Now 9 held, 5 of them parked, 1 free. Park the rest of the holder's:
	// 4 can no longer come back without the parked ones.
	second := acquireAsync(w, ctx, 4)
	stillWaiting(t, "4 of 1 free, 4 unparked held", second)
	w.park(4)
	granted(t, "4 once all held bytes are parked (overdraft)", second)
	if w.avail != -3 {
		t.Fatalf("avail %d, want -3 (an overdraft of 3)", w.avail)
	}
	third := acquireAsync(w, ctx, 1)
	stillWaiting(t, "1 while the unparked overdraft can come back", third)
	w.release(4) // the overdraft comes back: avail 1
	granted(t, "1 of 1 free", third)

	// 10 held, 9 parked, 0 free: 2 cannot come back, even an overdraft
	// holder that parks does not keep a later waiter out.
	if err := w.acquire(ctx, 2); err != nil {
		t.Fatalf("2 with 9 of 10 held bytes parked: %v", err)
	}
	fourth := acquireAsync(w, ctx, 1)
	stillWaiting(t, "1 while the unparked 1 and 2 can come back", fourth)
	w.park(3) // the holders of the last 1 and the overdraft of 2 park
	granted(t, "1 once every held byte is parked", fourth)
	w.unpark(12)
	w.release(13)
	if w.parked != 0 || w.avail != 10 {
		t.Fatalf("parked %d, avail %d; want 0 and 10", w.parked, w.avail)
	}
}

// A waiter granted as its context ends gives the bytes back.
func TestConnWindowCancelledWaiterTakesNothing(t *testing.T) {
	w := newConnWindow(4)
	ctx, cancel := context.WithCancel(context.Background())
	if err := w.acquire(context.Background(), 4); err != nil {
		t.Fatal(err)
	}
	ch := acquireAsync(w, ctx, 4)
	stillWaiting(t, "4 of 0 free", ch)
	cancel()
	w.release(4)
	<-ch
	if !w.tryAcquire(4) {
		t.Fatalf("the window lost bytes to a cancelled waiter: avail %d", w.avail)
	}
}
