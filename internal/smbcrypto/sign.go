package smbcrypto

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"hash"
	"strconv"
	"sync"
)

// SigningAlgorithm identifies a message signing algorithm. The values are
// those of SMB2_SIGNING_CAPABILITIES ([MS-SMB2] 2.2.3.1.7); HMACSHA256 is
// what dialects 2.0.2 and 2.1 use, AESCMAC what 3.x uses when no signing
// capability was negotiated.
type SigningAlgorithm uint16

// Signing algorithms.
const (
	HMACSHA256 SigningAlgorithm = 0x0000
	AESCMAC    SigningAlgorithm = 0x0001
	AESGMAC    SigningAlgorithm = 0x0002
)

// String returns the spec name of a, for example "AES-CMAC".
func (a SigningAlgorithm) String() string {
	switch a {
	case HMACSHA256:
		return "HMAC-SHA256"
	case AESCMAC:
		return "AES-CMAC"
	case AESGMAC:
		return "AES-GMAC"
	}
	return "SigningAlgorithm(" + strconv.Itoa(int(a)) + ")"
}

// Offsets into the SMB2 header ([MS-SMB2] 2.2.1).
const (
	headerSize      = 64
	offCommand      = 12
	offFlags        = 16
	offMessageID    = 24
	offSignature    = 48
	signatureSize   = 16
	flagServerToRed = 0x00000001 // SMB2_FLAGS_SERVER_TO_REDIR
	commandCancel   = 0x000C
)

var zeroSignature [signatureSize]byte

// Signer signs and verifies SMB2 messages with one key and algorithm
// ([MS-SMB2] 3.1.4.1, 3.1.5.1). It is safe for concurrent use: each call
// takes its hash state from a pool. Use it through a pointer.
type Signer struct {
	alg  SigningAlgorithm
	pool sync.Pool // *signState
	gcm  cipher.AEAD
}

// signState is one call's scratch state. Every buffer handed to an
// interface method lives here, so that signing does not allocate.
type signState struct {
	h     hash.Hash // HMAC-SHA256 or AES-CMAC; nil for AES-GMAC
	sum   [sha256.Size]byte
	nonce [12]byte
	saved [signatureSize]byte
}

// NewSigner returns a Signer for the given algorithm and key. AES-CMAC and
// AES-GMAC take a 16-byte key (the 128-bit Session.SigningKey or
// Channel.SigningKey); HMAC-SHA256 takes Session.SessionKey.
func NewSigner(alg SigningAlgorithm, key []byte) (*Signer, error) {
	s := &Signer{alg: alg}
	switch alg {
	case HMACSHA256:
		if len(key) == 0 {
			return nil, errors.New("smbcrypto: empty HMAC-SHA256 signing key")
		}
		k := append([]byte(nil), key...)
		s.pool.New = func() any { return &signState{h: hmac.New(sha256.New, k)} }
	case AESCMAC, AESGMAC:
		if len(key) != 16 {
			return nil, errors.New("smbcrypto: " + alg.String() + " signing key must be 16 bytes")
		}
		b, err := aes.NewCipher(key)
		if err != nil {
			return nil, err
		}
		if alg == AESCMAC {
			s.pool.New = func() any { return &signState{h: newCMAC(b)} }
			break
		}
		if s.gcm, err = cipher.NewGCM(b); err != nil {
			return nil, err
		}
		s.pool.New = func() any { return new(signState) }
	default:
		return nil, errors.New("smbcrypto: unknown signing algorithm " + alg.String())
	}
	return s, nil
}

// Algorithm returns the signing algorithm of s.
func (s *Signer) Algorithm() SigningAlgorithm { return s.alg }

// Sign signs msg, one SMB2 message (64-byte header and body, with any
// padding that follows it in a compound chain) as it goes on the wire: it
// zeroes the Signature field, computes the signature over the whole message
// and writes it into the field. It does not set SMB2_FLAGS_SIGNED; the
// caller sets the flag before signing, since the flag is signed too.
func (s *Signer) Sign(msg []byte) error {
	if len(msg) < headerSize {
		return ErrShortMessage
	}
	// 3.1.4.1: "The sender MUST zero out the 16-byte signature field".
	clear(msg[offSignature : offSignature+signatureSize])
	st := s.pool.Get().(*signState)
	defer s.pool.Put(st)
	copy(msg[offSignature:], s.compute(st, msg))
	return nil
}

// Verify checks the signature of msg in constant time and returns
// ErrBadSignature if it does not match ([MS-SMB2] 3.1.5.1).
//
// For HMAC-SHA256 and AES-CMAC Verify only reads msg: it hashes the header
// with zeros in place of the Signature field. AES-GMAC needs the message as
// one contiguous additional-data buffer, so for it Verify zeroes the field,
// computes, and puts the received signature back before it returns; msg
// must therefore not be read by another goroutine during an AES-GMAC Verify.
func (s *Signer) Verify(msg []byte) error {
	if len(msg) < headerSize {
		return ErrShortMessage
	}
	st := s.pool.Get().(*signState)
	defer s.pool.Put(st)
	sig := msg[offSignature : offSignature+signatureSize]
	copy(st.saved[:], sig)
	var want []byte
	if s.alg == AESGMAC {
		clear(sig)
		want = s.compute(st, msg)
		copy(sig, st.saved[:])
	} else {
		want = s.compute(st, msg)
	}
	if subtle.ConstantTimeCompare(want, st.saved[:]) != 1 {
		return ErrBadSignature
	}
	return nil
}

// compute returns the 16-byte signature of msg as if its Signature field
// were zero, in st.sum. For AES-GMAC the field must already be zero.
func (s *Signer) compute(st *signState, msg []byte) []byte {
	if s.alg == AESGMAC {
		// 3.1.4.1: the 12-byte nonce is MessageId, then 4 bytes whose
		// least significant bit is 1 if the sender is the server and whose
		// next bit is 1 for an SMB2 CANCEL request.
		copy(st.nonce[:8], msg[offMessageID:offMessageID+8])
		flags := binary.LittleEndian.Uint32(msg[offFlags:])
		var role uint32
		if flags&flagServerToRed != 0 {
			role |= 1
		} else if binary.LittleEndian.Uint16(msg[offCommand:]) == commandCancel {
			role |= 2
		}
		binary.LittleEndian.PutUint32(st.nonce[8:], role)
		return s.gcm.Seal(st.sum[:0], st.nonce[:], nil, msg)
	}
	// HMAC-SHA256 (truncated to 16 bytes, 3.1.4.1) or AES-CMAC.
	st.h.Reset()
	st.h.Write(msg[:offSignature])
	st.h.Write(zeroSignature[:])
	st.h.Write(msg[offSignature+signatureSize:])
	return st.h.Sum(st.sum[:0])[:signatureSize]
}
