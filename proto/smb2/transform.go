package smb2

// TransformHeaderSize is the size of the SMB2 TRANSFORM_HEADER.
const TransformHeaderSize = 52

// TransformFlagEncrypted is the Flags (3.1.1) / EncryptionAlgorithm (3.0)
// value of an encrypted message: SMB2_ENCRYPTION_AES128_CCM in 3.0, which
// 3.1.1 renames Encrypted. See [MS-SMB2] 2.2.41.
const TransformFlagEncrypted = 0x0001

// TransformHeader is the SMB2 TRANSFORM_HEADER that precedes an encrypted
// message. See [MS-SMB2] 2.2.41.
//
//	0  ProtocolId 0xFD 'S' 'M' 'B'
//	4  Signature[16]       AEAD tag
//	20 Nonce[16]           11 bytes used for CCM, 12 for GCM; rest zero
//	36 OriginalMessageSize
//	40 Reserved
//	42 Flags               TransformFlagEncrypted
//	44 SessionId
//
// Bytes 20 to 52 are the associated data the AEAD authenticates.
type TransformHeader struct {
	Signature           [16]byte
	Nonce               [16]byte
	OriginalMessageSize uint32
	Flags               uint16 // EncryptionAlgorithm in 3.0
	SessionID           uint64
}

// Size returns TransformHeaderSize.
func (t *TransformHeader) Size() int { return TransformHeaderSize }

// Put encodes the header into b[:TransformHeaderSize]. It panics if b is
// short, like the encoding/binary Put functions.
func (t *TransformHeader) Put(b []byte) {
	_ = b[TransformHeaderSize-1]
	copy(b[0:4], TransformProtocolID[:])
	copy(b[4:20], t.Signature[:])
	t.putAAD(b[20:52])
}

func (t *TransformHeader) putAAD(b []byte) {
	copy(b[0:16], t.Nonce[:])
	le.PutUint32(b[16:], t.OriginalMessageSize)
	le.PutUint16(b[20:], 0) // Reserved
	le.PutUint16(b[22:], t.Flags)
	le.PutUint64(b[24:], t.SessionID)
}

// Append appends the encoded 52-byte header to dst.
func (t *TransformHeader) Append(dst []byte) []byte {
	var b [TransformHeaderSize]byte
	t.Put(b[:])
	return append(dst, b[:]...)
}

// AAD returns bytes 20 to 52 of the encoded header (Nonce through
// SessionId), the additional authenticated data of the AEAD.
func (t *TransformHeader) AAD() []byte { return t.AppendAAD(make([]byte, 0, 32)) }

// AppendAAD appends the 32 bytes AAD returns to dst.
func (t *TransformHeader) AppendAAD(dst []byte) []byte {
	var b [32]byte
	t.putAAD(b[:])
	return append(dst, b[:]...)
}

// Decode decodes the header from the first TransformHeaderSize bytes of src.
func (t *TransformHeader) Decode(src []byte) error {
	const msg = "transform header"
	if err := need(src, msg, TransformHeaderSize); err != nil {
		return err
	}
	if [4]byte(src[0:4]) != TransformProtocolID {
		return errorf(msg, "bad protocol id % x", src[0:4])
	}
	*t = TransformHeader{
		Signature:           [16]byte(src[4:20]),
		Nonce:               [16]byte(src[20:36]),
		OriginalMessageSize: le.Uint32(src[36:]),
		Flags:               le.Uint16(src[42:]),
		SessionID:           le.Uint64(src[44:]),
	}
	return nil
}
