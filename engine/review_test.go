package engine

import (
	"context"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"sync"
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
