package engine

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gosmb/gosmb/future"
	"github.com/gosmb/gosmb/netbios"
	"github.com/gosmb/gosmb/proto/ntstatus"
	"github.com/gosmb/gosmb/proto/smb2"
)

// plainTransform is a sealer/opener that frames messages in a TRANSFORM
// header without encrypting them: enough to exercise the engine's
// encryption bookkeeping without keys.
type plainTransform struct{}

func (plainTransform) Seal(dst []byte, sid uint64, msg []byte) ([]byte, error) {
	var h [transformOverhead]byte
	copy(h[:], smb2.TransformProtocolID[:])
	binary.LittleEndian.PutUint32(h[36:], uint32(len(msg)))
	binary.LittleEndian.PutUint16(h[42:], 1)
	binary.LittleEndian.PutUint64(h[44:], sid)
	return append(append(dst, h[:]...), msg...), nil
}

func (plainTransform) Open(dst, frame []byte) ([]byte, uint64, error) {
	return frame[transformOverhead:], binary.LittleEndian.Uint64(frame[44:]), nil
}

func encryptedSession(c *Conn) *Session {
	s := &Session{ID: 0x77, conn: c, sealer: plainTransform{}, opener: plainTransform{}, encryptAll: true}
	c.mu.Lock()
	c.sessions[s.ID] = s
	c.mu.Unlock()
	return s
}

// TestPlaintextReplyOnEncryptedSessionRefused: a reply to an encrypted
// request that arrives in the clear (a forgery from the path) fails the
// request; the encrypted reply is accepted.
func TestPlaintextReplyOnEncryptedSessionRefused(t *testing.T) {
	c, s := newFake(t, Config{})
	primeCredits(t, c, s, 10)
	sess := encryptedSession(c)
	send := func(tag uint64) *future.Future[*Response] {
		r := echoReq(tag)
		r.Session = sess
		return c.Send(context.Background(), r)
	}
	f := send(1)
	raw := s.nextRaw()
	if [4]byte(raw[0:4]) != smb2.TransformProtocolID {
		t.Fatal("request on an encrypted session went out in the clear")
	}
	var h smb2.Header
	h.Decode(raw[transformOverhead:])
	// Forged plaintext reply.
	s.respond(fakeReq{h: h, body: echoBody(1)}, ntstatus.Success, 1, echoBody(1))
	_, err := f.Wait(context.Background())
	var se *SignatureError
	if !errors.As(err, &se) || !se.Unencrypted {
		t.Fatalf("plaintext reply to an encrypted request: %v, want SignatureError{Unencrypted}", err)
	}
	// The genuine, encrypted reply is accepted.
	f = send(2)
	raw = s.nextRaw()
	h.Decode(raw[transformOverhead:])
	rh := smb2.Header{Command: h.Command, Flags: smb2.FlagServerToRedir, MessageID: h.MessageID, SessionID: sess.ID, Credits: 1}
	msg := append(rh.Append(nil), echoBody(2)...)
	frame, _ := plainTransform{}.Seal(make([]byte, netbios.HeaderLen), sess.ID, msg)
	netbios.PutHeader(frame, len(frame)-netbios.HeaderLen)
	s.writeRaw(frame)
	resp, err := f.Wait(context.Background())
	if err != nil || tagOf(resp.Body) != 2 || !resp.Encrypted {
		t.Fatalf("encrypted reply: %v", err)
	}
}

// TestReplySealedForAnotherSessionRefused: a reply sealed with another
// session's keys on the same connection (whoever holds those could write
// anything inside) is not accepted for a request of this session, even
// when its inner header names this session.
func TestReplySealedForAnotherSessionRefused(t *testing.T) {
	c, s := newFake(t, Config{})
	primeCredits(t, c, s, 10)
	sess := encryptedSession(c)
	other := &Session{ID: 0x88, conn: c, sealer: plainTransform{}, opener: plainTransform{}, encryptAll: true}
	c.mu.Lock()
	c.sessions[other.ID] = other
	c.mu.Unlock()
	reply := func(tag uint64, sealedBy uint64) *future.Future[*Response] {
		r := echoReq(tag)
		r.Session = sess
		f := c.Send(context.Background(), r)
		raw := s.nextRaw()
		var h smb2.Header
		h.Decode(raw[transformOverhead:])
		rh := smb2.Header{Command: h.Command, Flags: smb2.FlagServerToRedir, MessageID: h.MessageID, SessionID: sess.ID, Credits: 1}
		msg := append(rh.Append(nil), echoBody(tag)...)
		frame, _ := plainTransform{}.Seal(make([]byte, netbios.HeaderLen), sealedBy, msg)
		netbios.PutHeader(frame, len(frame)-netbios.HeaderLen)
		s.writeRaw(frame)
		return f
	}
	_, err := reply(1, other.ID).Wait(context.Background())
	var se *SignatureError
	if !errors.As(err, &se) || !se.Unencrypted {
		t.Fatalf("reply sealed for another session: %v, want SignatureError{Unencrypted}", err)
	}
	resp, err := reply(2, sess.ID).Wait(context.Background())
	if err != nil || tagOf(resp.Body) != 2 {
		t.Fatalf("reply sealed for the request's session: %v", err)
	}
}

