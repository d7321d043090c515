package netbios

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeNBNS is a name service responder on 127.0.0.1 built from our own
// codec. handle returns the datagrams to send back for each request.
type fakeNBNS struct {
	conn   net.PacketConn
	handle func(req []byte) [][]byte
	reqs   atomic.Int32
	done   chan struct{}
}

func startFakeNBNS(t *testing.T, handle func(req []byte) [][]byte) *fakeNBNS {
	t.Helper()
	conn, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeNBNS{conn: conn, handle: handle, done: make(chan struct{})}
	go func() {
		defer close(f.done)
		buf := make([]byte, maxDatagram)
		for {
			n, from, err := conn.ReadFrom(buf)
			if err != nil {
				return
			}
			f.reqs.Add(1)
			for _, r := range f.handle(slices.Clone(buf[:n])) {
				conn.WriteTo(r, from)
			}
		}
	}()
	t.Cleanup(func() {
		conn.Close()
		<-f.done
	})
	return f
}

func (f *fakeNBNS) port() int { return f.conn.LocalAddr().(*net.UDPAddr).Port }

func (f *fakeNBNS) addr() *net.UDPAddr {
	return &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: f.port()}
}

// newTestNS returns a NameService on 127.0.0.1 talking to f with short
// timeouts; it is closed at the end of the test.
func newTestNS(t *testing.T, f *fakeNBNS, timeout time.Duration) *NameService {
	t.Helper()
	conn, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ns := NewNameService(conn, NameServiceConfig{
		Port:             f.port(),
		UnicastTimeout:   timeout,
		BroadcastTimeout: timeout,
	})
	t.Cleanup(func() { ns.Close() })
	return ns
}

// answer builds a positive NAME QUERY RESPONSE to req.
func answer(t *testing.T, req *NameQueryRequest, ips ...string) []byte {
	resp := NameQueryResponse{ID: req.ID, Flags: FlagAuthoritative | FlagRecursionDesired, Name: req.Name, Suffix: req.Suffix, Scope: req.Scope, TTL: 300}
	for _, ip := range ips {
		resp.Entries = append(resp.Entries, NBEntry{IP: netip.MustParseAddr(ip)})
	}
	b, err := resp.Append(nil)
	if err != nil {
		t.Error(err)
	}
	return b
}

func ipStrings(ips []net.IP) []string {
	var s []string
	for _, ip := range ips {
		s = append(s, ip.String())
	}
	return s
}

