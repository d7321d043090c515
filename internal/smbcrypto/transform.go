package smbcrypto

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"math"
	"strconv"
	"sync/atomic"
)

// Cipher identifies an SMB 3.x encryption algorithm, with the values of
// SMB2_ENCRYPTION_CAPABILITIES ([MS-SMB2] 2.2.3.1.2). Dialects 3.0 and 3.0.2
// always use AES128CCM.
type Cipher uint16

// Ciphers.
const (
	AES128CCM Cipher = 0x0001
	AES128GCM Cipher = 0x0002
	AES256CCM Cipher = 0x0003
	AES256GCM Cipher = 0x0004
)

// String returns the spec name of c, for example "AES-128-GCM".
func (c Cipher) String() string {
	switch c {
	case AES128CCM:
		return "AES-128-CCM"
	case AES128GCM:
		return "AES-128-GCM"
	case AES256CCM:
		return "AES-256-CCM"
	case AES256GCM:
		return "AES-256-GCM"
	}
	return "Cipher(" + strconv.Itoa(int(c)) + ")"
}

// KeySize returns the key size of c in bytes (16 or 32), which is also the
// cipherKeyLen to give DeriveKeys, or 0 for an unknown cipher.
func (c Cipher) KeySize() int {
	switch c {
	case AES128CCM, AES128GCM:
		return 16
	case AES256CCM, AES256GCM:
		return 32
	}
	return 0
}

func (c Cipher) isGCM() bool { return c == AES128GCM || c == AES256GCM }

// nonceSize is the number of Nonce bytes the cipher uses: 11 for
// AES_CCM_Nonce, 12 for AES_GCM_Nonce ([MS-SMB2] 2.2.41).
func (c Cipher) nonceSize() int {
	if c.isGCM() {
		return 12
	}
	return 11
}

// SMB2 TRANSFORM_HEADER layout ([MS-SMB2] 2.2.41).
const (
	// TransformHeaderSize is the size of the SMB2 TRANSFORM_HEADER, and so
	// the whole overhead of encryption: the tag is carried in the header.
	TransformHeaderSize = 52

	offTSignature = 4
	offTNonce     = 20
	offTSize      = 36 // OriginalMessageSize
	offTReserved  = 40
	offTFlags     = 42 // Flags/EncryptionAlgorithm
	offTSessionID = 44
	offTAAD       = offTNonce // AAD is Nonce through SessionId

	transformFlagEncrypted = 0x0001
	gcmTagSize             = 16
)

var transformProtocolID = [4]byte{0xFD, 'S', 'M', 'B'}

// aeadPair holds the two forms of the cipher. Exactly one is set.
type aeadPair struct {
	c   Cipher
	ccm *ccm        // AES-CCM, 11-byte nonce, 16-byte tag
	gcm cipher.AEAD // AES-GCM, 12-byte nonce, 16-byte tag
}

func newAEADPair(c Cipher, key []byte) (aeadPair, error) {
	if c.KeySize() == 0 {
		return aeadPair{}, errors.New("smbcrypto: unknown cipher " + c.String())
	}
	if len(key) != c.KeySize() {
		return aeadPair{}, errors.New("smbcrypto: " + c.String() + " key must be " + strconv.Itoa(c.KeySize()) + " bytes")
	}
	b, err := aes.NewCipher(key)
	if err != nil {
		return aeadPair{}, err
	}
	p := aeadPair{c: c}
	if c.isGCM() {
		p.gcm, err = cipher.NewGCM(b)
	} else {
		p.ccm, err = newCCM(b, 11, 16)
	}
	return p, err
}

// Encryptor encrypts SMB2 messages under one key: Session.EncryptionKey on
// a client ([MS-SMB2] 3.1.4.3). It is safe for concurrent use.
//
// Nonces. The Nonce field of each frame is an 8-byte little-endian counter
// followed by a random salt that fills the rest of the cipher's nonce (3
// bytes for CCM, 4 for GCM); the remaining Nonce bytes are zero. The counter
// starts at a random 64-bit value and advances with one atomic add per Seal,
// so within one Encryptor no nonce repeats for 2^63 messages, after which
// Seal fails with ErrNonceExhausted. The random start and salt keep two
// Encryptors with the same key (say, one per channel of a multichannel
// session, which share Session.EncryptionKey) from colliding except with
// negligible probability, but the intended use is one Encryptor per session
// key, shared by its channels.
type Encryptor struct {
	aeadPair
	salt  [4]byte
	start uint64
	count atomic.Uint64
}

// NewEncryptor returns an Encryptor for cipher c and key, which must be 16
// bytes for the AES-128 ciphers and 32 bytes for the AES-256 ones.
func NewEncryptor(c Cipher, key []byte) (*Encryptor, error) {
	p, err := newAEADPair(c, key)
	if err != nil {
		return nil, err
	}
	e := &Encryptor{aeadPair: p}
	var r [12]byte
	rand.Read(r[:])
	copy(e.salt[:], r[:4])
	e.start = binary.LittleEndian.Uint64(r[4:])
	return e, nil
}