// TestCancelRacingSendIsNeverLost cancels requests at random moments
// around their send. Every Future must resolve, and every request the
// server saw is answered, leaving nothing pending.
func TestCancelRacingSendIsNeverLost(t *testing.T) {
	c, s := newFake(t, Config{})
	primeCredits(t, c, s, 400)
	go func() {
		for r := range s.reqs {
			if r.h.Command == smb2.CommandCancel {
				continue
			}
			s.respond(r, ntstatus.Success, 1, r.body)
		}
	}()
	const n = 300
	var wg sync.WaitGroup
	futs := make([]*future.Future[*Response], n)
	for i := 0; i < n; i++ {
		ctx, cancel := context.WithCancel(context.Background())
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Duration(rand.IntN(200)) * time.Microsecond)
			cancel()
		}()
		futs[i] = c.Send(ctx, echoReq(uint64(i)))
	}
	wg.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for i, f := range futs {
		if _, err := f.Wait(ctx); errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("future %d never resolved", i)
		}
	}
	waitFor(t, func() bool { return c.Pending() == 0 })
}

// TestResponseWithWrongCommandFails: a reply whose command differs from
// the request's is a protocol error for that request.
func TestResponseWithWrongCommandFails(t *testing.T) {
	c, s := newFake(t, Config{})
	f := c.Send(context.Background(), echoReq(1))
	req := s.next()
	req.h.Command = smb2.CommandRead
	s.respond(req, ntstatus.Success, 1, nil)
	var pe *ProtocolError
	if _, err := f.Wait(context.Background()); !errors.As(err, &pe) {
		t.Fatalf("reply with another command: %v, want ProtocolError", err)
	}
}

// stallConn holds every write of more than 64 KiB until release is closed
// (or the connection is), like a socket whose peer stopped reading.
type stallConn struct {
	net.Conn
	stalled chan struct{} // closed when the first big write starts waiting
	release chan struct{}
	once    sync.Once
	closed  chan struct{}
	cOnce   sync.Once
}

func (s *stallConn) Write(p []byte) (int, error) {
	if len(p) > 64<<10 {
		s.once.Do(func() { close(s.stalled) })
		select {
		case <-s.release:
		case <-s.closed:
			return 0, net.ErrClosed
		}
	}
	return s.Conn.Write(p)
}

func (s *stallConn) Close() error {
	s.cOnce.Do(func() { close(s.closed) })
	return s.Conn.Close()
}