func TestQueryNameUnicast(t *testing.T) {
	checkLeaks(t)
	seenc := make(chan NameQueryRequest, 1)
	f := startFakeNBNS(t, func(b []byte) [][]byte {
		var req NameQueryRequest
		if err := req.Decode(b); err != nil {
			t.Errorf("fake server: %v", err)
			return nil
		}
		seenc <- req
		return [][]byte{answer(t, &req, "192.0.2.10", "192.0.2.11")}
	})
	ns := newTestNS(t, f, 200*time.Millisecond)
	ips, err := ns.QueryName(context.Background(), "server", 0x20, f.addr(), false)
	if err != nil {
		t.Fatal(err)
	}
	if got := ipStrings(ips); !slices.Equal(got, []string{"192.0.2.10", "192.0.2.11"}) {
		t.Errorf("QueryName = %v", got)
	}
	if seen := <-seenc; seen.Name != "SERVER" || seen.Suffix != 0x20 || seen.Broadcast {
		t.Errorf("server saw %+v", seen)
	}
	if n := f.reqs.Load(); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestQueryNameBroadcastCollects(t *testing.T) {
	checkLeaks(t)
	f := startFakeNBNS(t, func(b []byte) [][]byte {
		var req NameQueryRequest
		if err := req.Decode(b); err != nil || !req.Broadcast {
			t.Errorf("fake server: %+v, %v", req, err)
			return nil
		}
		neg := NameQueryResponse{ID: req.ID, RCode: RCodeNameError, Name: req.Name, Suffix: req.Suffix}
		nb, _ := neg.Append(nil)
		// Three members answer; one wrongly sends a negative response.
		return [][]byte{answer(t, &req, "192.0.2.1"), nb, answer(t, &req, "192.0.2.2", "192.0.2.1")}
	})
	const timeout = 100 * time.Millisecond
	ns := newTestNS(t, f, timeout)
	start := time.Now()
	ips, err := ns.QueryName(context.Background(), "WORKGROUP", 0x1e, f.addr(), true)
	if err != nil {
		t.Fatal(err)
	}
	if got := ipStrings(ips); !slices.Equal(got, []string{"192.0.2.1", "192.0.2.2"}) {
		t.Errorf("QueryName = %v", got)
	}
	if d := time.Since(start); d < timeout {
		t.Errorf("returned after %v, before the collection window of %v closed", d, timeout)
	}
	if n := f.reqs.Load(); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestQueryNameNegative(t *testing.T) {
	checkLeaks(t)
	f := startFakeNBNS(t, func(b []byte) [][]byte {
		var req NameQueryRequest
		req.Decode(b)
		neg := NameQueryResponse{ID: req.ID, Flags: FlagAuthoritative, RCode: RCodeNameError, Name: req.Name, Suffix: req.Suffix}
		nb, _ := neg.Append(nil)
		return [][]byte{nb}
	})
	ns := newTestNS(t, f, time.Second)
	_, err := ns.QueryName(context.Background(), "NOSUCH", 0x20, f.addr(), false)
	var re *ResponseError
	if !errors.As(err, &re) || re.RCode != RCodeNameError || !errors.Is(err, ErrNameNotFound) {
		t.Fatalf("err = %v, want a NAM_ERR *ResponseError", err)
	}
}

func TestQueryNameRetries(t *testing.T) {
	checkLeaks(t)
	var calls atomic.Int32
	f := startFakeNBNS(t, func(b []byte) [][]byte {
		if calls.Add(1) < 3 {
			return nil // lost
		}
		var req NameQueryRequest
		req.Decode(b)
		return [][]byte{answer(t, &req, "192.0.2.3")}
	})
	ns := newTestNS(t, f, 50*time.Millisecond)
	ips, err := ns.QueryName(context.Background(), "SERVER", 0x20, f.addr(), false)
	if err != nil || len(ips) != 1 || !ips[0].Equal(net.IPv4(192, 0, 2, 3)) {
		t.Fatalf("QueryName = %v, %v", ips, err)
	}
	if n := f.reqs.Load(); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
}

func TestQueryNameNoResponse(t *testing.T) {
	checkLeaks(t)
	f := startFakeNBNS(t, func([]byte) [][]byte { return nil })
	const timeout = 50 * time.Millisecond
	ns := newTestNS(t, f, timeout)
	for _, bcast := range []bool{false, true} {
		f.reqs.Store(0)
		start := time.Now()
		_, err := ns.QueryName(context.Background(), "SERVER", 0x20, f.addr(), bcast)
		if !errors.Is(err, ErrNoResponse) {
			t.Fatalf("broadcast %t: err = %v, want ErrNoResponse", bcast, err)
		}
		if d := time.Since(start); d < 3*timeout {
			t.Errorf("gave up after %v, before 3 tries of %v", d, timeout)
		}
		if n := f.reqs.Load(); n != 3 {
			t.Errorf("broadcast %t: %d requests, want 3", bcast, n)
		}
	}
}

// TestQueryNameIgnoresStrays sends, before the real answer, a response with
// another transaction id, a garbled one, one for another name and a
// request: all are ignored.
func TestQueryNameIgnoresStrays(t *testing.T) {
	checkLeaks(t)
	f := startFakeNBNS(t, func(b []byte) [][]byte {
		var req NameQueryRequest
		req.Decode(b)
		other := req
		other.ID++
		wrongName := req
		wrongName.Name = "OTHER"
		garbled := answer(t, &req, "192.0.2.99")[:20]
		return [][]byte{
			answer(t, &other, "192.0.2.98"),
			garbled,
			answer(t, &wrongName, "192.0.2.97"),
			b, // our own request echoed
			answer(t, &req, "192.0.2.4"),
		}
	})
	ns := newTestNS(t, f, time.Second)
	ips, err := ns.QueryName(context.Background(), "SERVER", 0x20, f.addr(), false)
	if err != nil || len(ips) != 1 || !ips[0].Equal(net.IPv4(192, 0, 2, 4)) {
		t.Fatalf("QueryName = %v, %v", ips, err)
	}
}

func TestQueryNameReportsIgnored(t *testing.T) {
	checkLeaks(t)
	f := startFakeNBNS(t, func(b []byte) [][]byte {
		var req NameQueryRequest
		req.Decode(b)
		return [][]byte{answer(t, &req, "192.0.2.99")[:20]}
	})
	ns := newTestNS(t, f, 20*time.Millisecond)
	_, err := ns.QueryName(context.Background(), "SERVER", 0x20, f.addr(), false)
	if !errors.Is(err, ErrNoResponse) || !errors.Is(err, ErrShortPacket) {
		t.Fatalf("err = %v, want ErrNoResponse mentioning the short packet", err)
	}
}

func TestQueryNameContext(t *testing.T) {
	checkLeaks(t)
	f := startFakeNBNS(t, func([]byte) [][]byte { return nil })
	ns := newTestNS(t, f, 10*time.Second)

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err := ns.QueryName(ctx, "SERVER", 0x20, f.addr(), false)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("cancel took %v", d)
	}

	ctx, cancel = context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := ns.QueryIPForName(ctx, net.IPv4(127, 0, 0, 1)); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
	if _, err := ns.QueryName(ctx, "SERVER", 0x20, f.addr(), false); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("expired ctx: err = %v", err)
	}
}

