package smbcrypto

import (
	"crypto/aes"
	"crypto/cipher"
	"hash"
)

const blockSize = aes.BlockSize

// chunkSize is how many bytes the CBC chain hands to the CBC encrypter at a
// time, and so the size of its scratch output buffer. Chunks from 256 bytes
// to 32 KiB measured the same (CBC is bound by the latency of one AES block
// after another); 4 KiB keeps pooled scratch small. CCM also runs its CTR
// half chunk by chunk, so each chunk is still in cache for its second pass.
const chunkSize = 4 << 10

// cbcChain runs a block cipher in CBC mode over whole blocks and keeps only
// the last ciphertext block, the chaining value. It is the shared core of
// AES-CMAC and of the CBC-MAC in AES-CCM. The blocks go to crypto/cipher's CBC
// encrypter a chunk at a time, with its output thrown into scratch, so the
// per-block work runs in the standard library's AES code.
type cbcChain struct {
	b       cipher.Block
	mode    cipher.BlockMode // its IV is the chaining value between calls
	scratch []byte
	x       [blockSize]byte // the chaining value, kept for reading
}

func newCBCChain(b cipher.Block) *cbcChain {
	c := &cbcChain{b: b, scratch: make([]byte, chunkSize)}
	c.mode = cipher.NewCBCEncrypter(b, c.x[:])
	return c
}

// reset sets the chaining value back to the zero IV.
func (c *cbcChain) reset() {
	c.x = [blockSize]byte{}
	if m, ok := c.mode.(interface{ SetIV([]byte) }); ok {
		m.SetIV(c.x[:])
		return
	}
	c.mode = cipher.NewCBCEncrypter(c.b, c.x[:])
}

// blocks absorbs p, whose length must be a multiple of the block size.
func (c *cbcChain) blocks(p []byte) {
	for len(p) > 0 {
		n := min(len(p), len(c.scratch))
		c.mode.CryptBlocks(c.scratch[:n], p[:n])
		p = p[n:]
		if len(p) == 0 {
			copy(c.x[:], c.scratch[n-blockSize:n])
		}
	}
}

// cmac is AES-CMAC as specified in RFC 4493 (NIST SP 800-38B).
type cmac struct {
	chain  *cbcChain
	k1, k2 [blockSize]byte // subkeys, RFC 4493 section 2.3
	// buf holds the last 0..16 bytes written: the final block is treated
	// specially, so a full block stays here until more data arrives.
	buf [blockSize]byte
	n   int
	tmp [blockSize]byte // Sum's scratch, a field so that it does not escape
}

// NewCMAC returns a hash.Hash computing AES-CMAC (RFC 4493) with the given
// key. The key selects AES-128, AES-192 or AES-256 by its length; SMB uses
// AES-128. The result is the full 16-byte tag. Sum does not allocate when
// its argument has 16 bytes of spare capacity.
func NewCMAC(key []byte) (hash.Hash, error) {
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return newCMAC(b), nil
}

func newCMAC(b cipher.Block) *cmac {
	h := &cmac{chain: newCBCChain(b)}
	// RFC 4493 section 2.3: L = AES-128(K, const_Zero); K1 = L<<1 (xor
	// const_Rb if MSB(L) is set); K2 = K1<<1 likewise.
	var l [blockSize]byte
	b.Encrypt(l[:], l[:])
	dbl(&h.k1, &l)
	dbl(&h.k2, &h.k1)
	return h
}

// dbl sets dst to src doubled in GF(2^128), without branching on the
// secret value.
func dbl(dst, src *[blockSize]byte) {
	var carry byte
	for i := blockSize - 1; i >= 0; i-- {
		b := src[i]
		dst[i] = b<<1 | carry
		carry = b >> 7
	}
	dst[blockSize-1] ^= 0x87 & -carry // const_Rb
}

func (h *cmac) Size() int      { return blockSize }
func (h *cmac) BlockSize() int { return blockSize }

func (h *cmac) Reset() {
	h.chain.reset()
	h.n = 0
}

func (h *cmac) Write(p []byte) (int, error) {
	total := len(p)
	if h.n > 0 {
		k := copy(h.buf[h.n:], p)
		h.n += k
		p = p[k:]
		if len(p) == 0 {
			return total, nil // buf may be the last block: keep it
		}
		// More data follows, so the full buf is not the last block.
		h.chain.blocks(h.buf[:])
		h.n = 0
	}
	if len(p) > blockSize {
		// Everything but the last 1..16 bytes goes through in bulk.
		full := (len(p) - 1) &^ (blockSize - 1)
		h.chain.blocks(p[:full])
		p = p[full:]
	}
	h.n = copy(h.buf[:], p)
	return total, nil
}

// Sum appends the tag to in. It does not change the running state.
func (h *cmac) Sum(in []byte) []byte {
	// RFC 4493 section 2.4 steps 3-6.
	m := &h.tmp
	if h.n == blockSize {
		for i := range m {
			m[i] = h.buf[i] ^ h.k1[i]
		}
	} else {
		copy(m[:], h.buf[:h.n])
		m[h.n] = 0x80 // padding(): 10^i
		clear(m[h.n+1:])
		for i := range m {
			m[i] ^= h.k2[i]
		}
	}
	for i := range m {
		m[i] ^= h.chain.x[i]
	}
	h.chain.b.Encrypt(m[:], m[:])
	return append(in, m[:]...)
}
