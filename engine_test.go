package gosmb_test

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/gosmb/gosmb"
	"github.com/gosmb/gosmb/future"
	"github.com/gosmb/gosmb/internal/sambatest"
	"github.com/gosmb/gosmb/proto/ntstatus"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, sambatest.IgnoreSpawner())
}

func dial(t testing.TB, srv *sambatest.Server, opts gosmb.Options) *gosmb.Client {
	t.Helper()
	if opts.User == "" && !opts.Anonymous {
		opts.User, opts.Password = srv.User, srv.Password
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := gosmb.Dial(ctx, srv.Addr, &opts)
	if err != nil {
		t.Fatalf("Dial %s: %v\nsmbd log:\n%s", srv.Addr, err, srv.LogTail(30))
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// TestDialEchoShareClose is the end-to-end path: dial, NTLMv2 logon, tree
// connect, echo, close — against Samba limited to SMB 2.1 and at 3.1.1.
func TestDialEchoShareClose(t *testing.T) {
	for _, tc := range []struct {
		maxProto string
		want     gosmb.Dialect
	}{
		{"SMB2_10", gosmb.SMB210},
		{"SMB3_11", gosmb.SMB311},
	} {
		t.Run(tc.maxProto, func(t *testing.T) {
			srv := sambatest.Start(t, sambatest.Config{MaxProtocol: tc.maxProto})
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			c, err := gosmb.Dial(ctx, srv.Addr, &gosmb.Options{User: srv.User, Password: srv.Password})
			if err != nil {
				t.Fatalf("Dial: %v\n%s", err, srv.LogTail(30))
			}
			if got := c.Dialect(); got != tc.want {
				t.Errorf("negotiated %s, want %s", got, tc.want)
			}
			if c.Session().IsGuest() || c.Session().IsAnonymous() {
				t.Errorf("logged on as guest/anonymous, want the user")
			}
			sh, err := c.ConnectShare(ctx, srv.Share).Wait(ctx)
			if err != nil {
				t.Fatalf("ConnectShare: %v", err)
			}
			if sh.Type != 1 {
				t.Errorf("share type %d, want 1 (disk)", sh.Type)
			}
			if _, err := c.Echo(ctx).Wait(ctx); err != nil {
				t.Fatalf("Echo: %v", err)
			}
			if err := c.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			if _, err := c.Echo(ctx).Wait(ctx); !errors.Is(err, net.ErrClosed) {
				t.Fatalf("Echo after Close: %v, want net.ErrClosed", err)
			}
		})
	}
}

func TestWrongPasswordIsTypedLogonFailure(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err := gosmb.Dial(ctx, srv.Addr, &gosmb.Options{User: srv.User, Password: srv.Password + "-wrong"})
	var ae *gosmb.AuthError
	if !errors.As(err, &ae) {
		t.Fatalf("Dial with a wrong password: %v (%T), want *gosmb.AuthError", err, err)
	}
	if ae.Status != ntstatus.LogonFailure {
		t.Fatalf("status %s, want STATUS_LOGON_FAILURE", ae.Status)
	}
	if !errors.Is(err, ntstatus.LogonFailure) {
		t.Fatalf("errors.Is(err, ntstatus.LogonFailure) is false for %v", err)
	}
}

func TestMissingShareIsTypedError(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	c := dial(t, srv, gosmb.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := c.ConnectShare(ctx, "no-such-share").Wait(ctx)
	var se *gosmb.StatusError
	if !errors.As(err, &se) || se.Status != ntstatus.BadNetworkName {
		t.Fatalf("ConnectShare(no-such-share) = %v, want StatusError STATUS_BAD_NETWORK_NAME", err)
	}
}

// TestThousandConcurrentEchoes runs 1,000 echo futures at once on one
// connection against the real server.
func TestThousandConcurrentEchoes(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	c := dial(t, srv, gosmb.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	futs := make([]future.Waiter, 1000)
	for i := range futs {
		futs[i] = c.Echo(ctx)
	}
	if err := future.WaitAll(ctx, futs...); err != nil {
		t.Fatalf("1,000 concurrent echoes: %v", err)
	}
	for i, f := range futs {
		if !isDone(f) {
			t.Fatalf("echo %d not done", i)
		}
	}
}

func isDone(w future.Waiter) bool {
	select {
	case <-w.Done():
		return true
	default:
		return false
	}
}

// TestServerKilledFailsPendingPromptly kills smbd (every process of it)
// with requests in flight: every pending Future must fail within a second
// with an error matching net.ErrClosed.
func TestServerKilledFailsPendingPromptly(t *testing.T) {
	srv, err := sambatest.Launch(sambatest.Config{})
	if err != nil {
		if sambatest.Available() != nil {
			sambatest.Start(t, sambatest.Config{}) // skips or fails as configured
		}
		t.Fatal(err)
	}
	defer srv.Close()
	c := dial(t, srv, gosmb.Options{})
	ctx := context.Background()
	var futs []*future.Future[struct{}]
	var mu sync.Mutex
	stop := make(chan struct{})
	var wg sync.WaitGroup
	// Keep a stream of echoes going so some are in flight when it dies.
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				f := c.Echo(ctx)
				mu.Lock()
				futs = append(futs, f)
				mu.Unlock()
				time.Sleep(time.Millisecond)
			}
		}()
	}
	time.Sleep(100 * time.Millisecond)
	killed := time.Now()
	if err := exec.Command("pkill", "-KILL", "-f", srv.ConfPath).Run(); err != nil {
		t.Fatalf("pkill smbd: %v", err)
	}
	time.Sleep(20 * time.Millisecond)
	close(stop)
	wg.Wait()
	deadline, cancel := context.WithDeadline(context.Background(), killed.Add(time.Second+20*time.Millisecond))
	defer cancel()
	failed := 0
	for i, f := range futs {
		_, err := f.Wait(deadline)
		if errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("echo %d still pending a second after the server died", i)
		}
		if err != nil {
			if !errors.Is(err, net.ErrClosed) {
				t.Fatalf("echo %d failed with %v, want an error matching net.ErrClosed", i, err)
			}
			failed++
		}
	}
	if failed == 0 {
		t.Fatal("no echo failed: the server was not killed while requests were in flight")
	}
	t.Logf("%d of %d echoes failed with net.ErrClosed after the kill", failed, len(futs))
}

// BenchmarkEcho measures echo round trips with 1 and 64 requests in flight
// on one connection.
func BenchmarkEcho(b *testing.B) {
	srv := sambatest.Start(b, sambatest.Config{})
	c := dial(b, srv, gosmb.Options{})
	ctx := context.Background()
	for _, inflight := range []int{1, 64} {
		b.Run(inflightName(inflight), func(b *testing.B) {
			sem := make(chan struct{}, inflight)
			var wg sync.WaitGroup
			var errOnce sync.Once
			var firstErr error
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				sem <- struct{}{}
				wg.Add(1)
				f := c.Echo(ctx)
				go func() {
					defer wg.Done()
					if _, err := f.Wait(ctx); err != nil {
						errOnce.Do(func() { firstErr = err })
					}
					<-sem
				}()
			}
			wg.Wait()
			b.StopTimer()
			if firstErr != nil {
				b.Fatal(firstErr)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "echo/s")
		})
	}
}

