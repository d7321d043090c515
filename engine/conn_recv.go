package engine

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"go.uber.org/zap"

	"github.com/gosmb/gosmb/netbios"
	"github.com/gosmb/gosmb/proto/ntstatus"
	"github.com/gosmb/gosmb/proto/smb2"
)

// readLoop is the connection's one reader. It owns fr. It exits when a
// read fails, after closing the connection with that error.
func (c *Conn) readLoop(fr *netbios.FrameReader) {
	defer close(c.readerDone)
	for {
		n, err := fr.Next()
		if err != nil {
			c.closeWithError(c.readError(err))
			return
		}
		c.frameMono.Store(c.mono())
		fb := getFrame(n)
		if err := fr.ReadPayload(fb.b); err != nil {
			fb.release()
			c.closeWithError(c.readError(err))
			return
		}
		err = c.handleFrame(fb)
		fb.release() // handleFrame's own reference; responses hold theirs
		if err != nil {
			c.closeWithError(&ConnError{Err: err})
			return
		}
	}
}

// stampReader is the connection's socket as its reader reads it: it notes
// when bytes last arrived (Conn.LastReceive), so that the keepalive takes
// a large frame still arriving on a slow link for the live server it is.
type stampReader struct {
	r io.Reader
	c *Conn
}

func (s stampReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if n > 0 {
		s.c.lastRecvMono.Store(s.c.mono())
	}
	return n, err
}

// readError maps a read failure to the connection error: the peer hanging
// up is io.ErrUnexpectedEOF; a read failing because we closed is
// net.ErrClosed (the close error recorded first wins anyway).
func (c *Conn) readError(err error) error {
	if c.ctx.Err() != nil {
		return c.closeError()
	}
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return &ConnError{Err: fmt.Errorf("read: %w", err)}
}

// handleFrame processes one transport frame: decrypts it if it is a
// TRANSFORM message, then dispatches each message of a compound chain.
// An error ends the connection; errors that concern one request fail only
// that request.
func (c *Conn) handleFrame(fb *frameBuf) error {
	buf := fb.b
	if len(buf) < 4 {
		return &ProtocolError{Msg: fmt.Sprintf("%d-byte frame", len(buf))}
	}
	switch [4]byte(buf[0:4]) {
	case smb2.TransformProtocolID:
		if len(buf) >= offloadMin {
			// Decrypt a large frame on a worker: the reader goes on to
			// the next frame, so a big encrypted READ does not hold up
			// the replies behind it.
			fb.retain() // the worker's reference
			if c.offload(func() {
				if err := c.handleSealed(fb); err != nil {
					c.closeWithError(&ConnError{Err: err})
				}
				fb.release()
			}) {
				return nil
			}
			fb.release()
		}
		return c.handleSealed(fb)
	case smb2.ProtocolID:
		return c.dispatchChain(buf, 0, fb)
	case [4]byte{0xFF, 'S', 'M', 'B'}:
		return c.handleSMB1(buf)
	default:
		return &ProtocolError{Msg: fmt.Sprintf("unknown protocol id % x", buf[0:4])}
	}
}

// offloadMin is the size from which a response's signature check or
// decryption runs on a worker goroutine instead of the reader, when a
// worker is free (else on the reader, which is then the back-pressure).
// Below it the hand-off costs more than the crypto it moves.
const offloadMin = 64 << 10

// offload runs fn on a worker goroutine if a worker slot is free, and
// reports whether it did. It is called by the reader, or by a worker
// (whose own count keeps Close's Wait open), so bg.Add is always ordered
// before Close's Wait.
func (c *Conn) offload(fn func()) bool {
	select {
	case c.workers <- struct{}{}:
	default:
		return false
	}
	c.bg.Add(1)
	go func() {
		defer c.bg.Done()
		defer func() { <-c.workers }()
		fn()
	}()
	return true
}

// handleSealed decrypts a TRANSFORM frame and dispatches what it carries.
func (c *Conn) handleSealed(fb *frameBuf) error {
	plain, sid, err := c.decrypt(fb.b)
	if err != nil {
		return err
	}
	return c.dispatchChain(plain, sid, fb)
}

// dispatchChain dispatches each message of a (possibly compound) chain in
// buf, which lies in fb. sealedBy is the session whose keys decrypted the
// frame, 0 for a frame that came in the clear.
func (c *Conn) dispatchChain(buf []byte, sealedBy uint64, fb *frameBuf) error {
	for len(buf) > 0 {
		var h smb2.Header
		if err := h.Decode(buf); err != nil {
			return &ProtocolError{Msg: "response header", Err: err}
		}
		msg := buf
		if h.NextCommand != 0 {
			// [MS-SMB2] 3.2.5.1.9: each response in a chain starts on an
			// 8-byte boundary, at NextCommand from the previous one.
			next := uint64(h.NextCommand)
			if next < smb2.HeaderSize || next > uint64(len(buf)) || next%8 != 0 {
				return &ProtocolError{Msg: fmt.Sprintf("compound NextCommand %d in %d-byte frame", next, len(buf))}
			}
			msg, buf = buf[:next], buf[next:]
		} else {
			buf = nil
		}
		fb.retain()
		c.dispatch(&h, msg, sealedBy, fb)
	}
	return nil
}

