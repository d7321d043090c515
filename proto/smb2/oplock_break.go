package smb2

// OplockBreak is the body shared by the SMB2 OPLOCK_BREAK notification
// (server to client, [MS-SMB2] 2.2.23.1), acknowledgment (client to server,
// 2.2.24.1) and response (2.2.25.1): StructureSize 24. Use StructureSize to
// tell it from the lease forms.
type OplockBreak struct {
	OplockLevel OplockLevel
	FileID      FileID
}

// Size returns 24.
func (m *OplockBreak) Size() int { return 24 }

// Append appends the encoded body to dst.
func (m *OplockBreak) Append(dst []byte) ([]byte, error) {
	dst = le.AppendUint16(dst, 24)
	dst = append(dst, byte(m.OplockLevel), 0)
	dst = le.AppendUint32(dst, 0) // Reserved2
	return m.FileID.Append(dst), nil
}

// Decode decodes the body that follows the header.
func (m *OplockBreak) Decode(body []byte) error {
	if err := fixed(body, "OPLOCK_BREAK", 24, 24); err != nil {
		return err
	}
	*m = OplockBreak{OplockLevel: OplockLevel(body[2]), FileID: decodeFileID(body[8:])}
	return nil
}

// LeaseBreakNotification.Flags bits. See [MS-SMB2] 2.2.23.2.
const (
	LeaseBreakFlagAckRequired = 0x00000001 // SMB2_NOTIFY_BREAK_LEASE_FLAG_ACK_REQUIRED
)

// LeaseBreakNotification is the SMB2 lease break notification, sent by the
// server with command OPLOCK_BREAK and StructureSize 44. See [MS-SMB2]
// 2.2.23.2.
type LeaseBreakNotification struct {
	NewEpoch          uint16
	Flags             uint32 // LeaseBreakFlagAckRequired
	LeaseKey          [16]byte
	CurrentLeaseState uint32
	NewLeaseState     uint32
	BreakReason       uint32 // reserved, 0
	AccessMaskHint    uint32 // reserved, 0
	ShareMaskHint     uint32 // reserved, 0
}

// Size returns 44.
func (m *LeaseBreakNotification) Size() int { return 44 }

// Append appends the encoded body to dst.
func (m *LeaseBreakNotification) Append(dst []byte) ([]byte, error) {
	dst = le.AppendUint16(dst, 44)
	dst = le.AppendUint16(dst, m.NewEpoch)
	dst = le.AppendUint32(dst, m.Flags)
	dst = append(dst, m.LeaseKey[:]...)
	dst = le.AppendUint32(dst, m.CurrentLeaseState)
	dst = le.AppendUint32(dst, m.NewLeaseState)
	dst = le.AppendUint32(dst, m.BreakReason)
	dst = le.AppendUint32(dst, m.AccessMaskHint)
	return le.AppendUint32(dst, m.ShareMaskHint), nil
}

// Decode decodes the body that follows the header.
func (m *LeaseBreakNotification) Decode(body []byte) error {
	if err := fixed(body, "lease break notification", 44, 44); err != nil {
		return err
	}
	*m = LeaseBreakNotification{
		NewEpoch:          le.Uint16(body[2:]),
		Flags:             le.Uint32(body[4:]),
		LeaseKey:          [16]byte(body[8:24]),
		CurrentLeaseState: le.Uint32(body[24:]),
		NewLeaseState:     le.Uint32(body[28:]),
		BreakReason:       le.Uint32(body[32:]),
		AccessMaskHint:    le.Uint32(body[36:]),
		ShareMaskHint:     le.Uint32(body[40:]),
	}
	return nil
}

// LeaseBreakAck is the body shared by the SMB2 lease break acknowledgment
// (client to server, [MS-SMB2] 2.2.24.2) and lease break response
// (2.2.25.2): StructureSize 36.
type LeaseBreakAck struct {
	Flags         uint32 // reserved, 0
	LeaseKey      [16]byte
	LeaseState    uint32
	LeaseDuration uint64 // reserved, 0
}

// Size returns 36.
func (m *LeaseBreakAck) Size() int { return 36 }

// Append appends the encoded body to dst.
func (m *LeaseBreakAck) Append(dst []byte) ([]byte, error) {
	dst = le.AppendUint16(dst, 36)
	dst = le.AppendUint16(dst, 0) // Reserved
	dst = le.AppendUint32(dst, m.Flags)
	dst = append(dst, m.LeaseKey[:]...)
	dst = le.AppendUint32(dst, m.LeaseState)
	return le.AppendUint64(dst, m.LeaseDuration), nil
}

// Decode decodes the body that follows the header.
func (m *LeaseBreakAck) Decode(body []byte) error {
	if err := fixed(body, "lease break acknowledgment", 36, 36); err != nil {
		return err
	}
	*m = LeaseBreakAck{
		Flags:         le.Uint32(body[4:]),
		LeaseKey:      [16]byte(body[8:24]),
		LeaseState:    le.Uint32(body[24:]),
		LeaseDuration: le.Uint64(body[28:]),
	}
	return nil
}
