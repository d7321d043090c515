package future

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestResolveOnce(t *testing.T) {
	f, r := New[int]()
	if _, err := f.Result(); !errors.Is(err, ErrNotReady) {
		t.Fatalf("Result before resolve: err = %v, want ErrNotReady", err)
	}
	if f.IsDone() {
		t.Fatal("IsDone before resolve")
	}
	if !r.Resolve(1, nil) {
		t.Fatal("first Resolve returned false")
	}
	if r.Resolve(2, errors.New("late")) {
		t.Fatal("second Resolve returned true")
	}
	v, err := f.Wait(context.Background())
	if v != 1 || err != nil {
		t.Fatalf("Wait = %v, %v; want 1, nil", v, err)
	}
}

func TestReadyWinsOverCancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for i := 0; i < 1000; i++ {
		v, err := Ready("x", nil).Wait(ctx)
		if v != "x" || err != nil {
			t.Fatalf("Wait on ready future with cancelled ctx = %q, %v", v, err)
		}
	}
}

func TestWaitHonoursContext(t *testing.T) {
	f, _ := New[int]()
	cause := errors.New("gave up")
	ctx, cancel := context.WithCancelCause(context.Background())
	go func() { time.Sleep(10 * time.Millisecond); cancel(cause) }()
	_, err := f.Wait(ctx)
	if !errors.Is(err, cause) {
		t.Fatalf("Wait err = %v, want the cancel cause", err)
	}
	ctx2, cancel2 := context.WithTimeout(context.Background(), 5*time.Millisecond)
	defer cancel2()
	if _, err := f.Wait(ctx2); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Wait err = %v, want DeadlineExceeded", err)
	}
}

func TestConcurrentResolveAndWait(t *testing.T) {
	f, r := New[int]()
	var wg sync.WaitGroup
	wins := make(chan int, 16)
	for i := 0; i < 16; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			if r.Resolve(i, nil) {
				wins <- i
			}
		}()
		go func() {
			defer wg.Done()
			if _, err := f.Wait(context.Background()); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	close(wins)
	var n int
	var winner int
	for w := range wins {
		n++
		winner = w
	}
	if n != 1 {
		t.Fatalf("%d resolvers won, want 1", n)
	}
	if v, _ := f.Result(); v != winner {
		t.Fatalf("value %d, want winner %d", v, winner)
	}
}

func TestSelectOnDone(t *testing.T) {
	f := Go(func() (int, error) { return 7, nil })
	select {
	case <-f.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("not done")
	}
	if v, err := f.Result(); v != 7 || err != nil {
		t.Fatalf("Result = %v, %v", v, err)
	}
}

func TestThen(t *testing.T) {
	f := Then(Ready(2, nil), func(v int) (string, error) { return string(rune('a' + v)), nil })
	if v, err := f.Wait(context.Background()); v != "c" || err != nil {
		t.Fatalf("Then = %q, %v", v, err)
	}
	boom := errors.New("boom")
	g := Then(Failed[int](boom), func(int) (string, error) { t.Error("fn called on failure"); return "", nil })
	if _, err := g.Wait(context.Background()); !errors.Is(err, boom) {
		t.Fatalf("Then on failure err = %v", err)
	}
}

func TestWaitAllAndFirstError(t *testing.T) {
	boom := errors.New("boom")
	slow, slowR := New[int]()
	fs := []Waiter{Ready(1, nil), Failed[string](boom), slow}
	// FirstError returns as soon as one fails, without waiting for slow.
	if err := FirstError(context.Background(), fs...); !errors.Is(err, boom) {
		t.Fatalf("FirstError = %v, want boom", err)
	}
	// WaitAll waits for slow too.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := WaitAll(ctx, fs...); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("WaitAll with an unresolved future = %v, want DeadlineExceeded", err)
	}
	slowR.Resolve(3, nil)
	if err := WaitAll(context.Background(), fs...); !errors.Is(err, boom) {
		t.Fatalf("WaitAll = %v, want boom", err)
	}
	if err := WaitAll(context.Background(), Ready(1, nil), Ready("a", nil)); err != nil {
		t.Fatalf("WaitAll all ok = %v", err)
	}
	vals, err := All(Ready(1, nil), Ready(2, nil)).Wait(context.Background())
	if err != nil || len(vals) != 2 || vals[0] != 1 || vals[1] != 2 {
		t.Fatalf("All = %v, %v", vals, err)
	}
	if _, err := All(Ready(1, nil), Failed[int](boom)).Wait(context.Background()); !errors.Is(err, boom) {
		t.Fatalf("All with failure = %v", err)
	}
}

// Futures already resolved win over a context that is done, in WaitAll
// and FirstError as in Wait: a success is not turned into ctx's error, and
// a failure is reported as itself.
func TestReadyWinsInWaitAllAndFirstError(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	boom := errors.New("boom")
	ok := []Waiter{Ready(1, nil), Ready(2, nil), Ready(3, nil)}
	failed := []Waiter{Ready(1, nil), Ready(0, boom), Ready(3, nil)}
	for range 200 {
		if err := WaitAll(ctx, ok...); err != nil {
			t.Fatalf("WaitAll of ready successes, ctx done: %v", err)
		}
		if err := FirstError(ctx, ok...); err != nil {
			t.Fatalf("FirstError of ready successes, ctx done: %v", err)
		}
		if err := WaitAll(ctx, failed...); err != boom {
			t.Fatalf("WaitAll with a ready failure, ctx done: %v, want boom", err)
		}
		if err := FirstError(ctx, failed...); err != boom {
			t.Fatalf("FirstError with a ready failure, ctx done: %v, want boom", err)
		}
	}
	// Not all ready: ctx's error.
	p, _ := New[int]()
	if err := WaitAll(ctx, Ready(1, nil), p); !errors.Is(err, context.Canceled) {
		t.Fatalf("WaitAll with one pending, ctx done: %v, want context.Canceled", err)
	}
	if err := FirstError(ctx, Ready(1, nil), p); !errors.Is(err, context.Canceled) {
		t.Fatalf("FirstError with one pending, ctx done: %v, want context.Canceled", err)
	}
}