// TestSendBehindStalledWriteHonoursContext: while one large frame is
// stuck in the socket, another request's Send returns when its context
// ends, with its Future failed; its frame still goes out later (its
// MessageId is spent), followed by a CANCEL, and the connection stays
// usable.
func TestSendBehindStalledWriteHonoursContext(t *testing.T) {
	sc := &stallConn{stalled: make(chan struct{}), release: make(chan struct{}), closed: make(chan struct{})}
	c, s := newFakeWrapped(t, Config{}, func(nc net.Conn) net.Conn { sc.Conn = nc; return sc })
	primeCredits(t, c, s, 10)

	big := make(chan *future.Future[*Response], 1)
	go func() {
		payload := bytes.Repeat([]byte{7}, 512<<10)
		big <- c.Send(context.Background(), &Request{Header: smb2.Header{Command: smb2.CommandWrite}, Body: []byte("BODY"), Payload: payload})
	}()
	<-sc.stalled

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	sent := make(chan *future.Future[*Response], 1)
	go func() { sent <- c.Send(ctx, echoReq(2)) }()
	var f *future.Future[*Response]
	select {
	case f = <-sent:
	case <-time.After(2 * time.Second):
		t.Fatal("Send still blocked behind a stalled write 2s after its 50ms context ended")
	}
	if _, err := f.Wait(context.Background()); !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrNotSent) {
		t.Fatalf("Future of the request stuck behind the stall: %v, want DeadlineExceeded, and not ErrNotSent (it goes out later)", err)
	}

	close(sc.release)
	w := s.next()
	if w.h.Command != smb2.CommandWrite || len(w.body) != 4+512<<10 {
		t.Fatalf("first on the wire: %v, %d bytes", w.h.Command, len(w.body))
	}
	e := s.next()
	if e.h.Command != smb2.CommandEcho || tagOf(e.body) != 2 {
		t.Fatalf("second on the wire: %v tag %d, want the abandoned ECHO", e.h.Command, tagOf(e.body))
	}
	cn := s.next()
	if cn.h.Command != smb2.CommandCancel || cn.h.MessageID != e.h.MessageID {
		t.Fatalf("third on the wire: %v for MessageId %d, want CANCEL for %d", cn.h.Command, cn.h.MessageID, e.h.MessageID)
	}
	s.respond(e, ntstatus.Success, 1, e.body) // late: dropped, credits kept
	s.respond(w, ntstatus.Success, 1, nil)
	if _, err := (<-big).Wait(context.Background()); err != nil {
		t.Fatalf("the stalled WRITE: %v", err)
	}
	f3 := c.Send(context.Background(), echoReq(3))
	r3 := s.next()
	s.respond(r3, ntstatus.Success, 1, r3.body)
	if resp, err := f3.Wait(context.Background()); err != nil || tagOf(resp.Body) != 3 {
		t.Fatalf("connection after the stall: %v", err)
	}
}

// handoffConn stalls, once armed, the first write until gate is closed,
// and any write of more than 64 KiB until the connection is closed and
// 100 ms more have passed, like a socket whose write takes a while to
// fail. bigDone records that the big write has returned.
type handoffConn struct {
	net.Conn
	armed   atomic.Bool
	writes  atomic.Int32
	first   chan struct{} // closed when the first armed write waits
	gate    chan struct{}
	big     chan struct{} // closed when a big write waits
	bigOnce sync.Once
	closed  chan struct{}
	cOnce   sync.Once
	bigDone atomic.Bool
}

func (h *handoffConn) Write(p []byte) (int, error) {
	if h.armed.Load() && h.writes.Add(1) == 1 {
		close(h.first)
		<-h.gate
	}
	if len(p) > 64<<10 {
		h.bigOnce.Do(func() { close(h.big) })
		<-h.closed
		time.Sleep(100 * time.Millisecond)
		h.bigDone.Store(true)
		return 0, net.ErrClosed
	}
	return h.Conn.Write(p)
}

func (h *handoffConn) Close() error {
	h.cOnce.Do(func() { close(h.closed) })
	return h.Conn.Close()
}

// TestSendWaitsForAnotherWriterHoldingItsPayload: a WRITE's frame, which
// holds the caller's payload, is taken off the queue by another sender's
// writer, whose write is still going on when the connection dies. The
// WRITE's Send must not return (letting the caller reuse the payload)
// before that write has ended.
func TestSendWaitsForAnotherWriterHoldingItsPayload(t *testing.T) {
	hc := &handoffConn{first: make(chan struct{}), gate: make(chan struct{}), big: make(chan struct{}), closed: make(chan struct{})}
	c, s := newFakeWrapped(t, Config{}, func(nc net.Conn) net.Conn { hc.Conn = nc; return hc })
	primeCredits(t, c, s, 10)
	hc.armed.Store(true)

	queued := func(n int64) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); c.queueLen.Load() != n; {
			if time.Now().After(deadline) {
				t.Fatalf("send queue never reached %d", n)
			}
			time.Sleep(time.Millisecond)
		}
		time.Sleep(20 * time.Millisecond) // into await's select
	}
	results := make(chan *future.Future[*Response], 3)
	// A holds writeSem, its write stalled at the gate.
	go func() { results <- c.Send(context.Background(), echoReq(1)) }()
	<-hc.first
	// C queues first, so it is first in line for writeSem; then the WRITE.
	go func() { results <- c.Send(context.Background(), echoReq(2)) }()
	queued(1)
	payload := bytes.Repeat([]byte{7}, 256<<10)
	wrote := make(chan *future.Future[*Response], 1)
	go func() {
		wrote <- c.Send(context.Background(), &Request{Header: smb2.Header{Command: smb2.CommandWrite}, Body: []byte("BODY"), Payload: payload})
	}()
	queued(2)
	// A's write goes out; C's writer takes C's echo and the WRITE and
	// stalls in the payload.
	close(hc.gate)
	<-hc.big
	select {
	case <-wrote:
		t.Fatal("the WRITE's Send returned while its payload was being written")
	default:
	}
	s.nc.Close() // the server goes away: the reader fails, the connection closes
	f := <-wrote
	if !hc.bigDone.Load() {
		t.Fatal("the WRITE's Send returned while another sender's writer was still writing its payload")
	}
	var ce *ConnError
	if _, err := f.Wait(context.Background()); !errors.As(err, &ce) {
		t.Fatalf("the WRITE's Future: %v, want a *ConnError", err)
	}
}

