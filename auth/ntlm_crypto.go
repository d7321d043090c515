package auth

import (
	"crypto/des"
	"crypto/hmac"
	"crypto/md5"
	"crypto/rc4"
	"encoding/binary"
	"strings"
	"time"

	"golang.org/x/crypto/md4"
)

// The NTLM one-way functions and key derivations of [MS-NLMP] 3.3 and 3.4.5.

// ntowfv1 is NTOWFv1(Passwd) = MD4(UNICODE(Passwd)). See [MS-NLMP] 3.3.1.
func ntowfv1(password string) []byte {
	h := md4.New()
	h.Write(utf16le(password))
	return h.Sum(nil)
}

// ntowfv2 is NTOWFv2(Passwd, User, UserDom) = HMAC_MD5(MD4(UNICODE(Passwd)),
// UNICODE(ConcatenationOf(Uppercase(User), UserDom))), taking the MD4 hash
// so that pass-the-hash works. Only the user name is uppercased. See
// [MS-NLMP] 3.3.2.
func ntowfv2(ntHash []byte, user, domain string) []byte {
	return hmacMD5(ntHash, utf16le(strings.ToUpper(user)+domain))
}

func hmacMD5(key []byte, data ...[]byte) []byte {
	h := hmac.New(md5.New, key)
	for _, d := range data {
		h.Write(d)
	}
	return h.Sum(nil)
}

func md5Sum(data ...[]byte) []byte {
	h := md5.New()
	for _, d := range data {
		h.Write(d)
	}
	return h.Sum(nil)
}

// rc4K encrypts data with a fresh RC4 keyed by key. See [MS-NLMP] 6.
func rc4K(key, data []byte) []byte {
	c, err := rc4.NewCipher(key)
	if err != nil {
		panic("auth: rc4 key length " + err.Error()) // keys here are 5..16 bytes
	}
	out := make([]byte, len(data))
	c.XORKeyStream(out, data)
	return out
}

// desExpandKey spreads 56 key bits over 8 bytes, leaving the (ignored)
// parity bit of each byte clear.
func desExpandKey(k []byte) []byte {
	return []byte{
		k[0] & 0xfe,
		(k[0]<<7 | k[1]>>1) & 0xfe,
		(k[1]<<6 | k[2]>>2) & 0xfe,
		(k[2]<<5 | k[3]>>3) & 0xfe,
		(k[3]<<4 | k[4]>>4) & 0xfe,
		(k[4]<<3 | k[5]>>5) & 0xfe,
		(k[5]<<2 | k[6]>>6) & 0xfe,
		k[6] << 1,
	}
}

// desl is DESL(K, D): D encrypted under the three 7-byte thirds of K
// padded to 21 bytes. See [MS-NLMP] 6.
func desl(k, d []byte) []byte {
	var k21 [21]byte
	copy(k21[:], k)
	out := make([]byte, 24)
	for i := range 3 {
		c, err := des.NewCipher(desExpandKey(k21[7*i : 7*i+7]))
		if err != nil {
			panic("auth: des: " + err.Error()) // the key is always 8 bytes
		}
		c.Encrypt(out[8*i:], d[:8])
	}
	return out
}

// ntlmv1ESS computes the NTLMv1 responses with extended session security
// and its key exchange key. See [MS-NLMP] 3.3.1 and 3.4.5.1.
func ntlmv1ESS(ntHash, serverChallenge, clientChallenge []byte) (lm, nt, keyExchangeKey []byte) {
	lm = make([]byte, 24)
	copy(lm, clientChallenge) // ConcatenationOf(ClientChallenge, Z(16))
	nt = desl(ntHash, md5Sum(serverChallenge, clientChallenge)[:8])
	sessionBaseKey := md4Sum(ntHash)
	keyExchangeKey = hmacMD5(sessionBaseKey, serverChallenge, lm[:8])
	return lm, nt, keyExchangeKey
}

func md4Sum(b []byte) []byte {
	h := md4.New()
	h.Write(b)
	return h.Sum(nil)
}

// ntlmv2Temp builds the temp blob of [MS-NLMP] 3.3.2: Responserversion,
// HiResponserversion, Z(6), Time, ClientChallenge, Z(4), ServerName, Z(4).
// It is also the NTLMv2_CLIENT_CHALLENGE structure of 2.2.2.7.
func ntlmv2Temp(timestamp uint64, clientChallenge, serverName []byte) []byte {
	b := make([]byte, 0, 28+len(serverName)+4)
	b = append(b, 1, 1, 0, 0, 0, 0, 0, 0)
	b = binary.LittleEndian.AppendUint64(b, timestamp)
	b = append(b, clientChallenge[:8]...)
	b = append(b, 0, 0, 0, 0)
	b = append(b, serverName...)
	return append(b, 0, 0, 0, 0)
}

// ntlmv2 computes NtChallengeResponse = NTProofStr || temp, the LMv2
// response and SessionBaseKey. See [MS-NLMP] 3.3.2.
func ntlmv2(responseKey, serverChallenge, clientChallenge, temp []byte) (nt, lm, sessionBaseKey []byte) {
	proof := hmacMD5(responseKey, serverChallenge, temp)
	nt = append(proof[:16:16], temp...)
	lm = append(hmacMD5(responseKey, serverChallenge, clientChallenge), clientChallenge[:8]...)
	sessionBaseKey = hmacMD5(responseKey, proof)
	return nt, lm, sessionBaseKey
}

// Magic constants of [MS-NLMP] 3.4.5.2 and 3.4.5.3, with their NUL.
const (
	clientSignMagic = "session key to client-to-server signing key magic constant\x00"
	serverSignMagic = "session key to server-to-client signing key magic constant\x00"
	clientSealMagic = "session key to client-to-server sealing key magic constant\x00"
	serverSealMagic = "session key to server-to-client sealing key magic constant\x00"
)

// signKey is SIGNKEY with extended session security. See [MS-NLMP] 3.4.5.2.
func signKey(exportedSessionKey []byte, magic string) []byte {
	return md5Sum(exportedSessionKey, []byte(magic))
}

// sealKey is SEALKEY with extended session security: the exported key cut
// to 128, 56 or 40 bits by the negotiated flags, then hashed with the magic
// constant. See [MS-NLMP] 3.4.5.3.
func sealKey(flags NegotiateFlags, exportedSessionKey []byte, magic string) []byte {
	k := exportedSessionKey
	switch {
	case flags&Flag128 != 0:
	case flags&Flag56 != 0:
		k = k[:7]
	default:
		k = k[:5]
	}
	return md5Sum(k, []byte(magic))
}

// filetimeEpoch is 1601-01-01 in Unix seconds.
const filetimeEpoch = -11644473600

// toFiletime converts t to a FILETIME (100 ns ticks since 1601-01-01 UTC),
// clamping times before 1601 to 0.
func toFiletime(t time.Time) uint64 {
	s := t.Unix() - filetimeEpoch
	if s < 0 {
		return 0
	}
	return uint64(s)*1e7 + uint64(t.Nanosecond()/100)
}

func fromFiletime(ft uint64) time.Time {
	return time.Unix(int64(ft/1e7)+filetimeEpoch, int64(ft%1e7)*100).UTC()
}
