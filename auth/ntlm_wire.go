package auth

import (
	"encoding/binary"
	"errors"
	"unicode/utf16"
)

// Helpers shared by the NTLM message codecs.

var ntlmSignature = []byte("NTLMSSP\x00")

// NTLM message types. See [MS-NLMP] 2.2.1.
const (
	ntlmNegotiate    = 1
	ntlmChallenge    = 2
	ntlmAuthenticate = 3
)

// Version is the NTLMSSP VERSION structure: the sender's OS version, for
// debugging only. See [MS-NLMP] 2.2.2.10.
type Version struct {
	Major, Minor uint8
	Build        uint16
	NTLMRevision uint8 // NTLMSSP_REVISION_W2K3 is 0x0F
}

func (v Version) append(dst []byte) []byte {
	dst = append(dst, v.Major, v.Minor)
	dst = binary.LittleEndian.AppendUint16(dst, v.Build)
	return append(dst, 0, 0, 0, v.NTLMRevision)
}

func decodeVersion(b []byte) Version {
	return Version{Major: b[0], Minor: b[1], Build: binary.LittleEndian.Uint16(b[2:4]), NTLMRevision: b[7]}
}

// clientVersion is what this client reports: NT 6.1, revision 15, the same
// values Samba's client sends. No server acts on it.
var clientVersion = Version{Major: 6, Minor: 1, Build: 0, NTLMRevision: 0x0f}

// checkHeader verifies the 8-byte signature and the message type.
func checkHeader(msg []byte, typ uint32, name string) error {
	if len(msg) < 12 {
		return tokenErr(name, "", errTruncated)
	}
	if string(msg[:8]) != string(ntlmSignature) {
		return tokenErr(name, "Signature", errSignature)
	}
	if got := binary.LittleEndian.Uint32(msg[8:12]); got != typ {
		return tokenErr(name, "MessageType", errMessageType)
	}
	return nil
}

// readField reads the 8-byte (Len, MaxLen, BufferOffset) descriptor at
// msg[at:] and returns the payload it points to. Arithmetic is in uint64.
// An empty field returns nil whatever its offset says.
func readField(msg []byte, at int, name, field string) ([]byte, error) {
	if len(msg) < at+8 {
		return nil, tokenErr(name, field, errTruncated)
	}
	n := uint64(binary.LittleEndian.Uint16(msg[at:]))
	off := uint64(binary.LittleEndian.Uint32(msg[at+4:]))
	if n == 0 {
		return nil, nil
	}
	if off+n > uint64(len(msg)) {
		return nil, tokenErr(name, field, errOutOfRange)
	}
	return msg[off : off+n : off+n], nil
}

var errFieldTooLong = errors.New("auth: NTLM field longer than 65535 bytes")

// appendField writes a descriptor for a payload of length n at offset off.
func appendField(dst []byte, n, off int) []byte {
	dst = binary.LittleEndian.AppendUint16(dst, uint16(n))
	dst = binary.LittleEndian.AppendUint16(dst, uint16(n))
	return binary.LittleEndian.AppendUint32(dst, uint32(off))
}

// utf16le encodes s as UTF-16LE without a terminator.
func utf16le(s string) []byte {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 2*len(u))
	for i, c := range u {
		binary.LittleEndian.PutUint16(b[2*i:], c)
	}
	return b
}

// fromUTF16le decodes UTF-16LE; a trailing odd byte is ignored.
func fromUTF16le(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u))
}