// Cipher returns the cipher of e.
func (e *Encryptor) Cipher() Cipher { return e.c }

// Overhead returns how many bytes Seal adds to a message:
// TransformHeaderSize.
func (e *Encryptor) Overhead() int { return TransformHeaderSize }

// Seal appends to dst the encrypted form of msg: an SMB2 TRANSFORM_HEADER
// for sessionID followed by the ciphertext of msg. msg is one SMB2 message
// or a whole compound chain, possibly compressed first ([MS-SMB2] 3.1.4.3).
//
// To encrypt in place, build msg at buf[TransformHeaderSize:] and pass
// buf[:0] as dst; otherwise msg must not overlap dst's spare capacity. For
// the GCM ciphers Seal also uses the 16 bytes of dst's spare capacity just
// past the frame as scratch for the tag; when they are not there it
// allocates. So give in-place buffers len(msg)+TransformHeaderSize+16 bytes
// of capacity.
func (e *Encryptor) Seal(dst []byte, sessionID uint64, msg []byte) ([]byte, error) {
	if uint64(len(msg)) > math.MaxUint32 {
		return nil, ErrMessageTooLarge
	}
	c := e.count.Add(1) - 1
	if c >= 1<<63 {
		return nil, ErrNonceExhausted
	}
	var nonce [16]byte
	binary.LittleEndian.PutUint64(nonce[:8], e.start+c)
	copy(nonce[8:e.c.nonceSize()], e.salt[:])
	return e.seal(dst, sessionID, msg, &nonce)
}

// seal is Seal with the Nonce field given: tests feed it the published
// vectors' nonces.
func (e *Encryptor) seal(dst []byte, sessionID uint64, msg []byte, nonce *[16]byte) ([]byte, error) {
	n := len(msg)
	extra := 0
	if e.gcm != nil {
		extra = gcmTagSize
	}
	ret, frame := sliceForAppend(dst, TransformHeaderSize+n, extra)
	hdr, body := frame[:TransformHeaderSize], frame[TransformHeaderSize:]
	if anyOverlap(hdr, msg) || inexactOverlap(body, msg) ||
		(extra > 0 && anyOverlap(frame[len(frame):len(frame)+extra], msg)) {
		return nil, ErrOverlap
	}

	copy(hdr[0:4], transformProtocolID[:])
	copy(hdr[offTNonce:offTNonce+16], nonce[:])
	binary.LittleEndian.PutUint32(hdr[offTSize:], uint32(n))
	binary.LittleEndian.PutUint16(hdr[offTReserved:], 0)
	binary.LittleEndian.PutUint16(hdr[offTFlags:], transformFlagEncrypted)
	binary.LittleEndian.PutUint64(hdr[offTSessionID:], sessionID)
	// 3.1.4.3: the AAD is the header without ProtocolId and Signature.
	aad := hdr[offTAAD:TransformHeaderSize]
	ns := e.c.nonceSize()
	if e.ccm != nil {
		e.ccm.sealDetached(body, hdr[offTSignature:offTNonce], hdr[offTNonce:offTNonce+ns], msg, aad)
		return ret, nil
	}
	// crypto/cipher's GCM appends the tag; it lands in the spare 16 bytes
	// and moves to the Signature field.
	sealed := e.gcm.Seal(body[:0], hdr[offTNonce:offTNonce+ns], msg, aad)
	copy(hdr[offTSignature:offTNonce], sealed[n:])
	return ret, nil
}

// Decryptor decrypts SMB2 messages under one key: Session.DecryptionKey on
// a client ([MS-SMB2] 3.2.5.1.1.1). It is safe for concurrent use.
type Decryptor struct {
	aeadPair
}

// NewDecryptor returns a Decryptor for cipher c and key, which must be 16
// bytes for the AES-128 ciphers and 32 bytes for the AES-256 ones.
func NewDecryptor(c Cipher, key []byte) (*Decryptor, error) {
	p, err := newAEADPair(c, key)
	if err != nil {
		return nil, err
	}
	return &Decryptor{aeadPair: p}, nil
}

// Cipher returns the cipher of d.
func (d *Decryptor) Cipher() Cipher { return d.c }

// TransformSessionID returns the SessionId of an encrypted frame without
// decrypting it, so that the receiver can pick the session's Decryptor.
func TransformSessionID(frame []byte) (uint64, error) {
	if len(frame) < TransformHeaderSize {
		return 0, &TransformError{Field: "length", Reason: "frame shorter than the 52-byte header"}
	}
	if [4]byte(frame[0:4]) != transformProtocolID {
		return 0, &TransformError{Field: "ProtocolId", Reason: "not 0xFD 'S' 'M' 'B'"}
	}
	return binary.LittleEndian.Uint64(frame[offTSessionID:]), nil
}

