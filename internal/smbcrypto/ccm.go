package smbcrypto

import (
	"crypto/cipher"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"sync"
)

// ccm is AES-CCM as specified in NIST SP 800-38C (the same construction as
// RFC 3610). It implements cipher.AEAD, and also offers detached-tag sealing
// and opening for the SMB2 TRANSFORM_HEADER, which carries the tag in front
// of the ciphertext.
type ccm struct {
	b         cipher.Block
	nonceSize int       // n, 7..13
	tagSize   int       // t, 4..16 and even
	states    sync.Pool // *ccmState
}

// ccmState is the per-call scratch state: a CBC-MAC and the blocks it is
// fed. Every array lives here, so that nothing escapes to the heap per call.
type ccmState struct {
	chain *cbcChain
	buf   [blockSize]byte // partial block not yet absorbed
	n     int
	b0    [blockSize]byte // B0, then the AAD length encoding
	ctr   [blockSize]byte // Ctr0, then Ctr1
	s0    [blockSize]byte // S0 = CIPH_K(Ctr0)
	tag   [blockSize]byte
}

// NewCCM returns AES-CCM over the 128-bit block cipher b as a cipher.AEAD,
// with the given nonce size (7 to 13 bytes) and tag size (4, 6, 8, 10, 12, 14
// or 16 bytes), per NIST SP 800-38C section A.1. SMB uses an 11-byte nonce and
// a 16-byte tag. The result is safe for concurrent use. Open compares tags in
// constant time and, on failure, zeroes whatever it had written to dst.
func NewCCM(b cipher.Block, nonceSize, tagSize int) (cipher.AEAD, error) {
	return newCCM(b, nonceSize, tagSize)
}

func newCCM(b cipher.Block, nonceSize, tagSize int) (*ccm, error) {
	if b.BlockSize() != blockSize {
		return nil, errors.New("smbcrypto: CCM needs a 128-bit block cipher")
	}
	if nonceSize < 7 || nonceSize > 13 {
		return nil, errors.New("smbcrypto: CCM nonce size must be 7 to 13 bytes")
	}
	if tagSize < 4 || tagSize > 16 || tagSize%2 != 0 {
		return nil, errors.New("smbcrypto: CCM tag size must be 4, 6, 8, 10, 12, 14 or 16 bytes")
	}
	c := &ccm{b: b, nonceSize: nonceSize, tagSize: tagSize}
	c.states.New = func() any { return &ccmState{chain: newCBCChain(b)} }
	return c, nil
}

func (c *ccm) NonceSize() int { return c.nonceSize }
func (c *ccm) Overhead() int  { return c.tagSize }

// maxLen is the largest payload the q = 15-n byte length field can encode.
func (c *ccm) maxLen() uint64 {
	q := 15 - c.nonceSize
	if q >= 8 {
		return 1<<63 - 1 // more than any slice can hold
	}
	return 1<<(8*q) - 1
}

func (c *ccm) Seal(dst, nonce, plaintext, additionalData []byte) []byte {
	if len(nonce) != c.nonceSize {
		panic("smbcrypto: incorrect nonce length given to CCM")
	}
	if uint64(len(plaintext)) > c.maxLen() {
		panic("smbcrypto: message too large for CCM")
	}
	ret, out := sliceForAppend(dst, len(plaintext)+c.tagSize, 0)
	if inexactOverlap(out, plaintext) {
		panic("smbcrypto: invalid buffer overlap")
	}
	n := len(plaintext)
	c.sealDetached(out[:n], out[n:], nonce, plaintext, additionalData)
	return ret
}

func (c *ccm) Open(dst, nonce, ciphertext, additionalData []byte) ([]byte, error) {
	if len(nonce) != c.nonceSize {
		panic("smbcrypto: incorrect nonce length given to CCM")
	}
	if len(ciphertext) < c.tagSize || uint64(len(ciphertext)-c.tagSize) > c.maxLen() {
		return nil, ErrDecrypt
	}
	n := len(ciphertext) - c.tagSize
	ret, out := sliceForAppend(dst, n, 0)
	if inexactOverlap(out, ciphertext) {
		panic("smbcrypto: invalid buffer overlap")
	}
	if err := c.openDetached(out, nonce, ciphertext[:n], ciphertext[n:], additionalData); err != nil {
		return nil, err
	}
	return ret, nil
}

