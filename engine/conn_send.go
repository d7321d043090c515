package engine

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"sync/atomic"

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
	// Payload follows Body on the wire (WRITE data, with Body from
	// WriteRequest.AppendHeader). Unsigned and unencrypted, it is written
	// with a vectored write and not copied. Send has written or copied it
	// when it returns, so the caller may reuse it then.
	Payload []byte

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
	// Sign signs the request even when the session does not sign
	// everything, and requires a signed response (FSCTL_VALIDATE_NEGOTIATE_INFO).
	Sign bool
	// OnAbandoned, if set, receives the final response of a request whose
	// context ended first (its Future already failed), on a goroutine of
	// its own that Close waits for. A CREATE uses it to close the handle
	// the server opened anyway.
	OnAbandoned func(*Response)

	// OnSent, if set, is called with the exact plaintext message (header
	// and body, after signing) before it is written, for the 3.1.1
	// preauth integrity hash.
	OnSent func(msg []byte)

	// diskShare: built by Tree.Request on a disk share, so the chain may
	// be merged with others (see mergeable).
	diskShare bool
}

// Response is one SMB2 response. Raw and Body alias a pooled receive
// buffer: a caller done with them may call Release to recycle it at once
// (and must not touch Raw or Body after); a caller that does not simply
// leaves the buffer to the garbage collector.
type Response struct {
	Header    smb2.Header
	Raw       []byte // header and body of this message, plaintext
	Body      []byte // Raw[smb2.HeaderSize:]
	Encrypted bool   // arrived inside a TRANSFORM header

	buf      *frameBuf
	released atomic.Bool
}

