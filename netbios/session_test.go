package netbios

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// wantRequest is the SESSION REQUEST for called SERVER, calling TESTCLIENT.
var wantRequest = []byte("\x81\x00\x00\x44" +
	"\x20FDEFFCFGEFFCCACACACACACACACACACA\x00" +
	"\x20FEEFFDFEEDEMEJEFEOFECACACACACAAA\x00")

// fakeSessionServer reads one SESSION REQUEST from conn, reports it on the
// returned channel and writes reply (if not nil). It closes conn when done.
func fakeSessionServer(t *testing.T, conn net.Conn, reply []byte) <-chan []byte {
	t.Helper()
	got := make(chan []byte, 1)
	go func() {
		defer close(got)
		defer conn.Close()
		req := make([]byte, len(wantRequest))
		if _, err := io.ReadFull(conn, req); err != nil {
			return
		}
		got <- req
		if reply != nil {
			conn.Write(reply)
		}
	}()
	return got
}

func TestSessionRequestReplies(t *testing.T) {
	tests := []struct {
		name  string
		reply []byte
		check func(t *testing.T, err error)
	}{
		{"positive", []byte{0x82, 0, 0, 0}, func(t *testing.T, err error) {
			if err != nil {
				t.Fatalf("err = %v", err)
			}
		}},
		{"keepalive then positive", []byte{0x85, 0, 0, 0, 0x82, 0, 0, 0}, func(t *testing.T, err error) {
			if err != nil {
				t.Fatalf("err = %v", err)
			}
		}},
		{"negative", []byte{0x83, 0, 0, 1, 0x82}, func(t *testing.T, err error) {
			var se *SessionError
			if !errors.As(err, &se) || se.Code != CodeCalledNameNotPresent {
				t.Fatalf("err = %v, want *SessionError 0x82", err)
			}
			if !strings.Contains(err.Error(), "Called name not present") {
				t.Errorf("message %q lacks the RFC name", err)
			}
		}},
		{"retarget", []byte{0x84, 0, 0, 6, 192, 0, 2, 7, 0x01, 0xbd}, func(t *testing.T, err error) {
			var re *RetargetError
			if !errors.As(err, &re) {
				t.Fatalf("err = %v, want *RetargetError", err)
			}
			if !re.IP.Equal(net.IPv4(192, 0, 2, 7)) || len(re.IP) != 4 || re.Port != 445 {
				t.Errorf("retarget to %v port %d", re.IP, re.Port)
			}
			if re.Addr() != "192.0.2.7:445" {
				t.Errorf("Addr() = %q", re.Addr())
			}
		}},
		{"negative bad length", []byte{0x83, 0, 0, 2, 0x82, 0}, func(t *testing.T, err error) {
			if !errors.Is(err, ErrUnexpectedPacket) {
				t.Fatalf("err = %v, want ErrUnexpectedPacket", err)
			}
		}},
		{"session message", []byte{0, 0, 0, 0}, func(t *testing.T, err error) {
			if !errors.Is(err, ErrUnexpectedPacket) {
				t.Fatalf("err = %v, want ErrUnexpectedPacket", err)
			}
		}},
		{"hang up", []byte{}, func(t *testing.T, err error) {
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("err = %v, want io.ErrUnexpectedEOF", err)
			}
		}},
		{"cut reply", []byte{0x84, 0, 0, 6, 1, 2}, func(t *testing.T, err error) {
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("err = %v, want io.ErrUnexpectedEOF", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer goleak.VerifyNone(t)
			client, server := net.Pipe()
			defer client.Close()
			got := fakeSessionServer(t, server, tt.reply)
			err := SessionRequest(context.Background(), client, "server", "TestClient")
			if req := <-got; !bytes.Equal(req, wantRequest) {
				t.Errorf("request:\n got %q\nwant %q", req, wantRequest)
			}
			server.Close()
			tt.check(t, err)
		})
	}
}