func inflightName(n int) string {
	if n == 1 {
		return "inflight=1"
	}
	return "inflight=64"
}

// TestNetBIOSSessionService dials through the NetBIOS session service
// (SESSION REQUEST with called and calling names, port 139 style) before
// speaking SMB.
func TestNetBIOSSessionService(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{NetBIOSPort: true})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for _, tc := range []struct{ called, workstation string }{
		{"*SMBSERVER", "GOSMBTEST"},
		{srv.NetBIOSName, "GOSMBTEST"},
		// A DNS name as the workstation: the calling name is its first
		// label, cut to 15 bytes, as for the host name by default.
		{"*SMBSERVER", "gosmb-test-workstation.example.com"},
	} {
		c, err := gosmb.Dial(ctx, srv.NetBIOSAddr, &gosmb.Options{User: srv.User, Password: srv.Password, NetBIOSName: tc.called, Workstation: tc.workstation})
		if err != nil {
			t.Fatalf("called name %q, workstation %q: %v", tc.called, tc.workstation, err)
		}
		if _, err := c.Echo(ctx).Wait(ctx); err != nil {
			t.Fatal(err)
		}
		c.Close()
	}
}

// blockingReader gives n bytes, then says so on blocked and blocks until
// release is closed, then gives more.
type blockingReader struct {
	n       int
	blocked chan struct{}
	release chan struct{}
	once    sync.Once
}

