package gosmb

import (
	"context"
	"runtime/metrics"
	"testing"
)

// Close fails the queued operations without a goroutine for each: their
// context watches are stopped before Close ends their contexts, which
// would otherwise run every watch on a goroutine of its own (10,000 queued
// operations, 10,000 goroutines at once, the burst the queue exists to
// avoid, some of them outliving close).
func TestOpGroupCloseQueuedWithoutGoroutines(t *testing.T) {
	g := &opGroup{limit: 1}
	block := make(chan struct{})
	ctx, end, err := g.start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	g.launch(ctx, func() { defer end(); <-block }, func(error) { end() })
	for range 10000 {
		ctx, end, err := g.start(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		g.launch(ctx, func() { defer end() }, func(error) { end() })
	}
	created := []metrics.Sample{{Name: "/sched/goroutines-created:goroutines"}}
	metrics.Read(created)
	before := created[0].Value.Uint64()
	idle := g.close()
	metrics.Read(created)
	n := created[0].Value.Uint64() - before
	close(block)
	<-idle
	if n > 100 {
		t.Errorf("close started %d goroutines to fail 10,000 queued operations, want none", n)
	}
}
