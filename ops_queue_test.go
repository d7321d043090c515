package gosmb_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/gosmb/gosmb"
	"github.com/gosmb/gosmb/future"
	"github.com/gosmb/gosmb/internal/sambatest"
)

// TestTenThousandOperationsAtOnce launches 10,000 GetAttributes on one
// connection before waiting for any (DESIGN.md §5): all succeed, and the
// Client does not hold a goroutine for each (at most MaxActiveOperations,
// 1,024 by default, run at once; the rest wait without one). 10,000
// goroutines took 8 KiB of stack each.
func TestTenThousandOperationsAtOnce(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	if err := os.Mkdir(filepath.Join(srv.ShareDir, "m"), 0o755); err != nil {
		t.Fatal(err)
	}
	for i := range 100 {
		writeLocal(t, filepath.Join(srv.ShareDir, "m", fmt.Sprint(i)), make([]byte, i))
	}
	c := dial(t, srv, gosmb.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	before := runtime.NumGoroutine()
	futs := make([]*future.Future[gosmb.SharedFile], 10000)
	for i := range futs {
		futs[i] = c.GetAttributes(ctx, srv.Share, fmt.Sprintf("m/%d", i%100))
	}
	if n := runtime.NumGoroutine() - before; n > 1024+64 {
		t.Errorf("%d goroutines more with 10,000 operations launched, want at most the 1,024 that run at once", n)
	}
	for i, f := range futs {
		sf, err := f.Wait(ctx)
		if err != nil || sf.Size != int64(i%100) {
			t.Fatalf("GetAttributes %d: size %d, %v; want %d", i, sf.Size, err, i%100)
		}
	}
}

// writeGate is a net.Conn whose writes can be held: the request being
// written then keeps its operation inside gosmb's code.
type writeGate struct {
	net.Conn
	mu   sync.Mutex
	shut chan struct{} // non-nil: writes wait until it is closed
	held chan struct{} // closed when a write first waits at the gate
}

func (g *writeGate) Write(p []byte) (int, error) {
	g.mu.Lock()
	shut, held := g.shut, g.held
	g.mu.Unlock()
	if shut != nil {
		select {
		case <-held:
		default:
			close(held)
		}
		<-shut
	}
	return g.Conn.Write(p)
}

func (g *writeGate) close() (held chan struct{}) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.shut, g.held = make(chan struct{}), make(chan struct{})
	return g.held
}

func (g *writeGate) open() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.shut != nil {
		close(g.shut)
		g.shut = nil
	}
}

// With MaxActiveOperations: 1 and that one operation stuck in gosmb's code
// (its request held on the way out), the next operation waits without
// running, fails as soon as its context ends, and runs once the first is
// done; operations still waiting when the Client closes fail with
// net.ErrClosed.
func TestQueuedOperations(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var gate *writeGate
	c := dialTest(ctx, t, srv.Addr, &gosmb.Options{User: srv.User, Password: srv.Password, MaxActiveOperations: 1, KeepAlive: -1,
		Dialer: func(ctx context.Context, network, addr string) (net.Conn, error) {
			nc, err := (&net.Dialer{}).DialContext(ctx, network, addr)
			gate = &writeGate{Conn: nc}
			return gate, err
		}})
	t.Cleanup(func() { gate.open() }) // before the Client's Close, on failures
	if _, err := c.Echo(ctx).Wait(ctx); err != nil {
		t.Fatal(err)
	}

	held := gate.close()
	first := c.Echo(ctx)
	<-held
	short, stop := context.WithCancel(ctx)
	before := runtime.NumGoroutine()
	queued := c.Echo(short)
	var later []*future.Future[struct{}]
	for range 100 {
		later = append(later, c.Echo(ctx))
	}
	time.Sleep(50 * time.Millisecond)
	if queued.IsDone() || later[0].IsDone() {
		t.Fatal("an operation behind a stuck one finished: it was not queued")
	}
	if n := runtime.NumGoroutine() - before; n > 10 {
		t.Errorf("101 operations waiting for their turn hold %d goroutines, want none", n)
	}
	stop()
	select {
	case <-queued.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("a queued operation whose context ended did not fail")
	}
	if _, err := queued.Result(); !errors.Is(err, context.Canceled) {
		t.Fatalf("queued operation whose context ended: %v, want context.Canceled", err)
	}
	gate.open()
	ws := []future.Waiter{first}
	for _, f := range later {
		ws = append(ws, f)
	}
	if err := future.WaitAll(ctx, ws...); err != nil {
		t.Fatalf("operations behind the stuck one, once it is done: %v", err)
	}

	held = gate.close()
	stuck := c.Echo(ctx)
	<-held
	waiting := []*future.Future[struct{}]{c.Echo(ctx), c.Echo(ctx)}
	closed := make(chan error, 1)
	go func() { closed <- c.Close() }()
	for i, f := range waiting {
		select {
		case <-f.Done():
		case <-time.After(5 * time.Second):
			t.Fatalf("queued operation %d still waiting after Close", i)
		}
		if _, err := f.Result(); !errors.Is(err, net.ErrClosed) {
			t.Fatalf("queued operation at Close: %v, want net.ErrClosed", err)
		}
	}
	gate.open()
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	if _, err := stuck.Wait(ctx); err != nil && !errors.Is(err, net.ErrClosed) {
		t.Fatalf("operation under way at Close: %v", err)
	}
}

// An operation in the caller's code does not hold its place: with
// MaxActiveOperations: 1, an upload whose reader waits for another
// operation of the same Client completes.
func TestCallerCodeGivesItsPlaceUp(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	writeLocal(t, filepath.Join(srv.ShareDir, "src"), []byte("0123456789"))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := dialTest(ctx, t, srv.Addr, &gosmb.Options{User: srv.User, Password: srv.Password, MaxActiveOperations: 1})
	pr, pw := io.Pipe()
	go func() {
		// The reader's data is another download of the same Client.
		_, err := c.RetrieveFile(ctx, srv.Share, "src", pw).Wait(ctx)
		pw.CloseWithError(err)
	}()
	if _, err := c.StoreFile(ctx, srv.Share, "dst", pr).Wait(ctx); err != nil {
		t.Fatalf("upload whose reader is a download of the same Client: %v", err)
	}
	if got := readLocal(t, srv.ShareDir, "dst"); string(got) != "0123456789" {
		t.Fatalf("uploaded %q", got)
	}
}
