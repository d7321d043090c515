package engine

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/gosmb/gosmb/future"
	"github.com/gosmb/gosmb/netbios"
	"github.com/gosmb/gosmb/proto/ntstatus"
	"github.com/gosmb/gosmb/proto/smb2"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// primeCredits sends one echo and has the fake server grant n credits.
func primeCredits(t *testing.T, c *Conn, s *fakeServer, n uint16) {
	t.Helper()
	f := c.Send(context.Background(), echoReq(0))
	req := s.next()
	if err := s.respond(req, ntstatus.Success, n, req.body); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestOutOfOrderResponsesReachTheirFutures(t *testing.T) {
	c, s := newFake(t, Config{CreditTarget: 2000})
	primeCredits(t, c, s, 1000)

	const n = 1000
	futs := make([]*future.Future[*Response], n)
	for i := range futs {
		futs[i] = c.Send(context.Background(), echoReq(uint64(i+1)))
	}
	reqs := make([]fakeReq, n)
	for i := range reqs {
		reqs[i] = s.next()
	}
	rand.Shuffle(n, func(i, j int) { reqs[i], reqs[j] = reqs[j], reqs[i] })
	go func() {
		for _, r := range reqs {
			if err := s.respond(r, ntstatus.Success, 1, r.body); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for i, f := range futs {
		resp, err := f.Wait(ctx)
		if err != nil {
			t.Fatalf("future %d: %v", i, err)
		}
		if got := tagOf(resp.Body); got != uint64(i+1) {
			t.Fatalf("future %d got the response tagged %d", i, got)
		}
	}
	if p := c.Pending(); p != 0 {
		t.Fatalf("%d requests still pending", p)
	}
}

func TestInterimPendingKeepsRequestWaiting(t *testing.T) {
	c, s := newFake(t, Config{})
	f := c.Send(context.Background(), echoReq(7))
	req := s.next()
	if err := s.interim(req, 0xABCD, 3); err != nil {
		t.Fatal(err)
	}
	// The interim response must not resolve the Future.
	select {
	case <-f.Done():
		t.Fatal("interim STATUS_PENDING resolved the request")
	case <-time.After(50 * time.Millisecond):
	}
	c.mu.Lock()
	cl := c.pending.get(req.h.MessageID)
	gotAsync := cl != nil && cl.isAsync && cl.asyncID == 0xABCD
	c.mu.Unlock()
	if !gotAsync {
		t.Fatal("AsyncId of the interim response not recorded")
	}
	if avail, _ := c.Credits(); avail != 3 {
		t.Fatalf("credits after interim: %d, want the 3 it granted", avail)
	}
	if err := s.respondAsync(req, 0xABCD, ntstatus.Success, 1, req.body); err != nil {
		t.Fatal(err)
	}
	resp, err := f.Wait(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if tagOf(resp.Body) != 7 || !resp.Header.IsAsync() {
		t.Fatalf("final response: tag %d async %v", tagOf(resp.Body), resp.Header.IsAsync())
	}
}

func TestCreditsGrantedFewAtATime(t *testing.T) {
	c, s := newFake(t, Config{})
	const n = 200
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := c.Send(context.Background(), echoReq(uint64(i))).Wait(context.Background())
			if err == nil && tagOf(resp.Body) != uint64(i) {
				err = errors.New("wrong response")
			}
			errs <- err
		}()
	}
	// The server grants one or two credits per response, never more:
	// requests must queue for credits and all still complete.
	seen := map[uint64]bool{}
	for i := 0; i < n; i++ {
		req := s.next()
		if seen[req.h.MessageID] {
			t.Fatalf("MessageId %d used twice", req.h.MessageID)
		}
		seen[req.h.MessageID] = true
		grant := uint16(1)
		if i%7 == 0 {
			grant = 2
		}
		if err := s.respond(req, ntstatus.Success, grant, req.body); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestCancelSendsCancelAndKeepsCredits(t *testing.T) {
	c, s := newFake(t, Config{})
	primeCredits(t, c, s, 4)
	ctx, cancel := context.WithCancel(context.Background())
	f := c.Send(ctx, echoReq(9))
	req := s.next()
	availBefore, inFlightBefore := c.Credits()
	if inFlightBefore != 1 {
		t.Fatalf("in flight %d, want 1", inFlightBefore)
	}
	cancel()
	if _, err := f.Wait(context.Background()); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled request err = %v, want context.Canceled", err)
	}
	cr := s.next()
	if cr.h.Command != smb2.CommandCancel || cr.h.MessageID != req.h.MessageID {
		t.Fatalf("after cancel the server got %s mid %d, want SMB2_CANCEL mid %d", cr.h.Command, cr.h.MessageID, req.h.MessageID)
	}
	if cr.h.Credits != 0 || cr.h.CreditCharge != 0 {
		t.Fatalf("CANCEL carries credits %d/charge %d, want none", cr.h.Credits, cr.h.CreditCharge)
	}
	// The late response still returns its credits.
	if err := s.respond(req, ntstatus.Cancelled, 5, nil); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for {
		avail, inFlight := c.Credits()
		if avail == availBefore+5 && inFlight == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("credits after the late response: avail %d in flight %d; want %d, 0", avail, inFlight, availBefore+5)
		}
		time.Sleep(time.Millisecond)
	}
	if p := c.Pending(); p != 0 {
		t.Fatalf("%d pending after the late response", p)
	}
}

func TestCancelAfterInterimNamesAsyncID(t *testing.T) {
	c, s := newFake(t, Config{})
	ctx, cancel := context.WithCancel(context.Background())
	f := c.Send(ctx, echoReq(1))
	req := s.next()
	if err := s.interim(req, 77, 1); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		cl := c.pending.get(req.h.MessageID)
		return cl != nil && cl.isAsync
	})
	cancel()
	cr := s.next()
	if cr.h.Command != smb2.CommandCancel || !cr.h.IsAsync() || cr.h.AsyncID != 77 {
		t.Fatalf("CANCEL: %s async %v id %d; want async CANCEL naming AsyncId 77", cr.h.Command, cr.h.IsAsync(), cr.h.AsyncID)
	}
	if _, err := f.Wait(context.Background()); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}