// start readies s for one message: it absorbs B0 and the formatted
// associated data into the CBC-MAC and computes Ctr0, S0 and Ctr1.
// NIST SP 800-38C section A.2.
func (c *ccm) start(s *ccmState, nonce []byte, plen int, aad []byte) {
	q := 15 - c.nonceSize
	s.chain.reset()
	s.n = 0

	// A.2.1: Flags = Reserved(0) | Adata | [(t-2)/2]_3 | [q-1]_3, then N, then Q.
	b0 := &s.b0
	b0[0] = byte((c.tagSize-2)/2)<<3 | byte(q-1)
	if len(aad) > 0 {
		b0[0] |= 0x40
	}
	copy(b0[1:], nonce)
	putLength(b0[1+c.nonceSize:], uint64(plen))
	s.chain.blocks(b0[:])

	// A.2.2: the length of A in 2, 6 or 10 octets, then A, zero-padded.
	if a := uint64(len(aad)); a > 0 {
		var k int
		switch {
		case a < 1<<16-1<<8:
			binary.BigEndian.PutUint16(b0[:], uint16(a))
			k = 2
		case a < 1<<32:
			b0[0], b0[1] = 0xff, 0xfe
			binary.BigEndian.PutUint32(b0[2:], uint32(a))
			k = 6
		default:
			b0[0], b0[1] = 0xff, 0xff
			binary.BigEndian.PutUint64(b0[2:], a)
			k = 10
		}
		s.write(b0[:k])
		s.write(aad)
		s.pad()
	}

	// A.3: Ctr_i = Flags(q-1) | N | [i]_8q.
	clear(s.ctr[:])
	s.ctr[0] = byte(q - 1)
	copy(s.ctr[1:], nonce)
	c.b.Encrypt(s.s0[:], s.ctr[:])
	s.ctr[blockSize-1] = 1
}

// putLength writes v big-endian into all of b.
func putLength(b []byte, v uint64) {
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = byte(v)
		v >>= 8
	}
}

// write absorbs p into the CBC-MAC, buffering a trailing partial block.
func (s *ccmState) write(p []byte) {
	if s.n > 0 {
		k := copy(s.buf[s.n:], p)
		s.n += k
		p = p[k:]
		if s.n < blockSize {
			return
		}
		s.chain.blocks(s.buf[:])
		s.n = 0
	}
	if full := len(p) &^ (blockSize - 1); full > 0 {
		s.chain.blocks(p[:full])
		p = p[full:]
	}
	s.n = copy(s.buf[:], p)
}

// pad zero-pads and absorbs a buffered partial block.
func (s *ccmState) pad() {
	if s.n > 0 {
		clear(s.buf[s.n:])
		s.chain.blocks(s.buf[:])
		s.n = 0
	}
}

// sealDetached encrypts plaintext into out, which has the same length and is
// either disjoint from plaintext or exactly plaintext, and writes the
// c.tagSize-byte tag into tag. The CBC-MAC and the CTR encryption run
// chunk by chunk, each chunk MACed before it is overwritten.
func (c *ccm) sealDetached(out, tag, nonce, plaintext, aad []byte) {
	s := c.states.Get().(*ccmState)
	defer c.states.Put(s)
	c.start(s, nonce, len(plaintext), aad)
	if len(plaintext) > 0 {
		ctr := cipher.NewCTR(c.b, s.ctr[:])
		for len(plaintext) > 0 {
			k := min(len(plaintext), chunkSize)
			s.write(plaintext[:k])
			ctr.XORKeyStream(out[:k], plaintext[:k])
			plaintext, out = plaintext[k:], out[k:]
		}
		s.pad()
	}
	// Steps 6-8 of 6.1: T = MSB_t(Y_r); C = ... || (T xor MSB_t(S0)).
	subtle.XORBytes(tag[:c.tagSize], s.chain.x[:c.tagSize], s.s0[:c.tagSize])
}

// openDetached decrypts ciphertext into out (disjoint or exactly the same
// memory) and checks tag. On failure it zeroes out and returns ErrDecrypt.
func (c *ccm) openDetached(out, nonce, ciphertext, tag, aad []byte) error {
	s := c.states.Get().(*ccmState)
	defer c.states.Put(s)
	copy(s.tag[:], tag) // before out is written, in case they share memory
	c.start(s, nonce, len(ciphertext), aad)
	if len(ciphertext) > 0 {
		ctr := cipher.NewCTR(c.b, s.ctr[:])
		o := out
		for len(ciphertext) > 0 {
			k := min(len(ciphertext), chunkSize)
			ctr.XORKeyStream(o[:k], ciphertext[:k])
			s.write(o[:k])
			ciphertext, o = ciphertext[k:], o[k:]
		}
		s.pad()
	}
	// 6.2 steps 9-10: compare in constant time.
	subtle.XORBytes(s.buf[:], s.chain.x[:], s.s0[:])
	ok := subtle.ConstantTimeCompare(s.buf[:c.tagSize], s.tag[:c.tagSize]) == 1
	clear(s.buf[:])
	if !ok {
		clear(out)
		return ErrDecrypt
	}
	return nil
}
