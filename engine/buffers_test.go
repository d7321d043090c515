package engine

import (
	"bytes"
	"context"
	"testing"

	"github.com/gosmb/gosmb/proto/ntstatus"
	"github.com/gosmb/gosmb/proto/smb2"
)

func TestFrameBufferClasses(t *testing.T) {
	for _, n := range []int{1, 100, 32 << 10, 64 << 10, 64<<10 + 1, 1 << 20, 1<<20 + 84, 8<<20 + 112, 32<<20 + 4096, 40 << 20} {
		fb := getFrame(n)
		if len(fb.b) != n {
			t.Fatalf("getFrame(%d): len %d", n, len(fb.b))
		}
		if fb.class >= 0 && cap(fb.b) != classSize(fb.class) {
			t.Fatalf("getFrame(%d): class %d but cap %d", n, fb.class, cap(fb.b))
		}
		if fb.class >= 0 && n > 64<<10 && cap(fb.b) > 2*n {
			t.Fatalf("getFrame(%d): %d-byte buffer wastes more than half", n, cap(fb.b))
		}
		if n > classSize(maxPooledShift-minPooledShift) && fb.class != -1 {
			t.Fatalf("getFrame(%d) pooled a buffer above the largest class", n)
		}
		fb.retain()
		fb.release()
		fb.release()
		if fb.refs.Load() != 0 {
			t.Fatalf("refs %d after balanced release", fb.refs.Load())
		}
	}
	defer func() {
		if recover() == nil {
			t.Fatal("double release did not panic")
		}
	}()
	fb := getFrame(10)
	fb.release()
	fb.release()
}

func TestResponseReleaseIdempotent(t *testing.T) {
	c, s := newFake(t, Config{})
	f := c.Send(context.Background(), echoReq(3))
	req := s.next()
	big := append(req.body, bytes.Repeat([]byte{7}, 100<<10)...) // a pooled-size frame
	if err := s.respond(req, ntstatus.Success, 1, big); err != nil {
		t.Fatal(err)
	}
	resp, err := f.Wait(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if resp.buf == nil || resp.buf.class < 0 {
		t.Fatal("a 100 KiB response did not use a pooled buffer")
	}
	if tagOf(resp.Body) != 3 {
		t.Fatal("wrong response")
	}
	resp.Release()
	resp.Release()
	if resp.Body != nil {
		t.Fatal("Body still set after Release")
	}
}

func TestPayloadFollowsBody(t *testing.T) {
	c, s := newFake(t, Config{})
	payload := bytes.Repeat([]byte("payload!"), 1000)
	req := &Request{Header: smb2.Header{Command: smb2.CommandWrite}, Body: []byte("BODY"), Payload: payload}
	f := c.Send(context.Background(), req)
	got := s.next()
	if !bytes.Equal(got.body, append([]byte("BODY"), payload...)) {
		t.Fatalf("server got %d body bytes, want body then payload (%d)", len(got.body), 4+len(payload))
	}
	s.respond(got, ntstatus.Success, 1, nil)
	if _, err := f.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestPooledSendFramePaddingIsZero: a compound frame is built in a pooled
// buffer that held an earlier frame's bytes; the padding between its
// messages must not carry them to the server.
func TestPooledSendFramePaddingIsZero(t *testing.T) {
	c, s := newFake(t, Config{})
	primeCredits(t, c, s, 10)
	send := func(fill byte, bodyLen int) []fakeReq {
		t.Helper()
		body := bytes.Repeat([]byte{fill}, bodyLen)
		reqs := []*Request{
			{Header: smb2.Header{Command: smb2.CommandWrite}, Body: body[:5], Payload: body[5:]},
			echoReq(1),
		}
		futs := c.SendCompound(context.Background(), reqs, false)
		got := []fakeReq{s.next(), s.next()}
		for i, g := range got {
			s.respond(g, ntstatus.Success, 1, nil)
			if _, err := futs[i].Wait(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		return got
	}
	const size = 100 << 10 // pooled size class
	for range 4 {          // the pool may hand back any buffer of the class
		send(0xff, size) // fills a pooled buffer with 0xff
		got := send(0x11, size-3)
		msg := got[0].body
		if len(msg) != (smb2.HeaderSize+size-3+7)&^7-smb2.HeaderSize {
			t.Fatalf("first message is %d bytes with padding", len(msg))
		}
		if !bytes.Equal(msg[:size-3], bytes.Repeat([]byte{0x11}, size-3)) {
			t.Fatal("body and payload not sent intact")
		}
		if pad := msg[size-3:]; !bytes.Equal(pad, make([]byte, len(pad))) {
			t.Fatalf("padding % x: stale bytes from an earlier frame", pad)
		}
	}
}