func TestStallHonoursContextDeadline(t *testing.T) {
	c, s := newFake(t, Config{})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	f := c.Send(ctx, echoReq(1))
	s.next() // never answered
	start := time.Now()
	_, err := f.Wait(context.Background())
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("stalled request err = %v, want DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("stalled request took %v to fail", d)
	}
}

func TestResetFailsEveryPendingRequest(t *testing.T) {
	c, s := newFake(t, Config{})
	primeCredits(t, c, s, 100)
	futs := make([]*future.Future[*Response], 100)
	for i := range futs {
		futs[i] = c.Send(context.Background(), echoReq(uint64(i)))
	}
	for range futs {
		s.next()
	}
	s.nc.Close() // the peer hangs up with 100 requests in flight
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	for i, f := range futs {
		_, err := f.Wait(ctx)
		if !errors.Is(err, net.ErrClosed) {
			t.Fatalf("future %d: err = %v, want one matching net.ErrClosed", i, err)
		}
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("future %d: err = %v, want the peer hang-up (io.ErrUnexpectedEOF) as cause", i, err)
		}
		var ce *ConnError
		if !errors.As(err, &ce) {
			t.Fatalf("future %d: err %T is not a *ConnError", i, err)
		}
	}
	// New requests fail at once with the same error.
	if _, err := c.Send(context.Background(), echoReq(1)).Wait(ctx); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("send after reset: %v", err)
	}
}

func TestCloseFailsPendingWithErrClosed(t *testing.T) {
	c, s := newFake(t, Config{})
	f := c.Send(context.Background(), echoReq(1))
	s.next()
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	_, err := f.Wait(context.Background())
	if !errors.Is(err, net.ErrClosed) {
		t.Fatalf("err = %v, want net.ErrClosed", err)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("a user Close reported as a peer hang-up: %v", err)
	}
	if err := c.Close(); err != nil {
		t.Fatalf("second Close = %v", err)
	}
}

func TestMalformedFrameClosesConnection(t *testing.T) {
	for name, frame := range map[string][]byte{
		"bad protocol id":     {0, 0, 0, 8, 'X', 'S', 'M', 'B', 0, 0, 0, 0},
		"short header":        {0, 0, 0, 6, 0xFE, 'S', 'M', 'B', 64, 0},
		"tiny frame":          {0, 0, 0, 2, 0xFE, 'S'},
		"bad NextCommand":     append([]byte{0, 0, 0, 64}, badNextCommand()...),
		"unknown transform":   append([]byte{0, 0, 0, 52}, transformFor(99)...),
		"frame over the size": {0, 0xFF, 0xFF, 0xFF},
	} {
		t.Run(name, func(t *testing.T) {
			c, s := newFake(t, Config{MaxFrameSize: 1 << 20})
			f := c.Send(context.Background(), echoReq(1))
			s.next()
			if err := s.writeRaw(frame); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			_, err := f.Wait(ctx)
			if !errors.Is(err, net.ErrClosed) {
				t.Fatalf("err = %v, want a connection error", err)
			}
		})
	}
}

