package dcerpc

// Response is one fragment of a response PDU (PTYPE 2). See [C706]
// 12.6.4.10. A reply longer than the server's fragment size arrives as
// several responses; Reassembler joins their stubs.
type Response struct {
	CallID      uint32
	Flags       PFCFlags
	AllocHint   uint32 // stub bytes of the reply from this fragment on; a hint only
	ContextID   uint16
	CancelCount uint8
	Stub        []byte
}

const responseFixed = 8 // alloc_hint, p_cont_id, cancel_count, reserved

// Size returns the encoded PDU size.
func (m *Response) Size() int { return HeaderSize + responseFixed + len(m.Stub) }

// Append appends the encoded PDU to dst.
func (m *Response) Append(dst []byte) ([]byte, error) {
	size := m.Size()
	if err := checkFragSize("response", size); err != nil {
		return dst, err
	}
	dst = appendHeader(dst, PacketResponse, m.Flags, size, m.CallID)
	dst = le.AppendUint32(dst, m.AllocHint)
	dst = le.AppendUint16(dst, m.ContextID)
	dst = append(dst, m.CancelCount, 0)
	return append(dst, m.Stub...), nil
}

// Decode decodes a whole response PDU. Stub is a copy.
func (m *Response) Decode(pdu []byte) error {
	h, body, err := decodePDU(pdu, PacketResponse, responseFixed)
	if err != nil {
		return err
	}
	*m = Response{
		CallID:      h.CallID,
		Flags:       h.Flags,
		AllocHint:   le.Uint32(body),
		ContextID:   le.Uint16(body[4:]),
		CancelCount: body[6],
		Stub:        clone(body[responseFixed:]),
	}
	return nil
}
