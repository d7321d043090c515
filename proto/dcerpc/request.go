package dcerpc

// Request is one fragment of a request PDU (PTYPE 0). See [C706] 12.6.4.9.
//
// Flags never holds PFCObjectUUID: Append sets that bit when Object is
// non-nil, and Decode moves it into Object.
type Request struct {
	CallID    uint32
	Flags     PFCFlags // PFCFirstFrag and PFCLastFrag as the fragment's place requires
	AllocHint uint32   // stub bytes of the call from this fragment on; 0 if unknown
	ContextID uint16   // p_cont_id of an accepted presentation context
	Opnum     uint16
	Object    *UUID // object UUID, or nil
	Stub      []byte
}

const requestFixed = 8 // alloc_hint, p_cont_id, opnum

// Size returns the encoded PDU size.
func (m *Request) Size() int {
	n := HeaderSize + requestFixed + len(m.Stub)
	if m.Object != nil {
		n += 16
	}
	return n
}

// Append appends the encoded PDU to dst.
func (m *Request) Append(dst []byte) ([]byte, error) {
	size := m.Size()
	if err := checkFragSize("request", size); err != nil {
		return dst, err
	}
	flags := m.Flags &^ PFCObjectUUID
	if m.Object != nil {
		flags |= PFCObjectUUID
	}
	dst = appendHeader(dst, PacketRequest, flags, size, m.CallID)
	dst = le.AppendUint32(dst, m.AllocHint)
	dst = le.AppendUint16(dst, m.ContextID)
	dst = le.AppendUint16(dst, m.Opnum)
	if m.Object != nil {
		dst = appendUUID(dst, *m.Object)
	}
	return append(dst, m.Stub...), nil
}

// Decode decodes a whole request PDU. Stub is a copy.
func (m *Request) Decode(pdu []byte) error {
	const msg = "request"
	h, body, err := decodePDU(pdu, PacketRequest, requestFixed)
	if err != nil {
		return err
	}
	v := Request{
		CallID:    h.CallID,
		Flags:     h.Flags &^ PFCObjectUUID,
		AllocHint: le.Uint32(body),
		ContextID: le.Uint16(body[4:]),
		Opnum:     le.Uint16(body[6:]),
	}
	stub := body[requestFixed:]
	if h.Flags&PFCObjectUUID != 0 {
		if err := need(stub, msg, 16); err != nil {
			return err
		}
		u := decodeUUID(stub)
		v.Object = &u
		stub = stub[16:]
	}
	v.Stub = clone(stub)
	*m = v
	return nil
}

// SplitRequest encodes the call opnum with stub on presentation context
// contextID as request fragments of at most maxFrag bytes each (the
// bind_ack's MaxRecvFrag). Every fragment but the last carries a multiple
// of 8 stub bytes, so NDR alignment is the same in each fragment; each
// fragment's alloc_hint is the stub length that remains from it on. A stub
// that fits one fragment gives one PDU with PFCFirstLast.
func SplitRequest(callID uint32, contextID, opnum uint16, stub []byte, maxFrag int) ([][]byte, error) {
	const msg = "request"
	if maxFrag > maxFragLength {
		maxFrag = maxFragLength
	}
	per := (maxFrag - HeaderSize - requestFixed) &^ 7
	if per < 8 {
		return nil, errorf(msg, "max fragment size %d leaves no room for stub data", maxFrag)
	}
	if uint64(len(stub)) > 0xFFFFFFFF {
		return nil, errorf(msg, "%d-byte stub exceeds alloc_hint", len(stub))
	}
	n := max(1, (len(stub)+per-1)/per)
	frags := make([][]byte, 0, n)
	for i := 0; i < n; i++ {
		rest := stub[i*per:]
		chunk := rest[:min(per, len(rest))]
		r := Request{
			CallID:    callID,
			AllocHint: uint32(len(rest)),
			ContextID: contextID,
			Opnum:     opnum,
			Stub:      chunk,
		}
		if i == 0 {
			r.Flags |= PFCFirstFrag
		}
		if i == n-1 {
			r.Flags |= PFCLastFrag
		}
		b, err := r.Append(make([]byte, 0, r.Size()))
		if err != nil {
			return nil, err
		}
		frags = append(frags, b)
	}
	return frags, nil
}
