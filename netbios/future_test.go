package netbios

import (
	"context"
	"errors"
	"net"
	"slices"
	"testing"
	"time"
)

func TestQueryNameAsync(t *testing.T) {
	checkLeaks(t)
	f := startFakeNBNS(t, func(b []byte) [][]byte {
		var req NameQueryRequest
		if err := req.Decode(b); err != nil {
			t.Errorf("fake server: %v", err)
			return nil
		}
		if req.Name == "NOBODY" {
			return nil
		}
		return [][]byte{answer(t, &req, "192.0.2.10")}
	})
	ns := newTestNS(t, f, 100*time.Millisecond)

	ips, err := ns.QueryNameAsync(context.Background(), "server", 0x20, f.addr(), false).Wait(context.Background())
	if err != nil || !slices.Equal(ipStrings(ips), []string{"192.0.2.10"}) {
		t.Fatalf("QueryNameAsync = %v, %v", ips, err)
	}

	fut := ns.QueryNameAsync(context.Background(), "NOBODY", 0x20, f.addr(), false)
	<-fut.Done()
	if _, err := fut.Result(); !errors.Is(err, ErrNoResponse) {
		t.Fatalf("unanswered query: %v, want ErrNoResponse", err)
	}
}

// TestQueryNameAsyncContexts checks the two contexts: the one given to
// Wait ends only the wait, the one given to the query ends the query.
func TestQueryNameAsyncContexts(t *testing.T) {
	checkLeaks(t)
	f := startFakeNBNS(t, func([]byte) [][]byte { return nil })
	ns := newTestNS(t, f, 10*time.Second)

	ctx, cancel := context.WithCancel(context.Background())
	fut := ns.QueryNameAsync(ctx, "SERVER", 0x20, f.addr(), false)
	waitCtx, waitCancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer waitCancel()
	if _, err := fut.Wait(waitCtx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Wait with expired ctx: %v", err)
	}
	if fut.IsDone() {
		t.Fatal("the wait's context ended the query")
	}
	cancel()
	select {
	case <-fut.Done():
	case <-time.After(2 * time.Second):
		t.Fatal("cancelled query still running")
	}
	if _, err := fut.Result(); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled query: %v, want context.Canceled", err)
	}
}

func TestQueryIPForNameAsync(t *testing.T) {
	checkLeaks(t)
	want := []NodeName{
		{Name: "SERVER", Suffix: 0x20, Flags: NameActive},
		{Name: "WORKGROUP", Suffix: 0x00, Flags: NameGroup | NameActive},
	}
	f := startFakeNBNS(t, func(b []byte) [][]byte {
		var req NodeStatusRequest
		if err := req.Decode(b); err != nil {
			t.Errorf("fake server: %v", err)
			return nil
		}
		resp := NodeStatusResponse{ID: req.ID, Flags: FlagAuthoritative, Name: req.Name, Names: want, Statistics: make([]byte, 46)}
		out, err := resp.Append(nil)
		if err != nil {
			t.Error(err)
		}
		return [][]byte{out}
	})
	ns := newTestNS(t, f, time.Second)
	lo := net.IPv4(127, 0, 0, 1)
	names, err := ns.QueryIPForNameAsync(context.Background(), lo).Wait(context.Background())
	if err != nil || !slices.Equal(names, want) {
		t.Fatalf("QueryIPForNameAsync = %v, %v", names, err)
	}
	resp, err := ns.NodeStatusAsync(context.Background(), lo).Wait(context.Background())
	if err != nil || !slices.Equal(resp.Names, want) {
		t.Fatalf("NodeStatusAsync = %+v, %v", resp, err)
	}
	if _, err := ns.QueryIPForNameAsync(context.Background(), net.ParseIP("::1")).Wait(context.Background()); err == nil {
		t.Error("node status of an IPv6 address succeeded")
	}
}
