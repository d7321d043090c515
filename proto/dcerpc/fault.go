package dcerpc

// FaultFlagExtendedErrorPresent is set in Fault.FaultFlags when the stub
// carries extended error information. See [MS-RPCE] 2.2.2.11.
const FaultFlagExtendedErrorPresent = 0x01

// Fault is the fault PDU (PTYPE 3): the server failed the call with Status.
// See [C706] 12.6.4.7 and [MS-RPCE] 2.2.2.11.
type Fault struct {
	CallID      uint32
	Flags       PFCFlags // PFCDidNotExecute when the call was not run
	AllocHint   uint32
	ContextID   uint16
	CancelCount uint8
	FaultFlags  uint8  // the reserved octet; [MS-RPCE] FaultFlagExtendedErrorPresent
	Status      uint32 // nca_s status or Win32 error, see FaultError
	Stub        []byte // extended error information, usually empty
}

const faultFixed = 16 // alloc_hint, p_cont_id, cancel_count, flags, status, reserved

// Size returns the encoded PDU size.
func (m *Fault) Size() int { return HeaderSize + faultFixed + len(m.Stub) }

// Append appends the encoded PDU to dst.
func (m *Fault) Append(dst []byte) ([]byte, error) {
	size := m.Size()
	if err := checkFragSize("fault", size); err != nil {
		return dst, err
	}
	dst = appendHeader(dst, PacketFault, m.Flags, size, m.CallID)
	dst = le.AppendUint32(dst, m.AllocHint)
	dst = le.AppendUint16(dst, m.ContextID)
	dst = append(dst, m.CancelCount, m.FaultFlags)
	dst = le.AppendUint32(dst, m.Status)
	dst = le.AppendUint32(dst, 0)
	return append(dst, m.Stub...), nil
}

// Decode decodes a whole fault PDU. Stub is a copy.
func (m *Fault) Decode(pdu []byte) error {
	h, body, err := decodePDU(pdu, PacketFault, faultFixed)
	if err != nil {
		return err
	}
	*m = Fault{
		CallID:      h.CallID,
		Flags:       h.Flags,
		AllocHint:   le.Uint32(body),
		ContextID:   le.Uint16(body[4:]),
		CancelCount: body[6],
		FaultFlags:  body[7],
		Status:      le.Uint32(body[8:]),
		Stub:        clone(body[faultFixed:]),
	}
	return nil
}

// Err returns the fault as a *FaultError.
func (m *Fault) Err() error { return &FaultError{Status: m.Status} }