func (r *blockingReader) Read(p []byte) (int, error) {
	if r.n > 0 {
		k := min(len(p), r.n)
		r.n -= k
		return k, nil
	}
	r.once.Do(func() { close(r.blocked) })
	<-r.release
	return len(p), nil
}

// TestCloseEndsOperations closes a client (twice at once) in the middle
// of downloads, stats and an upload whose reader blocks. When Close returns every
// operation not inside the caller's code has resolved, with success or an
// error matching net.ErrClosed; the upload fails as soon as its reader
// returns; operations started after Close fail at once.
func TestCloseEndsOperations(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	writeLocal(t, filepath.Join(srv.ShareDir, "big"), make([]byte, 64<<20))
	c := dial(t, srv, gosmb.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	var futs []future.Waiter
	for range 4 {
		futs = append(futs, c.RetrieveFile(ctx, srv.Share, "big", io.Discard))
	}
	for range 300 {
		futs = append(futs, c.GetAttributes(ctx, srv.Share, "big"))
	}
	r := &blockingReader{n: 3 << 20, blocked: make(chan struct{}), release: make(chan struct{})}
	up := c.StoreFile(ctx, srv.Share, "up", r)
	select {
	case <-r.blocked:
	case <-ctx.Done():
		t.Fatal("the upload never read its reader dry")
	}

	// Two Closes at once (a deferred Close and another, say): whichever
	// returns first, it returns after the operations have ended.
	closed := make(chan error, 2)
	go func() { closed <- c.Close() }()
	go func() { closed <- c.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Fatalf("Close: %v", err)
		}
	case <-time.After(10 * time.Second):
		close(r.release)
		t.Fatal("Close waited for an upload blocked in its reader")
	}
	for i, f := range futs {
		select {
		case <-f.Done():
		default:
			t.Fatalf("operation %d was still under way when Close returned", i)
		}
		if err := f.Err(); err != nil && !errors.Is(err, net.ErrClosed) {
			t.Errorf("operation %d: %v, want success or net.ErrClosed", i, err)
		}
	}

	if err := <-closed; err != nil {
		t.Fatalf("second Close: %v", err)
	}
	close(r.release)
	n, err := up.Wait(ctx)
	if !errors.Is(err, net.ErrClosed) {
		t.Fatalf("upload whose reader returned after Close: %d bytes, %v; want net.ErrClosed", n, err)
	}

	after := c.GetAttributes(ctx, srv.Share, "big")
	if !after.IsDone() {
		t.Fatal("an operation started after Close did not fail at once")
	}
	if _, err := after.Result(); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("operation after Close: %v, want net.ErrClosed", err)
	}
}