// checkTransform validates the header of frame and returns its SessionId.
func checkTransform(frame []byte) (uint64, error) {
	id, err := TransformSessionID(frame)
	if err != nil {
		return 0, err
	}
	// 3.2.5.1.1.1: "If the size of the message received from the server is
	// not greater than the size of SMB2 TRANSFORM_HEADER ... the client
	// MUST disconnect".
	if len(frame) == TransformHeaderSize {
		return 0, &TransformError{Field: "length", Reason: "no encrypted message after the header"}
	}
	// 3.2.5.1.1.1: "If the Flags/EncryptionAlgorithm in the SMB2
	// TRANSFORM_HEADER is not 0x0001, the client MUST disconnect".
	if f := binary.LittleEndian.Uint16(frame[offTFlags:]); f != transformFlagEncrypted {
		return 0, &TransformError{Field: "Flags", Reason: "0x" + strconv.FormatUint(uint64(f), 16) + ", want 0x1"}
	}
	// OriginalMessageSize is the size of the message that was encrypted,
	// so it must be all of what follows the header.
	if size := binary.LittleEndian.Uint32(frame[offTSize:]); uint64(size) != uint64(len(frame)-TransformHeaderSize) {
		return 0, &TransformError{Field: "OriginalMessageSize",
			Reason: strconv.FormatUint(uint64(size), 10) + ", but " + strconv.Itoa(len(frame)-TransformHeaderSize) + " bytes follow the header"}
	}
	return id, nil
}

// Open checks and decrypts frame, one SMB2 TRANSFORM_HEADER followed by the
// encrypted message, and appends the plaintext to dst. It returns the
// plaintext (dst extended), the header's SessionId, and ErrDecrypt if the
// frame fails authentication or a *TransformError (wrapping
// ErrMalformedTransform) if its header is malformed. It never panics on
// hostile input, and on failure releases no plaintext.
//
// To decrypt in place, pass frame[TransformHeaderSize:TransformHeaderSize]
// as dst (or frame[:TransformHeaderSize], to get the header back in front of
// the plaintext): the plaintext replaces the ciphertext and the header is
// left as it was. Otherwise dst's spare capacity must not overlap
// frame. For the GCM ciphers, whose standard-library implementation wants
// the tag after the ciphertext, Open copies the ciphertext once (into the
// output, then decrypts there in place) and uses the 16 bytes of dst's spare
// capacity past the plaintext as scratch; in place it shifts the ciphertext
// within frame instead and never writes beyond len(frame). The CCM ciphers
// decrypt straight into the output.
func (d *Decryptor) Open(dst, frame []byte) (plain []byte, sessionID uint64, err error) {
	sessionID, err = checkTransform(frame)
	if err != nil {
		return nil, 0, err
	}
	hdr, body := frame[:TransformHeaderSize], frame[TransformHeaderSize:]
	n := len(body)
	ns := d.c.nonceSize()
	nonce := hdr[offTNonce : offTNonce+ns]
	aad := hdr[offTAAD:TransformHeaderSize]
	tag := hdr[offTSignature:offTNonce]

	total := len(dst) + n
	inPlace := cap(dst) >= total && anyOverlap(dst[len(dst):total], frame)
	if inPlace && &dst[len(dst):total][0] != &body[0] {
		return nil, 0, ErrOverlap
	}

	if d.ccm != nil {
		ret, out := sliceForAppend(dst, n, 0)
		if err := d.ccm.openDetached(out, nonce, body, tag, aad); err != nil {
			return nil, 0, err
		}
		return ret, sessionID, nil
	}

	if inPlace {
		// Make ciphertext||tag contiguous inside frame by moving the
		// ciphertext 16 bytes down over the header, open it there, and move
		// the plaintext back to where the caller wants it.
		var saved [TransformHeaderSize]byte
		copy(saved[:], hdr)
		region := frame[offTSize : TransformHeaderSize+n] // n+16 bytes
		copy(region, body)
		copy(region[n:], saved[offTSignature:offTNonce])
		_, err := d.gcm.Open(region[:0], saved[offTNonce:offTNonce+ns], region, saved[offTAAD:])
		if err == nil {
			copy(body, region[:n])
		} else {
			clear(body) // crypto/cipher cleared region[:n]; clear the rest
		}
		copy(hdr, saved[:]) // dst may include the header: put it back
		if err != nil {
			return nil, 0, ErrDecrypt
		}
		return dst[:total], sessionID, nil
	}

	ret, out := sliceForAppend(dst, n, gcmTagSize)
	buf := out[:n+gcmTagSize]
	if anyOverlap(buf, frame) {
		// The scratch bytes past the plaintext run into frame.
		ret, out = sliceForAppend(dst[:len(dst):len(dst)], n, gcmTagSize)
		buf = out[:n+gcmTagSize]
	}
	copy(buf, body)
	copy(buf[n:], tag)
	if _, err := d.gcm.Open(buf[:0], nonce, buf, aad); err != nil {
		return nil, 0, ErrDecrypt
	}
	return ret, sessionID, nil
}