// TestQueryNameConcurrent runs many queries at once on one socket; the
// server answers them in reverse order, so only transaction ids can match
// them up.
func TestQueryNameConcurrent(t *testing.T) {
	checkLeaks(t)
	const n = 40
	var mu sync.Mutex
	var held [][]byte
	f := startFakeNBNS(t, func(b []byte) [][]byte {
		var req NameQueryRequest
		if err := req.Decode(b); err != nil {
			t.Error(err)
			return nil
		}
		var i int
		fmt.Sscanf(req.Name, "HOST%d", &i)
		mu.Lock()
		defer mu.Unlock()
		held = append(held, answer(t, &req, fmt.Sprintf("10.0.0.%d", i)))
		if len(held) < n {
			return nil
		}
		out := slices.Clone(held)
		slices.Reverse(out)
		return out
	})
	ns := newTestNS(t, f, 5*time.Second)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			ips, err := ns.QueryName(context.Background(), fmt.Sprintf("HOST%d", i), 0x20, f.addr(), false)
			if err != nil || len(ips) != 1 || !ips[0].Equal(net.IPv4(10, 0, 0, byte(i))) {
				t.Errorf("HOST%d: %v, %v", i, ips, err)
			}
		})
	}
	wg.Wait()
}

func TestNameServiceClose(t *testing.T) {
	checkLeaks(t)
	f := startFakeNBNS(t, func([]byte) [][]byte { return nil })
	ns := newTestNS(t, f, 10*time.Second)
	errc := make(chan error, 1)
	go func() {
		_, err := ns.QueryName(context.Background(), "SERVER", 0x20, f.addr(), false)
		errc <- err
	}()
	for f.reqs.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	if err := ns.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; !errors.Is(err, net.ErrClosed) {
		t.Fatalf("query during Close: %v, want net.ErrClosed", err)
	}
	ns.Close() // idempotent
	if _, err := ns.QueryName(context.Background(), "SERVER", 0x20, f.addr(), false); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("query after Close: %v, want net.ErrClosed", err)
	}
}