// TestCloseFromAProgressCallback calls Close inside a download's progress
// callback, the transfer's own goroutine: Close must not wait for that
// goroutine, and the download then fails.
func TestCloseFromAProgressCallback(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	writeLocal(t, filepath.Join(srv.ShareDir, "big"), make([]byte, 32<<20))
	c := dial(t, srv, gosmb.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var once sync.Once
	closed := make(chan error, 1)
	f := c.RetrieveFile(ctx, srv.Share, "big", io.Discard, gosmb.WithProgress(func(int64) {
		once.Do(func() { closed <- c.Close() })
	}))
	_, err := f.Wait(ctx)
	if !errors.Is(err, net.ErrClosed) {
		t.Fatalf("download closed by its progress callback: %v, want net.ErrClosed", err)
	}
	if err := <-closed; err != nil {
		t.Fatalf("Close: %v", err)
	}
}

// TestFileCallsDuringClose: File calls under way when the Client closes
// fail with net.ErrClosed (not with the server's answer to requests that
// crossed the LOGOFF), and Close waits for them.
func TestFileCallsDuringClose(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	writeLocal(t, filepath.Join(srv.ShareDir, "f"), make([]byte, 8<<20))
	c := dial(t, srv, gosmb.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	f, err := c.OpenFile(ctx, srv.Share, "f", os.O_RDWR).Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 1000)
	var started sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		started.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 1<<20)
			off := int64(i%8) << 20
			for k := 0; ; k++ {
				var err error
				if i%2 == 0 {
					_, err = f.ReadAt(buf, off)
				} else {
					_, err = f.WriteAt(buf, off)
				}
				if k == 0 {
					started.Done()
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	started.Wait()
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if !errors.Is(err, net.ErrClosed) {
			t.Errorf("File call under way at Close: %v, want net.ErrClosed", err)
		}
	}
}

// TestCloseFromAWriterWithAReadQueued: a File's WriteTo is in the caller's
// writer, and a Read on the same File waits for it (the two use the
// offset, so they run one after the other). Close, called from that
// writer, must end the waiting Read and return, not wait for it; then
// both calls fail with net.ErrClosed.
func TestCloseFromAWriterWithAReadQueued(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	// Larger than the READ window: WriteTo has more to read after Close.
	writeLocal(t, filepath.Join(srv.ShareDir, "f"), make([]byte, 64<<20))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// Not dial: its clean-up would Close the Client again, and wait for
	// a deadlocked Close forever instead of failing.
	c, err := gosmb.Dial(ctx, srv.Addr, &gosmb.Options{User: srv.User, Password: srv.Password})
	if err != nil {
		t.Fatal(err)
	}
	f, err := c.OpenFile(ctx, srv.Share, "f", os.O_RDONLY).Wait(ctx)
	if err != nil {
		c.Close()
		t.Fatal(err)
	}
	inWriter, readQueued := make(chan struct{}), make(chan struct{})
	closed := make(chan error, 1)
	var once sync.Once
	w := writerFunc(func(p []byte) (int, error) {
		once.Do(func() {
			close(inWriter)
			<-readQueued
			closed <- c.Close()
		})
		return len(p), nil
	})
	wt := make(chan error, 1)
	go func() {
		_, err := f.WriteTo(w)
		wt <- err
	}()
	<-inWriter
	rd := make(chan error, 1)
	go func() {
		_, err := f.Read(make([]byte, 10))
		rd <- err
	}()
	time.Sleep(100 * time.Millisecond) // let the Read reach the File
	close(readQueued)
	select {
	case err := <-closed:
		if err != nil {
			t.Fatalf("Close: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Close called from WriteTo's writer, with a Read waiting for the File, did not return")
	}
	for name, ch := range map[string]chan error{"Read": rd, "WriteTo": wt} {
		if err := <-ch; !errors.Is(err, net.ErrClosed) {
			t.Errorf("%s under way at Close: %v, want net.ErrClosed", name, err)
		}
	}
}

// writerFunc is a func as an io.Writer.
type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// TestDialCancelledAsItSucceeds: a ctx that ends just as the logon
// succeeds fails Dial, and the Client it had made is closed rather than
// left logged on with its goroutines running.
func TestDialCancelledAsItSucceeds(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The engine logs "session established" at the end of the logon: end
	// ctx right there.
	core := zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()), zapcore.AddSync(io.Discard), zapcore.DebugLevel)
	logger := zap.New(core, zap.Hooks(func(e zapcore.Entry) error {
		if e.Message == "session established" {
			cancel()
		}
		return nil
	}))
	c, err := gosmb.Dial(ctx, srv.Addr, &gosmb.Options{User: srv.User, Password: srv.Password, Logger: logger})
	if c != nil || !errors.Is(err, context.Canceled) {
		if c != nil {
			c.Close()
		}
		t.Fatalf("Dial whose ctx ended as the logon succeeded: %v, %v; want no Client and context.Canceled", c, err)
	}
}

// TestDialEndsWithItsContext: ctx bounds the whole dial, even with a
// Dialer that does not heed it.
func TestDialEndsWithItsContext(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	slow := func(context.Context, string, string) (net.Conn, error) {
		time.Sleep(2 * time.Second)
		return nil, errors.New("the dialer gave up")
	}
	start := time.Now()
	c, err := gosmb.Dial(ctx, "127.0.0.1:1", &gosmb.Options{User: "u", Password: "p", Dialer: slow})
	if took := time.Since(start); c != nil || !errors.Is(err, context.DeadlineExceeded) || took > time.Second {
		t.Fatalf("Dial with a 200 ms context and a 2 s dialer: %v, %v after %v; want context.DeadlineExceeded at once", c, err, took.Round(time.Millisecond))
	}
	time.Sleep(2 * time.Second) // the dialer's goroutine ends before goleak looks
}