// dispatch hands one response message to the request awaiting it, with
// one reference to its frame buffer: the Response keeps it until Release,
// every other path drops it here.
func (c *Conn) dispatch(h *smb2.Header, msg []byte, sealedBy uint64, fb *frameBuf) {
	encrypted := sealedBy != 0
	delivered := false
	defer func() {
		if !delivered {
			fb.release()
		}
	}()
	if !h.IsResponse() {
		c.log.Warn("request from the server ignored", zap.Stringer("command", h.Command))
		return
	}
	// [MS-SMB2] 3.2.5.19: an oplock/lease break notification has
	// MessageId 0xFFFFFFFFFFFFFFFF and answers no request. gosmb asks for
	// neither oplocks nor leases, so one is unsolicited; nothing verifies
	// it (3.2.5.1.3), so its credits are not taken either.
	if h.MessageID == ^uint64(0) {
		c.log.Debug("unsolicited break notification ignored", zap.Stringer("command", h.Command))
		return
	}

	c.mu.Lock()
	cl := c.pending.get(h.MessageID)
	if cl == nil {
		c.mu.Unlock()
		c.log.Warn("response to no pending request", zap.Uint64("mid", h.MessageID), zap.Stringer("command", h.Command))
		return
	}
	// [MS-SMB2] 3.2.5.1.5: an interim response keeps the request pending
	// and carries the AsyncId that a CANCEL must name.
	if h.Status == ntstatus.Pending && h.IsAsync() {
		if cl.isAsync {
			// A server sends one interim response per request; nothing
			// verifies them (3.2.5.1.3), so more are not believed.
			c.mu.Unlock()
			return
		}
		cl.isAsync, cl.asyncID = true, h.AsyncID
		abandoned := cl.abandoned
		c.mu.Unlock()
		c.credits.grant(uint32(h.Credits))
		if abandoned {
			// The CANCEL we sent named the MessageId; name the AsyncId
			// too now that we know it. Not from this goroutine: the
			// reader never waits on the socket's write side.
			c.bg.Add(1)
			go func() {
				defer c.bg.Done()
				c.sendCancel(cl, true, h.AsyncID)
			}()
		}
		return
	}
	c.pending.remove(h.MessageID)
	abandoned, async := cl.abandoned, cl.isAsync
	c.mu.Unlock()
	if !async && cl.cmd != smb2.CommandRead && cl.cmd != smb2.CommandWrite {
		c.noteRTT(c.frameMono.Load() - cl.sent)
	}
	if cl.mergeEnd {
		c.mergeDone()
	}

	cl.stopWatch()
	if abandoned {
		c.lateReply(cl, *h, msg, sealedBy, fb)
		delivered = true // lateReply takes the reference
		return
	}
	if h.Command != cl.cmd {
		c.settleCredits(cl, h, false)
		cl.resolve.Resolve(nil, &ProtocolError{Msg: fmt.Sprintf("%s response to %s request (message %d)", h.Command, cl.cmd, h.MessageID)})
		return
	}
	delivered = true // finish takes the reference
	if len(msg) >= offloadMin && !encrypted && cl.sess != nil && cl.sess.signer != nil &&
		h.Flags&smb2.FlagSigned != 0 {
		// Check a large signature on a worker, so that one big signed
		// READ does not hold up the replies behind it.
		hdr := *h
		if c.offload(func() { c.finish(cl, &hdr, msg, sealedBy, fb) }) {
			return
		}
	}
	c.finish(cl, h, msg, sealedBy, fb)
}

// lateReply handles the final response to a request whose caller gave up:
// once verified it returns the credits it grants and goes to the
// request's OnAbandoned hook, if any; it owns one reference to fb. A large
// signed reply (the late READs of a cancelled download) is checked on a
// worker, as finish does; with no worker free it is not checked at all,
// rather than hold up the replies behind it, and grants at most its
// charge.
func (c *Conn) lateReply(cl *call, h smb2.Header, msg []byte, sealedBy uint64, fb *frameBuf) {
	if h.Command != cl.cmd {
		c.settleCredits(cl, &h, false)
		fb.release()
		return
	}
	late := func() {
		ok := c.verify(cl, &h, msg, sealedBy) == nil
		c.settleCredits(cl, &h, ok)
		if !ok || cl.onAbandoned == nil {
			fb.release()
			return
		}
		resp := &Response{Header: h, Raw: msg, Body: msg[smb2.HeaderSize:], Encrypted: sealedBy != 0, buf: fb}
		c.bg.Add(1)
		go func() {
			defer c.bg.Done()
			cl.onAbandoned(resp)
		}()
	}
	if len(msg) >= offloadMin && sealedBy == 0 && cl.sess != nil && cl.sess.signer != nil && h.Flags&smb2.FlagSigned != 0 {
		if !c.offload(late) {
			c.settleCredits(cl, &h, false)
			fb.release()
		}
		return
	}
	late()
}

