package ops

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestAfterWarmWaitsForATakenAgainWarmUp: after a first warm-up READ is
// given back (its download failed before the server ran it), a download
// starting while the next one is being prepared waits until it is queued.
func TestAfterWarmWaitsForATakenAgainWarmUp(t *testing.T) {
	b := NewBudget(Options{})
	if err := b.afterWarm(context.Background()); err != nil {
		t.Fatalf("afterWarm with no warm-up READ taken: %v", err)
	}
	if !b.takeWarm() || b.takeWarm() {
		t.Fatal("takeWarm: want true once, then false")
	}
	b.warmQueued()
	b.unwarm() // the first download's open failed
	if !b.takeWarm() {
		t.Fatal("takeWarm after unwarm: false, want the warm-up READ again")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := b.afterWarm(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("afterWarm while the second warm-up READ is being prepared: %v, want to wait until ctx ends", err)
	}
	done := make(chan error)
	go func() { done <- b.afterWarm(context.Background()) }()
	b.warmQueued()
	if err := <-done; err != nil {
		t.Fatalf("afterWarm once it is queued: %v", err)
	}
	b.warmQueued() // again: no panic
}
