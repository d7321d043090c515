package gosmb

import (
	"context"
	"sync"
	"testing"
	"time"
)

// An operation that went over the limit by taking its place back after the
// caller's code (outOfCaller) must not keep the Client over it: once it
// ends, its goroutine gives the place up rather than take the next queued
// operation while the others still fill the limit. Here, with a limit of
// 1, A runs the caller's code, B takes its place, A comes back (2 in
// gosmb's code, as designed) and ends: the operations queued behind must
// then run one at a time, not two at a time for as long as any are
// queued.
func TestOpGroupLimitRestoredAfterCallerCode(t *testing.T) {
	g := &opGroup{limit: 1}
	var mu sync.Mutex
	cur, peak := 0, 0
	enter := func() {
		mu.Lock()
		cur++
		peak = max(peak, cur)
		mu.Unlock()
	}
	leave := func() {
		mu.Lock()
		cur--
		mu.Unlock()
	}
	var wg sync.WaitGroup
	op := func(body func()) {
		ctx, end, err := g.start(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		g.launch(ctx, func() {
			defer wg.Done()
			defer end()
			body()
		}, func(error) {
			defer wg.Done()
			end()
		})
	}

	inCaller, backA, aDone := make(chan struct{}), make(chan struct{}), make(chan struct{})
	op(func() { // A
		g.inCaller(true)
		close(inCaller)
		<-backA
		g.outOfCaller(true)
		close(aDone)
	})
	bStarted, releaseB := make(chan struct{}), make(chan struct{})
	op(func() { // B: queued, runs in A's place while A is in the caller's code
		enter()
		close(bStarted)
		<-releaseB
		leave()
	})
	for range 20 { // queued behind B
		op(func() {
			enter()
			time.Sleep(2 * time.Millisecond)
			leave()
		})
	}
	<-inCaller
	<-bStarted
	close(backA) // A ends: B alone is in gosmb's code now
	<-aDone
	time.Sleep(100 * time.Millisecond)
	close(releaseB)
	wg.Wait()
	if peak > 1 {
		t.Errorf("%d operations in gosmb's code at once after the one that went over the limit ended, limit 1", peak)
	}
	<-g.close()
}