// sigByteSigner accepts any signature but one whose first byte is 0xBD.
type sigByteSigner struct{}

func (sigByteSigner) Sign(msg []byte) error { return nil }

func (sigByteSigner) Verify(msg []byte) error {
	if msg[48] == 0xBD {
		return errors.New("bad signature")
	}
	return nil
}

// TestUnverifiedMessagesGrantNoCredits: credits come only from what can be
// trusted. A reply that fails verification gives back no more than its
// request's charge, a second interim response and an unsolicited break
// notification (neither of which anything verifies) grant nothing; the
// genuine first interim and a verified reply do.
func TestUnverifiedMessagesGrantNoCredits(t *testing.T) {
	c, s := newFake(t, Config{})
	primeCredits(t, c, s, 10)
	sess := &Session{ID: 0x55, conn: c, signer: sigByteSigner{}, signRequests: true}
	send := func(tag uint64) (*future.Future[*Response], fakeReq) {
		r := echoReq(tag)
		r.Session = sess
		f := c.Send(context.Background(), r)
		return f, s.next()
	}
	avail := func() uint32 {
		a, _ := c.Credits()
		return a
	}
	final := func(req fakeReq, credits uint16, sig byte) {
		h := smb2.Header{Command: req.h.Command, Credits: credits, Flags: smb2.FlagServerToRedir | smb2.FlagSigned,
			MessageID: req.h.MessageID, SessionID: req.h.SessionID}
		h.Signature[0] = sig
		if err := s.writeMsg(&h, req.body); err != nil {
			t.Fatal(err)
		}
	}

	before := avail()
	f, req := send(1)
	final(req, 4999, 0xBD) // forged: bad signature, a huge grant
	if _, err := f.Wait(context.Background()); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("reply with a bad signature: %v, want ErrBadSignature", err)
	}
	if got := avail(); got > before {
		t.Fatalf("a reply that failed verification took the balance from %d to %d credits", before, got)
	}

	before = avail()
	f, req = send(2)
	if err := s.interim(req, 7, 3); err != nil {
		t.Fatal(err)
	}
	if err := s.interim(req, 8, 4000); err != nil { // a second interim: forged
		t.Fatal(err)
	}
	brk := smb2.Header{Command: smb2.CommandOplockBreak, Flags: smb2.FlagServerToRedir, MessageID: ^uint64(0), Credits: 4000}
	if err := s.writeMsg(&brk, make([]byte, 24)); err != nil {
		t.Fatal(err)
	}
	done := smb2.Header{Command: req.h.Command, Credits: 2, Flags: smb2.FlagServerToRedir | smb2.FlagAsyncCommand | smb2.FlagSigned,
		MessageID: req.h.MessageID, AsyncID: 7, SessionID: req.h.SessionID}
	if err := s.writeMsg(&done, req.body); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Wait(context.Background()); err != nil {
		t.Fatalf("genuine reply after the interim: %v", err)
	}
	// The echo cost 1 and its reply gave 2, the first interim 3.
	if got, want := avail(), before-1+2+3; got != want {
		t.Fatalf("balance %d after interim, forged interim, break and reply; want %d", got, want)
	}
}
