package engine

import (
	"context"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/gosmb/gosmb/future"
	"github.com/gosmb/gosmb/netbios"
	"github.com/gosmb/gosmb/proto/ntstatus"
	"github.com/gosmb/gosmb/proto/smb2"
)

// Request is one SMB2 request. The engine fills MessageID, CreditCharge,
// the CreditRequest, SessionID (from Session) and the signature.
type Request struct {
	Header smb2.Header // Command, Flags, TreeID, ProcessID; the rest is the engine's
	Body   []byte      // the encoded body that follows the header

	// CreditCharge is the number of credits the request costs (0 means 1):
	// 1 + (max(send, expected response) - 1) / 65536 for READ, WRITE,
	// IOCTL, QUERY_DIRECTORY. See [MS-SMB2] 3.1.5.2.
	CreditCharge uint16

	// Session signs and encrypts the request and verifies its response.
	// Nil for NEGOTIATE and for SESSION_SETUP before keys exist.
	Session *Session
	// Encrypt forces encryption (a share with ENCRYPT_DATA) when the
	// session has keys; a session that encrypts everything ignores it.
	Encrypt bool
	// NoVerify skips response signature checks: SESSION_SETUP, whose final
	// response the session setup logic verifies itself.
	NoVerify bool

	// OnSent, if set, is called with the exact plaintext message (header
	// and body, after signing) before it is written, for the 3.1.1
	// preauth integrity hash.
	OnSent func(msg []byte)
}

// Response is one SMB2 response. Raw and Body alias the receive buffer.
type Response struct {
	Header    smb2.Header
	Raw       []byte // header and body of this message, plaintext
	Body      []byte // Raw[smb2.HeaderSize:]
	Encrypted bool   // arrived inside a TRANSFORM header
}

// Status returns the response's NTSTATUS.
func (r *Response) Status() ntstatus.Status { return r.Header.Status }

// CreditCharge returns the number of credits a READ/WRITE-like request of
// the given payload size costs.
func CreditCharge(size int) uint16 {
	if size <= 0 {
		return 1
	}
	return uint16((size-1)/65536 + 1)
}

// Send queues req and returns a Future for its final response. The Future
// resolves with the response whatever its NTSTATUS (callers decide what a
// status means), or fails with a *ConnError when the connection dies, the
// context's cause when ctx ends first, or a *SignatureError when the
// response fails verification.
func (c *Conn) Send(ctx context.Context, req *Request) *future.Future[*Response] {
	f, r := future.New[*Response]()
	c.send(ctx, req, r)
	return f
}

func (c *Conn) send(ctx context.Context, req *Request, r future.Resolver[*Response]) {
	if err := ctx.Err(); err != nil {
		r.Resolve(nil, context.Cause(ctx))
		return
	}
	charge := uint32(req.CreditCharge)
	if charge == 0 {
		charge = 1
	}
	if !c.multiCredit() {
		charge = 1
	}
	mid, creditReq, err := c.credits.acquire(ctx, charge)
	if err != nil {
		r.Resolve(nil, err)
		return
	}
	// From here the MessageIds are ours: the request goes on the wire
	// even if ctx ends meanwhile (it is then cancelled), so the server's
	// sequence window never has a hole.

	h := req.Header
	h.MessageID = mid
	h.Credits = creditReq
	h.Flags &^= smb2.FlagServerToRedir | smb2.FlagAsyncCommand | smb2.FlagSigned
	h.NextCommand = 0
	if c.multiCredit() {
		h.CreditCharge = uint16(charge)
	} else {
		h.CreditCharge = 0
	}
	sess := req.Session
	if sess != nil {
		h.SessionID = sess.ID
	}
	frame, err := c.encodeLocked(&h, req.Body, sess, req.Encrypt, req.OnSent)
	if err != nil {
		// Nothing was sent but the ids are spent: the stream is no
		// longer in step with the server's window.
		err = fmt.Errorf("gosmb: encoding %s: %w", h.Command, err)
		r.Resolve(nil, err)
		c.closeWithError(err)
		return
	}

	cl := &call{mid: mid, charge: charge, cmd: h.Command, treeID: h.TreeID, sess: sess, resolve: r}
	if req.NoVerify {
		cl.sess = nil
	}
	cl.stop = context.AfterFunc(ctx, func() { c.abandon(cl, context.Cause(ctx)) })

	c.mu.Lock()
	ok := c.pending.add(cl)
	closeErr := c.closeErr
	c.mu.Unlock()
	if !ok {
		cl.stop()
		r.Resolve(nil, closeErr)
		return
	}
	if err := c.writeFrame(frame); err != nil {
		// closeWithError fails the entry with the connection error.
		c.closeWithError(err)
	}
}

