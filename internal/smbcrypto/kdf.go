package smbcrypto

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
)

// KDF is the key derivation function of NIST SP 800-108 section 5.1 (counter
// mode) with HMAC-SHA256 as the PRF and a 32-bit counter (r = 32), as
// [MS-SMB2] 3.1.4.2 uses it. Each PRF input is
//
//	[i]_4 || label || 0x00 || context || [L]_4
//
// with i counting from 1 and both integers big-endian; the output is the
// first lengthBits/8 bytes of the concatenated PRF outputs. SMB's labels and
// contexts carry their own terminating NUL (see DeriveKeys), which is in
// addition to the 0x00 separator written here. lengthBits must be a positive
// multiple of 8 that fits in 32 bits; KDF panics otherwise.
func KDF(key, label, context []byte, lengthBits int) []byte {
	if lengthBits <= 0 || lengthBits%8 != 0 || uint64(lengthBits) > 1<<32-1 {
		panic("smbcrypto: KDF length must be a positive multiple of 8 bits below 2^32")
	}
	size := lengthBits / 8
	h := hmac.New(sha256.New, key)
	out := make([]byte, 0, (size+sha256.Size-1)/sha256.Size*sha256.Size)
	var ctr, l [4]byte
	binary.BigEndian.PutUint32(l[:], uint32(lengthBits))
	for i := uint32(1); len(out) < size; i++ {
		h.Reset()
		binary.BigEndian.PutUint32(ctr[:], i)
		h.Write(ctr[:])
		h.Write(label)
		h.Write([]byte{0})
		h.Write(context)
		h.Write(l[:])
		out = h.Sum(out)
	}
	return out[:size]
}

// Dialect revisions, as in the SMB2 NEGOTIATE DialectRevision field
// ([MS-SMB2] 2.2.3).
const (
	dialect202 = 0x0202
	dialect210 = 0x0210
	dialect300 = 0x0300
	dialect302 = 0x0302
	dialect311 = 0x0311
)

// KDF labels and contexts of [MS-SMB2] 3.2.5.3.1 and 3.3.5.5.3. Each string
// includes its terminating NUL, which the spec counts in the lengths it gives
// ("The size of "SMB2AESCMAC" is 12"). Note the space in "ServerIn ".
var (
	labelSMB30Signing = []byte("SMB2AESCMAC\x00")
	ctxSMB30Signing   = []byte("SmbSign\x00")
	labelSMB30Cipher  = []byte("SMB2AESCCM\x00")
	ctxSMB30ServerIn  = []byte("ServerIn \x00") // client to server
	ctxSMB30ServerOut = []byte("ServerOut\x00") // server to client
	labelSMB30App     = []byte("SMB2APP\x00")
	ctxSMB30App       = []byte("SmbRpc\x00")

	labelSMB311Signing = []byte("SMBSigningKey\x00")
	labelSMB311C2S     = []byte("SMBC2SCipherKey\x00")
	labelSMB311S2C     = []byte("SMBS2CCipherKey\x00")
	labelSMB311App     = []byte("SMBAppKey\x00")
)

// Keys are the per-session keys of [MS-SMB2] 3.2.1.3, from the client's side.
type Keys struct {
	Signing     []byte // Session.SigningKey; for 2.x, Session.SessionKey
	Encryption  []byte // Session.EncryptionKey: client to server
	Decryption  []byte // Session.DecryptionKey: server to client
	Application []byte // Session.ApplicationKey
}

// DeriveKeys returns the keys of a session as the client derives them
// ([MS-SMB2] 3.2.5.3.1; the server's 3.3.5.5.3 mirrors them).
//
// sessionKey is the full cryptographic key of the authenticated GSS context.
// Session.SessionKey is its first 16 bytes, zero-padded if it is shorter.
// preauthHash is Session.PreauthIntegrityHashValue and is used only for
// dialect 0x0311. cipherKeyLen is the key size of the negotiated cipher: 32
// for AES-256-CCM and AES-256-GCM, for which the encryption and decryption
// keys are derived with L = 256 from the full session key
// (Session.FullSessionKey); anything else means 16, with L = 128 and
// Session.SessionKey. The signing and application keys are always 128-bit
// and come from Session.SessionKey.
//
// For dialects 0x0202 and 0x0210 only Signing is set, to Session.SessionKey
// itself. For 0x0300 and 0x0302 cipherKeyLen is ignored: those dialects only
// know AES-128-CCM. An unknown dialect yields the zero Keys.
func DeriveKeys(dialect uint16, sessionKey, preauthHash []byte, cipherKeyLen int) Keys {
	var sk [16]byte // Session.SessionKey, [MS-SMB2] 3.2.1.3
	copy(sk[:], sessionKey)
	switch dialect {
	case dialect202, dialect210:
		return Keys{Signing: sk[:]}
	case dialect300, dialect302:
		return Keys{
			Signing:     KDF(sk[:], labelSMB30Signing, ctxSMB30Signing, 128),
			Encryption:  KDF(sk[:], labelSMB30Cipher, ctxSMB30ServerIn, 128),
			Decryption:  KDF(sk[:], labelSMB30Cipher, ctxSMB30ServerOut, 128),
			Application: KDF(sk[:], labelSMB30App, ctxSMB30App, 128),
		}
	case dialect311:
		k := Keys{
			Signing:     KDF(sk[:], labelSMB311Signing, preauthHash, 128),
			Application: KDF(sk[:], labelSMB311App, preauthHash, 128),
		}
		if cipherKeyLen == 32 {
			// "If Connection.CipherId is AES-256-CCM or AES-256-GCM,
			// Session.FullSessionKey as the key derivation key", L = 256.
			k.Encryption = KDF(sessionKey, labelSMB311C2S, preauthHash, 256)
			k.Decryption = KDF(sessionKey, labelSMB311S2C, preauthHash, 256)
		} else {
			k.Encryption = KDF(sk[:], labelSMB311C2S, preauthHash, 128)
			k.Decryption = KDF(sk[:], labelSMB311S2C, preauthHash, 128)
		}
		return k
	}
	return Keys{}
}

// PreauthHash is a preauthentication integrity hash value of SMB 3.1.1
// (Connection.PreauthIntegrityHashValue or
// Session.PreauthIntegrityHashValue), using SHA-512, the only hash algorithm
// [MS-SMB2] 2.2.3.1.1 defines. The zero value is the initial value.
type PreauthHash [sha512.Size]byte

// Update returns SHA-512(h || msg), the hash after message msg, which is a
// whole SMB2 message (header and body) as sent or received ([MS-SMB2]
// 3.2.5.2, 3.2.4.2.2.2).
func (h PreauthHash) Update(msg []byte) PreauthHash {
	d := sha512.New()
	d.Write(h[:])
	d.Write(msg)
	var out PreauthHash
	d.Sum(out[:0])
	return out
}
