package auth

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/rc4"
	"crypto/subtle"
	"encoding/binary"
	"fmt"
)

// sessionSecurity holds the NTLM session security state of [MS-NLMP]
// 3.4: per-direction signing keys, RC4 sealing handles and sequence
// numbers. Only the extended-session-security form is implemented.
type sessionSecurity struct {
	keyExch bool // NTLMSSP_NEGOTIATE_KEY_EXCH: checksums are RC4-sealed

	clientSignKey, serverSignKey []byte
	clientSeal, serverSeal       *rc4.Cipher // connection-oriented: one stream per direction
	clientSeq, serverSeq         uint32
}

func newSessionSecurity(flags NegotiateFlags, exportedSessionKey []byte) *sessionSecurity {
	s := &sessionSecurity{
		keyExch:       flags&FlagKeyExch != 0,
		clientSignKey: signKey(exportedSessionKey, clientSignMagic),
		serverSignKey: signKey(exportedSessionKey, serverSignMagic),
	}
	var err error
	if s.clientSeal, err = rc4.NewCipher(sealKey(flags, exportedSessionKey, clientSealMagic)); err != nil {
		panic("auth: rc4: " + err.Error()) // MD5 output is always 16 bytes
	}
	if s.serverSeal, err = rc4.NewCipher(sealKey(flags, exportedSessionKey, serverSealMagic)); err != nil {
		panic("auth: rc4: " + err.Error())
	}
	return s
}

// signature computes the NTLMSSP_MESSAGE_SIGNATURE of [MS-NLMP] 2.2.2.9.1
// as MAC() with extended session security does ([MS-NLMP] 3.4.4.2):
// Version 1, Checksum = HMAC_MD5(SigningKey, SeqNum || Message)[0..7],
// RC4-encrypted with the sealing handle when key exchange was negotiated,
// then SeqNum.
func signature(signKey []byte, seal *rc4.Cipher, keyExch bool, seq uint32, msg []byte) []byte {
	var seqb [4]byte
	binary.LittleEndian.PutUint32(seqb[:], seq)
	h := hmac.New(md5.New, signKey)
	h.Write(seqb[:])
	h.Write(msg)
	sum := h.Sum(nil)
	sig := make([]byte, 16)
	sig[0] = 1
	copy(sig[4:12], sum[:8])
	if keyExch {
		seal.XORKeyStream(sig[4:12], sig[4:12])
	}
	copy(sig[12:], seqb[:])
	return sig
}

// sign signs msg in the client-to-server direction and advances the state.
func (s *sessionSecurity) sign(msg []byte) []byte {
	sig := signature(s.clientSignKey, s.clientSeal, s.keyExch, s.clientSeq, msg)
	s.clientSeq++
	return sig
}

// verify checks a server-to-client signature over msg. The state advances
// only when the signature is good.
func (s *sessionSecurity) verify(msg, sig []byte) error {
	if len(sig) != 16 {
		return fmt.Errorf("%w: signature is %d bytes, want 16", ErrBadMIC, len(sig))
	}
	seal := *s.serverSeal // try on a copy of the RC4 state
	want := signature(s.serverSignKey, &seal, s.keyExch, s.serverSeq, msg)
	if subtle.ConstantTimeCompare(want, sig) != 1 {
		return ErrBadMIC
	}
	*s.serverSeal = seal
	s.serverSeq++
	return nil
}