func TestQueryNameArgs(t *testing.T) {
	checkLeaks(t)
	f := startFakeNBNS(t, func([]byte) [][]byte { return nil })
	ns := newTestNS(t, f, time.Second)
	if _, err := ns.QueryName(context.Background(), "SERVER", 0x20, nil, false); err == nil {
		t.Error("unicast query without address succeeded")
	}
	if _, err := ns.QueryName(context.Background(), "MUCH-TOO-LONG-NAME", 0x20, f.addr(), false); !errors.Is(err, ErrInvalidName) {
		t.Errorf("long name: %v", err)
	}
	if _, err := ns.QueryIPForName(context.Background(), net.ParseIP("::1")); err == nil {
		t.Error("node status of an IPv6 address succeeded")
	}
	if n := f.reqs.Load(); n != 0 {
		t.Errorf("%d requests sent for invalid arguments", n)
	}
}

func TestQueryIPForName(t *testing.T) {
	checkLeaks(t)
	want := []NodeName{
		{Name: "SERVER", Suffix: 0x00, Flags: NameActive | 0x6000},
		{Name: "SERVER", Suffix: 0x03, Flags: NameActive},
		{Name: "SERVER", Suffix: 0x20, Flags: NameActive},
		{Name: "WORKGROUP", Suffix: 0x00, Flags: NameGroup | NameActive},
		{Name: "WORKGROUP", Suffix: 0x1e, Flags: NameGroup | NameActive},
	}
	stats := make([]byte, 46)
	copy(stats, []byte{0x52, 0x54, 0x00, 0x12, 0x34, 0x56})
	f := startFakeNBNS(t, func(b []byte) [][]byte {
		var req NodeStatusRequest
		if err := req.Decode(b); err != nil || req.Name != WildcardName || req.Suffix != 0 || req.Broadcast {
			t.Errorf("fake server: %+v, %v", req, err)
			return nil
		}
		resp := NodeStatusResponse{ID: req.ID, Flags: FlagAuthoritative, Name: req.Name, Names: want, Statistics: stats}
		out, err := resp.Append(nil)
		if err != nil {
			t.Error(err)
		}
		return [][]byte{out}
	})
	ns := newTestNS(t, f, time.Second)
	names, err := ns.QueryIPForName(context.Background(), net.IPv4(127, 0, 0, 1))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(names, want) {
		t.Errorf("QueryIPForName = %v\nwant %v", names, want)
	}
	if !names[3].Group() || names[2].Group() {
		t.Error("group flags lost")
	}
	resp, err := ns.NodeStatus(context.Background(), net.IPv4(127, 0, 0, 1))
	if err != nil || resp.UnitID().String() != "52:54:00:12:34:56" {
		t.Errorf("NodeStatus unit id = %v, %v", resp.UnitID(), err)
	}
}

func TestQueryIPForNameNegative(t *testing.T) {
	checkLeaks(t)
	f := startFakeNBNS(t, func(b []byte) [][]byte {
		var req NodeStatusRequest
		req.Decode(b)
		resp := NodeStatusResponse{ID: req.ID, RCode: RCodeRefused, Name: req.Name}
		out, _ := resp.Append(nil)
		return [][]byte{out}
	})
	ns := newTestNS(t, f, time.Second)
	_, err := ns.QueryIPForName(context.Background(), net.IPv4(127, 0, 0, 1))
	var re *ResponseError
	if !errors.As(err, &re) || re.RCode != RCodeRefused || errors.Is(err, ErrNameNotFound) {
		t.Fatalf("err = %v, want an RFS_ERR *ResponseError", err)
	}
}

func TestListenNameService(t *testing.T) {
	checkLeaks(t)
	ns, err := ListenNameService(NameServiceConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if ns.cfg.Tries != DefaultTries || ns.cfg.BroadcastTimeout != DefaultBroadcastTimeout ||
		ns.cfg.UnicastTimeout != DefaultUnicastTimeout || ns.cfg.Port != NameServicePort {
		t.Errorf("defaults: %+v", ns.cfg)
	}
	if a, ok := ns.LocalAddr().(*net.UDPAddr); !ok || a.Port == 0 {
		t.Errorf("LocalAddr = %v", ns.LocalAddr())
	}
	if err := ns.Close(); err != nil {
		t.Fatal(err)
	}
}