func badNextCommand() []byte {
	h := smb2.Header{Command: smb2.CommandEcho, Flags: smb2.FlagServerToRedir, NextCommand: 12}
	return h.Append(nil)
}

func transformFor(sid uint64) []byte {
	b := make([]byte, 52)
	copy(b, smb2.TransformProtocolID[:])
	b[44] = byte(sid)
	return b
}

func TestResponseToUnknownMessageIsIgnored(t *testing.T) {
	c, s := newFake(t, Config{})
	f := c.Send(context.Background(), echoReq(5))
	req := s.next()
	stray := req
	stray.h.MessageID = 12345
	if err := s.respond(stray, ntstatus.Success, 1, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.respond(req, ntstatus.Success, 1, req.body); err != nil {
		t.Fatal(err)
	}
	resp, err := f.Wait(context.Background())
	if err != nil || tagOf(resp.Body) != 5 {
		t.Fatalf("resp %v err %v", resp, err)
	}
}

func TestSendWithDoneContextSendsNothing(t *testing.T) {
	c, s := newFake(t, Config{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Send(ctx, echoReq(1)).Wait(context.Background()); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	select {
	case r := <-s.reqs:
		t.Fatalf("server got %s for a request whose context was already done", r.h.Command)
	case <-time.After(30 * time.Millisecond):
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 2s")
		}
		time.Sleep(time.Millisecond)
	}
}

func TestCompoundChainIsOneFrame(t *testing.T) {
	c, s := newFake(t, Config{})
	primeCredits(t, c, s, 10)
	reqs := []*Request{echoReq(1), echoReq(2), echoReq(3)}
	futs := c.SendCompound(context.Background(), reqs, true)
	var got []fakeReq
	for range reqs {
		got = append(got, s.next())
	}
	for i, r := range got {
		if r.frame != got[0].frame {
			t.Fatalf("request %d arrived in frame %d, the first in %d: not one compound frame", i, r.frame, got[0].frame)
		}
		if r.h.MessageID != got[0].h.MessageID+uint64(i) {
			t.Fatalf("request %d MessageId %d, want %d", i, r.h.MessageID, got[0].h.MessageID+uint64(i))
		}
		related := r.h.Flags&smb2.FlagRelatedOperations != 0
		if related != (i > 0) {
			t.Fatalf("request %d related flag %v", i, related)
		}
		if i < len(got)-1 {
			if r.h.NextCommand%8 != 0 || int(r.h.NextCommand) < smb2.HeaderSize+12 {
				t.Fatalf("request %d NextCommand %d: not 8-aligned past the message", i, r.h.NextCommand)
			}
		} else if r.h.NextCommand != 0 {
			t.Fatalf("last request NextCommand %d, want 0", r.h.NextCommand)
		}
	}
	// Answer out of order, separately: each Future gets its own.
	for _, i := range []int{2, 0, 1} {
		if err := s.respond(got[i], ntstatus.Success, 1, got[i].body); err != nil {
			t.Fatal(err)
		}
	}
	for i, f := range futs {
		resp, err := f.Wait(context.Background())
		if err != nil || tagOf(resp.Body) != uint64(i+1) {
			t.Fatalf("compound future %d: %v, tag %d", i, err, tagOf(resp.Body))
		}
	}
}

func TestCompoundResponseInOneFrame(t *testing.T) {
	c, s := newFake(t, Config{})
	primeCredits(t, c, s, 10)
	futs := c.SendCompound(context.Background(), []*Request{echoReq(1), echoReq(2)}, false)
	a, b := s.next(), s.next()
	// Build a compound response frame: two messages, the first padded.
	h1 := smb2.Header{Command: smb2.CommandEcho, Flags: smb2.FlagServerToRedir, MessageID: a.h.MessageID, Credits: 1}
	h2 := smb2.Header{Command: smb2.CommandEcho, Flags: smb2.FlagServerToRedir, MessageID: b.h.MessageID, Credits: 1}
	m1 := append(h1.Append(nil), a.body...)
	for len(m1)%8 != 0 {
		m1 = append(m1, 0)
	}
	h1.NextCommand = uint32(len(m1))
	h1.Put(m1)
	m2 := append(h2.Append(nil), b.body...)
	frame := append([]byte{0, 0, 0, 0}, append(m1, m2...)...)
	frame[2], frame[3] = byte((len(frame)-4)>>8), byte(len(frame)-4)
	if err := s.writeRaw(frame); err != nil {
		t.Fatal(err)
	}
	for i, f := range futs {
		resp, err := f.Wait(context.Background())
		if err != nil || tagOf(resp.Body) != uint64(i+1) {
			t.Fatalf("future %d: %v", i, err)
		}
	}
}

// MinRTT keeps the shortest round trip noted, ignores nonsense (a
// negative one), and keeps a 0 (a round trip under a coarse clock's tick).
func TestMinRTTKeepsTheShortest(t *testing.T) {
	var c Conn
	if c.MinRTT() != 0 {
		t.Fatalf("MinRTT before any response = %v, want 0", c.MinRTT())
	}
	for _, d := range []time.Duration{5 * time.Millisecond, 9 * time.Millisecond, 2 * time.Millisecond, -time.Millisecond, 3 * time.Millisecond} {
		c.noteRTT(int64(d))
	}
	if got := c.MinRTT(); got != 2*time.Millisecond {
		t.Fatalf("MinRTT = %v, want 2ms", got)
	}
	c.noteRTT(0)
	if got := c.MinRTT(); got != 0 {
		t.Fatalf("MinRTT after a round trip of 0 = %v, want 0", got)
	}
	c.noteRTT(int64(time.Millisecond))
	if got := c.MinRTT(); got != 0 {
		t.Fatalf("MinRTT after 0 then 1ms = %v, want 0", got)
	}
}

// A request that fails before it has its MessageId (its context ended
// first, or it waited for credits until then) matches ErrNotSent and its
// cause; one that went out and then lost its context does not: the
// server has it.
func TestErrNotSentOnlyForRequestsThatNeverWentOut(t *testing.T) {
	c, s := newFake(t, Config{CreditTarget: 8})
	primeCredits(t, c, s, 1)

	ended, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Send(ended, echoReq(1)).Wait(context.Background()); !errors.Is(err, ErrNotSent) || !errors.Is(err, context.Canceled) {
		t.Errorf("Send with an ended context: %v, want ErrNotSent and context.Canceled", err)
	}

	// The one credit goes to a request the server holds on to; the next
	// waits for credits until its context ends.
	held := c.Send(context.Background(), echoReq(2))
	req := s.next()
	short, cancel2 := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel2()
	if _, err := c.Send(short, echoReq(3)).Wait(context.Background()); !errors.Is(err, ErrNotSent) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Send that waited for credits past its context: %v, want ErrNotSent and context.DeadlineExceeded", err)
	}

	// A request on the wire whose context then ends.
	if err := s.respond(req, ntstatus.Success, 1, req.body); err != nil {
		t.Fatal(err)
	}
	if _, err := held.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel3 := context.WithCancel(context.Background())
	f := c.Send(ctx, echoReq(4))
	s.next()
	cancel3()
	if _, err := f.Wait(context.Background()); err == nil || errors.Is(err, ErrNotSent) {
		t.Errorf("Send whose context ended once it was on the wire: %v, want an error that is not ErrNotSent", err)
	}
}

// LastReceive moves with each frame and carries a monotonic clock
// reading, so the keepalive's time.Since and Before ignore wall-clock
// steps.
func TestLastReceiveIsMonotonic(t *testing.T) {
	c, s := newFake(t, Config{})
	before := time.Now()
	primeCredits(t, c, s, 1)
	got := c.LastReceive()
	if got.Before(before) || got.After(time.Now()) {
		t.Errorf("LastReceive %v, want between the send (%v) and now", got, before)
	}
	if !strings.Contains(got.String(), " m=") {
		t.Errorf("LastReceive %q has no monotonic clock reading", got)
	}
}

// A request whose context ends before the connection closes, its CANCEL
// stuck behind a peer that reads no more: the goroutine that abandons it
// is gone when Close returns.
func TestCancelRacingCloseLeavesNoGoroutine(t *testing.T) {
	stacks := func() string {
		buf := make([]byte, 1<<20)
		return string(buf[:runtime.Stack(buf, true)])
	}
	for i := range 20 {
		cli, srv := net.Pipe()
		go func() { // read the request, then nothing more
			netbios.NewFrameReader(srv, 1<<20).ReadFrame(nil)
		}()
		c := New(cli, Config{})
		ctx, cancel := context.WithCancel(context.Background())
		f := c.Send(ctx, echoReq(1))
		cancel()
		for deadline := time.Now().Add(5 * time.Second); !strings.Contains(stacks(), "engine.(*Conn).sendCancel"); {
			if time.Now().After(deadline) {
				t.Fatal("the CANCEL was never sent")
			}
			time.Sleep(time.Millisecond)
		}
		c.Close()
		after := stacks()
		srv.Close()
		f.Wait(context.Background())
		// Its work, the CANCEL, is over (a goroutine that has just
		// called WaitGroup.Done may still be returning from abandon).
		if strings.Contains(after, "engine.(*Conn).sendCancel") {
			t.Fatalf("round %d: the goroutine sending the CANCEL outlived Close:\n%s", i, after)
		}
	}
}