// Release returns the response's receive buffer to the pool. It is
// optional and idempotent; Raw and Body are invalid afterwards.
func (r *Response) Release() {
	if r != nil && r.buf != nil && r.released.CompareAndSwap(false, true) {
		r.Raw, r.Body = nil, nil
		r.buf.release()
	}
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

// Send writes req and returns a Future for its final response. Send returns
// once the request is on the wire (or has failed); it blocks only for
// credits and for the socket. If ctx ends while it waits for the socket
// (another large frame is being written), Send returns at once with the
// Future failed, and the request goes out later on its own, followed by a
// CANCEL: its MessageId is spent and must reach the server. The Future
// resolves with the response whatever its NTSTATUS (callers decide what a
// status means), or fails with a *ConnError when the connection dies, the
// context's cause when ctx ends first, or a *SignatureError when the
// response fails verification.
func (c *Conn) Send(ctx context.Context, req *Request) *future.Future[*Response] {
	f, r := future.New[*Response]()
	c.sendChain(ctx, []*Request{req}, []future.Resolver[*Response]{r}, false)
	return f
}

// SendCompound sends reqs as one compound chain in a single frame
// ([MS-SMB2] 3.2.4.1.4) and returns one Future per request. With related
// set, every request after the first carries SMB2_FLAGS_RELATED_OPERATIONS
// and inherits the session, tree and FileId of the one before it (use
// smb2.RelatedFileID as the FileId). All requests must use the same
// Session. The chain is signed message by message, or encrypted whole.
func (c *Conn) SendCompound(ctx context.Context, reqs []*Request, related bool) []*future.Future[*Response] {
	fs := make([]*future.Future[*Response], len(reqs))
	rs := make([]future.Resolver[*Response], len(reqs))
	for i := range reqs {
		fs[i], rs[i] = future.New[*Response]()
	}
	if len(reqs) > 0 {
		c.sendChain(ctx, reqs, rs, related)
	}
	return fs
}

func failAll(rs []future.Resolver[*Response], err error) {
	for _, r := range rs {
		r.Resolve(nil, err)
	}
}

func (c *Conn) sendChain(ctx context.Context, reqs []*Request, rs []future.Resolver[*Response], related bool) {
	if err := ctx.Err(); err != nil {
		failAll(rs, notSent(context.Cause(ctx)))
		return
	}
	multi := c.multiCredit()
	charges := make([]uint32, len(reqs))
	var total uint32
	for i, req := range reqs {
		charges[i] = 1
		if multi && req.CreditCharge > 1 {
			charges[i] = uint32(req.CreditCharge)
		}
		total += charges[i]
	}
	mid, creditReq, err := c.credits.acquire(ctx, total)
	if err != nil {
		failAll(rs, notSent(err))
		return
	}
	// From here the MessageIds are ours: the chain goes on the wire even
	// if ctx ends meanwhile (it is then cancelled), so the server's
	// sequence window never has a hole.

	sess := reqs[0].Session
	hs := make([]smb2.Header, len(reqs))
	calls := make([]*call, len(reqs))
	next := mid
	now := c.mono()
	for i, req := range reqs {
		h := req.Header
		h.MessageID = next
		next += uint64(charges[i])
		h.Flags &^= smb2.FlagServerToRedir | smb2.FlagAsyncCommand | smb2.FlagSigned | smb2.FlagRelatedOperations
		if related && i > 0 {
			h.Flags |= smb2.FlagRelatedOperations
		}
		// The credit request rides on the first message; the others ask
		// for what they cost.
		h.Credits = uint16(charges[i])
		if i == 0 {
			h.Credits = creditReq - uint16(total-charges[0])
		}
		h.CreditCharge = 0
		if multi {
			h.CreditCharge = uint16(charges[i])
		}
		if sess != nil {
			h.SessionID = sess.ID
		}
		hs[i] = h
		cl := &call{mid: h.MessageID, charge: charges[i], cmd: h.Command, treeID: h.TreeID, sess: sess, encrypt: req.Encrypt, sent: now,
			mustBeSigned: req.Sign || (sess != nil && sess.signer != nil && sess.mustSign(h.Command)), onAbandoned: req.OnAbandoned, resolve: rs[i]}
		if req.NoVerify {
			cl.sess = nil
		}
		calls[i] = cl
	}
	it := &sendItem{written: make(chan struct{})}
	if c.cfg.NoBatching || !mergeable(hs, reqs) {
		frame, done, err := c.encodeChain(hs, reqs, sess)
		if err != nil {
			// Nothing was sent but the ids are spent: the stream is no
			// longer in step with the server's window.
			err = fmt.Errorf("gosmb: encoding %s: %w", hs[0].Command, err)
			failAll(rs, notSent(err))
			c.closeWithError(err)
			return
		}
		it.frame, it.done, it.caller = frame, done, len(frame) > 1
	} else {
		it.hs, it.reqs, it.sess = hs, reqs, sess
		calls[len(calls)-1].mergeEnd = true
		it.encrypt = sess.sealer != nil && (sess.encryptAll || reqs[0].Encrypt)
		for _, r := range reqs {
			it.size += smb2.HeaderSize + len(r.Body) + 8
		}
	}

	// Register before writing, so a response can never find no entry.
	c.mu.Lock()
	ok := true
	for _, cl := range calls {
		ok = ok && c.pending.add(cl)
	}
	closeErr := c.closeErr
	c.mu.Unlock()
	if !ok {
		if it.done != nil {
			it.done()
		}
		for i := range calls {
			rs[i].Resolve(nil, notSent(closeErr))
		}
		return
	}
	deferred := c.enqueue(it)
	err = c.await(ctx, it, deferred)
	if err == errWriteWaitEnded {
		c.writeLater(context.Cause(ctx), it, calls)
		return
	}
	if err != nil {
		// closeWithError fails the entries with the connection error; a
		// writer may still be writing the frame, caller's payload and all.
		c.closeWithError(err)
		c.detach(it)
		return
	}
	// Watch the context only now that the requests are on the wire: a
	// CANCEL can then never overtake its request, and a context that
	// ended meanwhile fires at once. A request already answered needs no
	// watcher.
	for _, cl := range calls {
		stop := context.AfterFunc(ctx, func() { c.abandon(cl, context.Cause(ctx)) })
		c.mu.Lock()
		live := c.pending.get(cl.mid) == cl
		if live {
			cl.stop = stop
		}
		c.mu.Unlock()
		if !live {
			stop()
		}
	}
}

// encodeChain builds the transport frame for a chain of messages: 4-byte
// framing header, then each SMB2 header and body, each but the last padded
// to 8 bytes with NextCommand pointing past the padding; each message
// signed, or the whole chain encrypted, as the session requires.
//
// The frame may live in a pooled buffer: the caller calls done once the
// frame is written (or abandoned), and not touch it after.
func (c *Conn) encodeChain(hs []smb2.Header, reqs []*Request, sess *Session) (frame net.Buffers, done func(), err error) {
	encrypt := false
	if sess != nil && sess.sealer != nil {
		encrypt = sess.encryptAll
		for _, r := range reqs {
			encrypt = encrypt || r.Encrypt
		}
	}
	// A lone unsigned, unencrypted request keeps its payload out of the
	// buffer: header and body, then the payload, in one writev.
	vectored := len(reqs) == 1 && len(reqs[0].Payload) > 0 && !encrypt &&
		!(sess != nil && sess.signer != nil && (sess.signRequests || reqs[0].Sign || sess.mustSign(hs[0].Command))) &&
		reqs[0].OnSent == nil
	size := 0
	lens := make([]int, len(hs))
	for i, r := range reqs {
		lens[i] = smb2.HeaderSize + len(r.Body) + len(r.Payload)
		if i < len(reqs)-1 {
			lens[i] = (lens[i] + 7) &^ 7
		}
		size += lens[i]
	}
	if vectored {
		n := netbios.HeaderLen + smb2.HeaderSize + len(reqs[0].Body)
		buf := make([]byte, n)
		hs[0].Put(buf[netbios.HeaderLen:])
		copy(buf[netbios.HeaderLen+smb2.HeaderSize:], reqs[0].Body)
		if err := netbios.PutHeader(buf, size); err != nil {
			return nil, nil, err
		}
		return net.Buffers{buf, reqs[0].Payload}, noop, nil
	}
	// Large frames (signed or encrypted WRITEs, compound uploads) come from
	// the receive pools and go back once written: the garbage collector
	// would otherwise see a chunk-sized allocation per request.
	fb := getFrame(netbios.HeaderLen + size)
	buf := fb.b
	off := netbios.HeaderLen
	for i := range hs {
		h := &hs[i]
		if i < len(hs)-1 {
			h.NextCommand = uint32(lens[i])
		}
		sign := !encrypt && sess != nil && sess.signer != nil && (sess.signRequests || reqs[i].Sign || sess.mustSign(h.Command))
		if sign {
			h.Flags |= smb2.FlagSigned
		}
		msg := buf[off : off+lens[i]]
		h.Put(msg)
		n := smb2.HeaderSize + copy(msg[smb2.HeaderSize:], reqs[i].Body)
		n += copy(msg[n:], reqs[i].Payload)
		clear(msg[n:]) // the padding: a pooled buffer holds old bytes
		if sign {
			// [MS-SMB2] 3.2.4.1.4: each message of a chain is signed
			// separately, padding included.
			if err := sess.signer.Sign(msg); err != nil {
				fb.release()
				return nil, nil, err
			}
		}
		if reqs[i].OnSent != nil {
			reqs[i].OnSent(msg)
		}
		off += lens[i]
	}
	if encrypt {
		efb := getFrame(netbios.HeaderLen + transformOverhead + size)
		out, err := sess.sealer.Seal(efb.b[:netbios.HeaderLen], sess.ID, buf[netbios.HeaderLen:])
		fb.release()
		if err != nil {
			efb.release()
			return nil, nil, err
		}
		fb, buf = efb, out
	}
	if err := netbios.PutHeader(buf, len(buf)-netbios.HeaderLen); err != nil {
		fb.release()
		return nil, nil, err
	}
	return net.Buffers{buf}, fb.release, nil
}

func noop() {}

// transformOverhead is the size of the SMB2 TRANSFORM_HEADER.
const transformOverhead = 52

// errWriteWaitEnded is writeFrame's answer when ctx ended before the
// socket was free; nothing was written.
var errWriteWaitEnded = errors.New("engine: context ended waiting to write")

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
	// Counted in bg, so Close waits for the CANCEL: cl still pending
	// means closeWithError has not run, so this Add comes before
	// Close's Wait.
	c.bg.Add(1)
	c.mu.Unlock()
	defer c.bg.Done()

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
	frame, done, err := c.encodeChain([]smb2.Header{h}, []*Request{{Body: body[:], Encrypt: cl.encrypt}}, sess)
	if err != nil {
		c.log.Warn("encoding CANCEL failed")
		return
	}
	it := &sendItem{frame: frame, done: done, written: make(chan struct{})}
	c.enqueue(it)
	if err := c.await(context.Background(), it, false); err != nil {
		c.closeWithError(err)
	}
}