func TestSessionErrorNames(t *testing.T) {
	for code, want := range map[byte]string{
		0x80: "Not listening on called name",
		0x81: "Not listening for calling name",
		0x82: "Called name not present",
		0x83: "Insufficient resources",
		0x8F: "Unspecified error",
		0x99: "unknown error (0x99)",
	} {
		if s := (&SessionError{Code: code}).Error(); !strings.Contains(s, want) {
			t.Errorf("SessionError{%#x} = %q, want it to contain %q", code, s, want)
		}
	}
}

func TestSessionRequestDefaults(t *testing.T) {
	defer goleak.VerifyNone(t)
	client, server := net.Pipe()
	defer client.Close()
	done := make(chan []byte, 1)
	go func() {
		defer server.Close()
		req := make([]byte, len(wantRequest))
		if _, err := io.ReadFull(server, req); err != nil {
			close(done)
			return
		}
		server.Write([]byte{0x82, 0, 0, 0})
		done <- req
	}()
	if err := SessionRequest(context.Background(), client, "", ""); err != nil {
		t.Fatal(err)
	}
	req := <-done
	called, suffix, err := DecodeName(string(req[5:37]))
	if err != nil || called != DefaultCalledName || suffix != 0x20 {
		t.Errorf("called name %q %#x, %v", called, suffix, err)
	}
	calling, suffix, err := DecodeName(string(req[39:71]))
	if err != nil || calling == "" || suffix != 0x00 {
		t.Errorf("calling name %q %#x, %v", calling, suffix, err)
	}
}

func TestSessionRequestBadNames(t *testing.T) {
	client, server := net.Pipe()
	defer client.Close()
	defer server.Close()
	// Nothing is written for invalid names: the pipe has no reader, so a
	// write would block the test.
	if err := SessionRequest(context.Background(), client, "THIS-NAME-IS-TOO-LONG", "X"); !errors.Is(err, ErrInvalidName) {
		t.Errorf("long called name: %v", err)
	}
	if err := SessionRequest(context.Background(), client, "X", "THIS-NAME-IS-TOO-LONG"); !errors.Is(err, ErrInvalidName) {
		t.Errorf("long calling name: %v", err)
	}
}

func TestSessionRequestCancel(t *testing.T) {
	for _, stage := range []string{"write", "read"} {
		t.Run(stage, func(t *testing.T) {
			defer goleak.VerifyNone(t)
			client, server := net.Pipe()
			defer client.Close()
			defer server.Close()
			served := make(chan struct{})
			if stage == "read" {
				// Read the request, never answer.
				go func() {
					defer close(served)
					io.ReadFull(server, make([]byte, len(wantRequest)))
				}()
			} else {
				close(served) // nobody reads: the write blocks
			}
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(50*time.Millisecond, cancel)
			start := time.Now()
			err := SessionRequest(ctx, client, "SERVER", "TESTCLIENT")
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want context.Canceled", err)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("returned after %v", d)
			}
			<-served
			assertNoDeadline(t, client, server)
		})
	}
}

func TestSessionRequestDeadline(t *testing.T) {
	defer goleak.VerifyNone(t)
	client, server := net.Pipe()
	defer client.Close()
	defer server.Close()
	served := make(chan struct{})
	go func() {
		defer close(served)
		io.ReadFull(server, make([]byte, len(wantRequest)))
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := SessionRequest(ctx, client, "SERVER", "TESTCLIENT")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
	<-served
	assertNoDeadline(t, client, server)
}

func TestSessionRequestAlreadyCancelled(t *testing.T) {
	client, server := net.Pipe()
	defer client.Close()
	defer server.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := SessionRequest(ctx, client, "SERVER", "TESTCLIENT"); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

// assertNoDeadline checks that client has no deadline left: a read that the
// server answers after a pause succeeds.
func assertNoDeadline(t *testing.T, client, server net.Conn) {
	t.Helper()
	wrote := make(chan struct{})
	go func() {
		defer close(wrote)
		time.Sleep(20 * time.Millisecond)
		server.Write([]byte("ok"))
	}()
	buf := make([]byte, 2)
	if _, err := io.ReadFull(client, buf); err != nil {
		t.Errorf("read after SessionRequest: %v (deadline not cleared?)", err)
	}
	<-wrote
}
