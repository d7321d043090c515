package dcerpc

// DefaultMaxStub is the reply size NewReassembler allows when given 0.
const DefaultMaxStub = 16 << 20

// maxPrealloc bounds the buffer preallocated from a first fragment's
// alloc_hint, which the peer chooses.
const maxPrealloc = 64 << 10

// Reassembler joins the stub data of the response fragments of one call.
// See [C706] 12.4.2.3 (fragmentation). Feed it every PDU read from the pipe
// for the call; it checks that the fragments belong to the call, start
// with PFC_FIRST_FRAG, end with PFC_LAST_FRAG and stay under the size cap.
// The first error sticks: every later Add returns it.
type Reassembler struct {
	callID    uint32
	max       int
	started   bool
	done      bool
	contextID uint16
	stub      []byte
	err       error
}

// NewReassembler returns a Reassembler for the reply to call callID whose
// joined stub may be at most maxStub bytes (DefaultMaxStub if maxStub <= 0).
func NewReassembler(callID uint32, maxStub int) *Reassembler {
	if maxStub <= 0 {
		maxStub = DefaultMaxStub
	}
	return &Reassembler{callID: callID, max: maxStub}
}

// Add consumes b, one whole PDU or several back to back, and reports
// whether the reply is complete. A message-mode pipe read of at least the
// negotiated fragment size returns whole PDUs; a reader of a byte stream
// cuts them with FragLength. A fault PDU for the call completes it with a
// *FaultError. A PDU of another type or call, a fragment out of order,
// bytes after the last fragment and a stub over the cap are errors.
func (r *Reassembler) Add(b []byte) (done bool, err error) {
	if r.err != nil {
		return r.done, r.err
	}
	if r.done {
		r.err = errorf("response", "call %d: PDU after the last fragment", r.callID)
		return true, r.err
	}
	for len(b) > 0 && !r.done {
		var n int
		n, err = r.addPDU(b)
		if err != nil {
			r.err = err
			return r.done, err
		}
		b = b[n:]
	}
	if len(b) > 0 {
		r.err = errorf("response", "call %d: %d bytes after the last fragment", r.callID, len(b))
		return r.done, r.err
	}
	return r.done, nil
}

// addPDU consumes the PDU at the start of b and returns its length.
func (r *Reassembler) addPDU(b []byte) (int, error) {
	const msg = "response"
	var h Header
	if err := h.Decode(b); err != nil {
		return 0, err
	}
	n := int(h.FragLength)
	pdu := b[:n]
	if h.CallID != r.callID {
		return 0, errorf(msg, "fragment for call %d, want call %d", h.CallID, r.callID)
	}
	switch h.Type {
	case PacketFault:
		var f Fault
		if err := f.Decode(pdu); err != nil {
			return 0, err
		}
		r.done = true
		return n, f.Err()
	case PacketResponse:
	default:
		return 0, errorf(msg, "call %d: unexpected %s PDU", r.callID, h.Type)
	}
	_, body, err := decodePDU(pdu, PacketResponse, responseFixed)
	if err != nil {
		return 0, err
	}
	first := h.Flags&PFCFirstFrag != 0
	contextID := le.Uint16(body[4:])
	if !r.started {
		if !first {
			return 0, errorf(msg, "call %d: first fragment lacks PFC_FIRST_FRAG", r.callID)
		}
		r.started = true
		r.contextID = contextID
		if h.Flags&PFCLastFrag == 0 {
			// alloc_hint is the server's, and only a hint: bound it
			// before it becomes an int (negative on 32-bit platforms).
			r.stub = make([]byte, 0, min(int(min(le.Uint32(body), maxPrealloc)), r.max))
		}
	} else {
		if first {
			return 0, errorf(msg, "call %d: PFC_FIRST_FRAG on a later fragment", r.callID)
		}
		if contextID != r.contextID {
			return 0, errorf(msg, "call %d: fragment on context %d, call on context %d", r.callID, contextID, r.contextID)
		}
	}
	stub := body[responseFixed:]
	if uint64(len(r.stub))+uint64(len(stub)) > uint64(r.max) {
		return 0, errorf(msg, "call %d: reply exceeds %d bytes", r.callID, r.max)
	}
	r.stub = append(r.stub, stub...)
	r.done = h.Flags&PFCLastFrag != 0
	return n, nil
}

// Done reports whether the last fragment (or a fault) has been added.
func (r *Reassembler) Done() bool { return r.done }

// ContextID returns the presentation context of the reply's first fragment.
func (r *Reassembler) ContextID() uint16 { return r.contextID }

// Stub returns the joined stub data so far; it is complete once Add has
// reported done without error. The slice belongs to the Reassembler until
// the caller stops using it.
func (r *Reassembler) Stub() []byte { return r.stub }