// writeLater takes over a registered chain whose sender's context ended
// while it waited for the socket. The Futures fail now with cause; the
// chain, whose MessageIds are spent, stays queued and goes out with the
// next write (a goroutine Close waits for makes sure of it), then each
// request still unanswered is cancelled. Late responses are handled as for
// any abandoned request (credits kept, OnAbandoned run).
func (c *Conn) writeLater(cause error, it *sendItem, calls []*call) {
	c.detach(it)
	c.mu.Lock()
	if c.closed {
		// closeWithError has failed (or is failing) every entry.
		c.mu.Unlock()
		return
	}
	for _, cl := range calls {
		if c.pending.get(cl.mid) == cl {
			cl.abandoned = true
		}
	}
	c.bg.Add(1) // under mu, before closed is set: Close's Wait comes after
	c.mu.Unlock()
	for _, cl := range calls {
		cl.resolve.Resolve(nil, cause)
	}
	go func() {
		defer c.bg.Done()
		if err := c.await(context.Background(), it, false); err != nil {
			c.closeWithError(err)
			return
		}
		for _, cl := range calls {
			c.mu.Lock()
			live := c.pending.get(cl.mid) == cl
			isAsync, asyncID := cl.isAsync, cl.asyncID
			c.mu.Unlock()
			if live {
				c.sendCancel(cl, isAsync, asyncID)
			}
		}
	}()
}