// encodeLocked builds the transport frame for one message: 4-byte framing
// header, SMB2 header, body; signed or encrypted as the session requires.
// Despite the name it takes no lock; it only reads immutable session state.
func (c *Conn) encodeLocked(h *smb2.Header, body []byte, sess *Session, encrypt bool, onSent func([]byte)) ([]byte, error) {
	encrypt = sess != nil && sess.sealer != nil && (encrypt || sess.encryptAll)
	sign := !encrypt && sess != nil && sess.signer != nil && (sess.signRequests || sess.mustSign(h.Command))
	if sign {
		h.Flags |= smb2.FlagSigned
	}
	n := smb2.HeaderSize + len(body)
	buf := make([]byte, netbios.HeaderLen+n, netbios.HeaderLen+n+transformOverhead)
	msg := buf[netbios.HeaderLen:]
	h.Put(msg)
	copy(msg[smb2.HeaderSize:], body)
	if sign {
		if err := sess.signer.Sign(msg); err != nil {
			return nil, err
		}
	}
	if onSent != nil {
		onSent(msg)
	}
	if encrypt {
		out := make([]byte, netbios.HeaderLen, netbios.HeaderLen+transformOverhead+n)
		out, err := sess.sealer.Seal(out, sess.ID, msg)
		if err != nil {
			return nil, err
		}
		buf = out
	}
	if err := netbios.PutHeader(buf, len(buf)-netbios.HeaderLen); err != nil {
		return nil, err
	}
	return buf, nil
}

// transformOverhead is the size of the SMB2 TRANSFORM_HEADER.
const transformOverhead = 52

// writeFrame writes one whole frame under writeMu, bounded by WriteTimeout.
func (c *Conn) writeFrame(frame []byte) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	if err := c.ctx.Err(); err != nil {
		return c.closeError()
	}
	c.nc.SetWriteDeadline(time.Now().Add(c.cfg.WriteTimeout))
	_, err := c.nc.Write(frame)
	if err != nil {
		return &ConnError{Err: fmt.Errorf("write: %w", err)}
	}
	return nil
}

// abandon is called when a request's context ends before its final
// response. The Future fails with cause at once; the entry stays so the
// late response still returns its credits; an SMB2 CANCEL goes out.
func (c *Conn) abandon(cl *call, cause error) {
	c.mu.Lock()
	if c.pending.get(cl.mid) != cl || cl.abandoned {
		c.mu.Unlock()
		return
	}
	cl.abandoned = true
	isAsync, asyncID := cl.isAsync, cl.asyncID
	c.mu.Unlock()

	cl.resolve.Resolve(nil, cause)
	c.sendCancel(cl, isAsync, asyncID)
}

// sendCancel sends SMB2 CANCEL for cl. CANCEL takes no credit and no new
// MessageId: it names the request by MessageId, or by AsyncId once an
// interim response gave one. See [MS-SMB2] 3.2.4.24.
func (c *Conn) sendCancel(cl *call, isAsync bool, asyncID uint64) {
	h := smb2.Header{Command: smb2.CommandCancel, MessageID: cl.mid, TreeID: cl.treeID}
	if isAsync {
		h.Flags |= smb2.FlagAsyncCommand
		h.AsyncID = asyncID
	}
	var body [4]byte
	binary.LittleEndian.PutUint16(body[:], 4) // StructureSize
	sess := cl.sess
	if sess != nil {
		h.SessionID = sess.ID
	}
	frame, err := c.encodeLocked(&h, body[:], sess, false, nil)
	if err != nil {
		c.log.Warn("encoding CANCEL failed")
		return
	}
	if err := c.writeFrame(frame); err != nil {
		c.closeWithError(err)
	}
}
