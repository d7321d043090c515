package smb2

// LockElement.Flags bits. See [MS-SMB2] 2.2.26.1.
const (
	LockFlagSharedLock      = 0x00000001 // SMB2_LOCKFLAG_SHARED_LOCK
	LockFlagExclusiveLock   = 0x00000002 // SMB2_LOCKFLAG_EXCLUSIVE_LOCK
	LockFlagUnlock          = 0x00000004 // SMB2_LOCKFLAG_UNLOCK
	LockFlagFailImmediately = 0x00000010 // SMB2_LOCKFLAG_FAIL_IMMEDIATELY
)

// LockElement is one byte range of a LOCK request. See [MS-SMB2] 2.2.26.1.
type LockElement struct {
	Offset uint64
	Length uint64
	Flags  uint32
}

// LockRequest is the SMB2 LOCK request. See [MS-SMB2] 2.2.26.
//
// LockSequenceNumber (4 bits) and LockSequenceIndex (28 bits) share one
// 32-bit field on the wire, number in the low bits.
type LockRequest struct {
	LockSequenceNumber uint8  // 0..15
	LockSequenceIndex  uint32 // 1..64 for resilient/persistent handles, else 0; 28 bits on the wire
	FileID             FileID
	Locks              []LockElement
}

const (
	lockRequestFixed = 24
	lockElementSize  = 24
)

// Size returns the encoded body size: 24 plus 24 per lock.
func (m *LockRequest) Size() int { return lockRequestFixed + lockElementSize*max(len(m.Locks), 1) }

// Append appends the encoded body to dst.
func (m *LockRequest) Append(dst []byte) ([]byte, error) {
	const msg = "LOCK request"
	// "LockCount ... MUST be greater than or equal to 1."
	if len(m.Locks) == 0 || !fitsU16(len(m.Locks)) {
		return dst, errorf(msg, "%d locks", len(m.Locks))
	}
	if m.LockSequenceNumber > 0xF || m.LockSequenceIndex > 0x0FFFFFFF {
		return dst, errorf(msg, "lock sequence %d/%d out of range", m.LockSequenceNumber, m.LockSequenceIndex)
	}
	dst = le.AppendUint16(dst, lockRequestFixed+lockElementSize)
	dst = le.AppendUint16(dst, uint16(len(m.Locks)))
	dst = le.AppendUint32(dst, m.LockSequenceIndex<<4|uint32(m.LockSequenceNumber))
	dst = m.FileID.Append(dst)
	for _, l := range m.Locks {
		dst = le.AppendUint64(dst, l.Offset)
		dst = le.AppendUint64(dst, l.Length)
		dst = le.AppendUint32(dst, l.Flags)
		dst = le.AppendUint32(dst, 0) // Reserved
	}
	return dst, nil
}

// Decode decodes the body that follows the header.
func (m *LockRequest) Decode(body []byte) error {
	const msg = "LOCK request"
	if err := fixed(body, msg, lockRequestFixed+lockElementSize, lockRequestFixed+lockElementSize); err != nil {
		return err
	}
	n := int(le.Uint16(body[2:]))
	if n == 0 {
		return errorf(msg, "LockCount 0")
	}
	if err := need(body, msg, lockRequestFixed+lockElementSize*n); err != nil {
		return err
	}
	seq := le.Uint32(body[4:])
	r := LockRequest{
		LockSequenceNumber: uint8(seq & 0xF),
		LockSequenceIndex:  seq >> 4,
		FileID:             decodeFileID(body[8:]),
		Locks:              make([]LockElement, n),
	}
	for i := range r.Locks {
		b := body[lockRequestFixed+lockElementSize*i:]
		r.Locks[i] = LockElement{Offset: le.Uint64(b), Length: le.Uint64(b[8:]), Flags: le.Uint32(b[16:])}
	}
	*m = r
	return nil
}

// LockResponse is the SMB2 LOCK response. See [MS-SMB2] 2.2.27.
type LockResponse struct{}

// Size returns 4.
func (m *LockResponse) Size() int { return 4 }

// Append appends the encoded body to dst.
func (m *LockResponse) Append(dst []byte) ([]byte, error) { return appendEmpty(dst), nil }

// Decode decodes the body that follows the header.
func (m *LockResponse) Decode(body []byte) error { return decodeEmpty(body, "LOCK response") }
