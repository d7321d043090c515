package engine

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/gosmb/gosmb/future"
	"github.com/gosmb/gosmb/netbios"
	"github.com/gosmb/gosmb/proto/smb2"
)

// gate holds back the crypto of large messages until it is opened, and
// says when it has one held.
type gate struct {
	held chan struct{} // a large message is waiting at the gate
	open chan struct{}
	once sync.Once
}

// newGate returns a closed gate that opens at the latest when the test
// ends, so that a failing test does not leave the reader stuck in it.
func newGate(t *testing.T) *gate {
	g := &gate{held: make(chan struct{}, 16), open: make(chan struct{})}
	t.Cleanup(g.release)
	return g
}

// waitHeld waits for a large message to reach the gate.
func (g *gate) waitHeld(t *testing.T, what string) {
	t.Helper()
	select {
	case <-g.held:
	case <-time.After(5 * time.Second):
		t.Fatalf("%s: never reached its signature check or decryption within 5s", what)
	}
}

func (g *gate) release() { g.once.Do(func() { close(g.open) }) }

func (g *gate) pass(n int) {
	if n >= offloadMin {
		g.held <- struct{}{}
		<-g.open
	}
}

// gatedSigner accepts any signature except one whose first byte is 0xBD,
// after making large messages wait at the gate.
type gatedSigner struct{ g *gate }

func (gatedSigner) Sign(msg []byte) error { return nil }

func (s gatedSigner) Verify(msg []byte) error {
	s.g.pass(len(msg))
	if msg[48] == 0xBD {
		return errors.New("bad signature")
	}
	return nil
}

// gatedTransform is plainTransform with large frames waiting at the gate.
type gatedTransform struct {
	plainTransform
	g *gate
}

func (t gatedTransform) Open(dst, frame []byte) ([]byte, uint64, error) {
	t.g.pass(len(frame))
	return t.plainTransform.Open(dst, frame)
}

// bigEcho is an echo body padded past offloadMin, tagged like echoBody.
func bigEcho(tag uint64) []byte {
	b := append(echoBody(tag), bytes.Repeat([]byte{0x5A}, offloadMin+1000)...)
	return b
}

func waitDone[T any](t *testing.T, what string, f *future.Future[T]) {
	t.Helper()
	select {
	case <-f.Done():
	case <-time.After(5 * time.Second):
		t.Fatalf("%s: not done within 5s", what)
	}
}

// smallOvertakesBig checks that small (tag 2) is delivered while big (tag
// 1, a bigEcho) is held at the gate in its crypto, and big once the gate
// opens.
func smallOvertakesBig(t *testing.T, g *gate, small, big *future.Future[*Response], encrypted bool, crypto string) {
	t.Helper()
	waitDone(t, "small reply behind a large one in its "+crypto, small)
	if resp, err := small.Result(); err != nil || tagOf(resp.Body) != 2 || resp.Encrypted != encrypted {
		t.Fatalf("small reply: %v", err)
	}
	select {
	case <-big.Done():
		t.Fatalf("large reply delivered before its %s", crypto)
	default:
	}
	g.release()
	waitDone(t, "large reply", big)
	resp, err := big.Result()
	if err != nil || resp.Encrypted != encrypted || !bytes.Equal(resp.Body, bigEcho(1)) {
		t.Fatalf("large reply: %v", err)
	}
	resp.Release()
}

// TestLargeSignedReplyDoesNotHoldUpOthers: while the signature of a large
// response is being checked, the reader goes on and delivers the small
// responses behind it; the large one is delivered once its check ends,
// and one with a bad signature fails alone.
func TestLargeSignedReplyDoesNotHoldUpOthers(t *testing.T) {
	c, s := newFake(t, Config{})
	primeCredits(t, c, s, 20)
	g := newGate(t)
	sess := &Session{ID: 0x55, conn: c, signer: gatedSigner{g}, signRequests: true}
	send := func(tag uint64) (*future.Future[*Response], fakeReq) {
		r := echoReq(tag)
		r.Session = sess
		f := c.Send(context.Background(), r)
		return f, s.next()
	}
	reply := func(req fakeReq, body []byte, sig byte) {
		h := smb2.Header{Command: req.h.Command, Credits: 1, Flags: smb2.FlagServerToRedir | smb2.FlagSigned,
			MessageID: req.h.MessageID, SessionID: req.h.SessionID}
		h.Signature[0] = sig
		go s.writeMsg(&h, body)
	}

	big, bigReq := send(1)
	small, smallReq := send(2)
	reply(bigReq, bigEcho(1), 0)
	g.waitHeld(t, "large reply") // its check has started
	reply(smallReq, echoBody(2), 0)
	smallOvertakesBig(t, g, small, big, false, "signature check")

	bad, badReq := send(3)
	reply(badReq, bigEcho(3), 0xBD)
	waitDone(t, "large reply with a bad signature", bad)
	var se *SignatureError
	if _, err := bad.Result(); !errors.As(err, &se) {
		t.Fatalf("large reply with a bad signature: %v, want SignatureError", err)
	}
	if err := c.Err(); err != nil {
		t.Fatalf("a bad signature on one reply closed the connection: %v", err)
	}
}

// TestLargeEncryptedReplyDoesNotHoldUpOthers: the same for decryption.
func TestLargeEncryptedReplyDoesNotHoldUpOthers(t *testing.T) {
	c, s := newFake(t, Config{})
	primeCredits(t, c, s, 20)
	g := newGate(t)
	tr := gatedTransform{g: g}
	sess := &Session{ID: 0x77, conn: c, sealer: tr, opener: tr, encryptAll: true}
	c.mu.Lock()
	c.sessions[sess.ID] = sess
	c.mu.Unlock()
	send := func(tag uint64) (*future.Future[*Response], fakeReq) {
		r := echoReq(tag)
		r.Session = sess
		f := c.Send(context.Background(), r)
		req := s.next()
		req.h.Decode(req.raw[transformOverhead:])
		return f, req
	}
	reply := func(req fakeReq, body []byte) {
		h := smb2.Header{Command: req.h.Command, Credits: 1, Flags: smb2.FlagServerToRedir,
			MessageID: req.h.MessageID, SessionID: sess.ID}
		frame, _ := tr.Seal(make([]byte, netbios.HeaderLen), sess.ID, append(h.Append(nil), body...))
		netbios.PutHeader(frame, len(frame)-netbios.HeaderLen)
		go s.writeRaw(frame)
	}

	big, bigReq := send(1)
	small, smallReq := send(2)
	reply(bigReq, bigEcho(1))
	g.waitHeld(t, "large reply")
	reply(smallReq, echoBody(2))
	smallOvertakesBig(t, g, small, big, true, "decryption")

	// A large frame that fails to decrypt still ends the connection, with
	// every pending request failed.
	pending, req := send(3)
	h := smb2.Header{Command: req.h.Command, Flags: smb2.FlagServerToRedir, MessageID: req.h.MessageID, SessionID: 0x99}
	frame, _ := tr.Seal(make([]byte, netbios.HeaderLen), 0x99, append(h.Append(nil), bigEcho(3)...))
	netbios.PutHeader(frame, len(frame)-netbios.HeaderLen)
	go s.writeRaw(frame)
	waitDone(t, "request pending when a large frame failed to decrypt", pending)
	var pe *ProtocolError
	if _, err := pending.Result(); !errors.As(err, &pe) {
		t.Fatalf("pending request after an undecryptable frame: %v, want ProtocolError", err)
	}
}