// finish verifies a final response and resolves its request with it; it
// owns one reference to fb.
func (c *Conn) finish(cl *call, h *smb2.Header, msg []byte, sealedBy uint64, fb *frameBuf) {
	err := c.verify(cl, h, msg, sealedBy)
	c.settleCredits(cl, h, err == nil)
	if err != nil {
		c.log.Warn("response failed verification",
			zap.Stringer("command", h.Command), zap.Uint64("mid", h.MessageID), zap.Error(err))
		cl.resolve.Resolve(nil, err)
		fb.release()
		return
	}
	if !cl.resolve.Resolve(&Response{Header: *h, Raw: msg, Body: msg[smb2.HeaderSize:], Encrypted: sealedBy != 0, buf: fb}, nil) {
		fb.release()
	}
}

// settleCredits gives back the credits cl was charged and takes those its
// final response h grants; a response that failed verification grants at
// most the charge, so that a forgery cannot inflate the balance (the
// genuine reply, if one comes, finds nothing pending and is dropped).
func (c *Conn) settleCredits(cl *call, h *smb2.Header, verified bool) {
	granted := uint32(h.Credits)
	if !verified {
		granted = min(granted, cl.charge)
	}
	c.credits.complete(cl.charge, granted)
}

// verify checks a final response's signature per [MS-SMB2] 3.2.5.1.3: a
// signed message is always verified when the session has a key; an
// unsigned one is refused when the session requires signing. Encrypted
// messages are authenticated by decryption instead.
func (c *Conn) verify(cl *call, h *smb2.Header, msg []byte, sealedBy uint64) error {
	encrypted := sealedBy != 0
	sess := cl.sess
	if sess == nil {
		return nil
	}
	// A request that went out encrypted must be answered encrypted: a
	// plaintext reply could come from anyone on the path. Servers send
	// these two statuses in the clear ([MS-SMB2] 3.3.4.1.4, as Samba's
	// client allows).
	if !encrypted && (sess.encryptAll || cl.encrypt) && sess.sealer != nil &&
		h.Status != ntstatus.UserSessionDeleted && h.Status != ntstatus.InvalidParameter {
		return &SignatureError{Command: h.Command, MessageID: h.MessageID, Unencrypted: true}
	}
	if encrypted {
		// Sealed with this session's keys, not another's on the same
		// connection: whoever holds those could write anything here.
		if sealedBy != sess.ID || h.SessionID != sess.ID {
			return &SignatureError{Command: h.Command, MessageID: h.MessageID, Unencrypted: true}
		}
		return nil
	}
	if sess.signer == nil {
		return nil
	}
	if h.Flags&smb2.FlagSigned == 0 {
		if sess.signRequests || cl.mustBeSigned {
			return &SignatureError{Command: h.Command, MessageID: h.MessageID, Unsigned: true}
		}
		return nil
	}
	if err := sess.signer.Verify(msg); err != nil {
		// A server that no longer has the session has no key to sign
		// with; Samba still sets the flag. The status is only an error,
		// so pass it on rather than call it tampering, as Samba's client
		// does.
		if h.Status == ntstatus.UserSessionDeleted {
			return nil
		}
		return &SignatureError{Command: h.Command, MessageID: h.MessageID}
	}
	return nil
}

// decrypt opens a TRANSFORM frame with the keys of the session it names,
// and returns that session's id (never 0) with the plaintext.
func (c *Conn) decrypt(frame []byte) ([]byte, uint64, error) {
	if len(frame) < transformOverhead {
		return nil, 0, &ProtocolError{Msg: fmt.Sprintf("%d-byte TRANSFORM frame", len(frame))}
	}
	sid := binary.LittleEndian.Uint64(frame[44:52])
	c.mu.Lock()
	sess := c.sessions[sid]
	c.mu.Unlock()
	if sess == nil || sess.opener == nil {
		return nil, 0, &ProtocolError{Msg: fmt.Sprintf("encrypted message for unknown session 0x%x", sid)}
	}
	plain, _, err := sess.opener.Open(frame[transformOverhead:transformOverhead], frame)
	if err != nil {
		// A message we cannot authenticate cannot be attributed to a
		// request either; the stream can no longer be trusted.
		return nil, 0, &ProtocolError{Msg: "decrypting message", Err: err}
	}
	return plain, sid, nil
}

// handleSMB1 handles an SMB1 message. Until the SMB1 dialect is in place
// the only one expected is a reply to a multi-protocol NEGOTIATE.
func (c *Conn) handleSMB1(buf []byte) error {
	return &ProtocolError{Msg: "SMB1 response on an SMB2 connection"}
}
