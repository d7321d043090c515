package dcerpc

import (
	"encoding/hex"
	"fmt"
)

// UUID is a DCE UUID in the byte order of its string form (RFC 4122). On
// the wire NDR sends the first three fields little-endian ([C706] appendix
// A); Append and decodeUUID do the swap.
type UUID [16]byte

// ParseUUID parses the 36-character form "4b324fc8-1670-01d3-1278-5a47bf6ee188".
func ParseUUID(s string) (UUID, error) {
	var u UUID
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return u, fmt.Errorf("dcerpc: invalid UUID %q", s)
	}
	h := s[0:8] + s[9:13] + s[14:18] + s[19:23] + s[24:36]
	if _, err := hex.Decode(u[:], []byte(h)); err != nil {
		return UUID{}, fmt.Errorf("dcerpc: invalid UUID %q: %w", s, err)
	}
	return u, nil
}

// MustParseUUID is ParseUUID for constants; it panics on a malformed s.
func MustParseUUID(s string) UUID {
	u, err := ParseUUID(s)
	if err != nil {
		panic(err)
	}
	return u
}

// String returns the lower-case 36-character form.
func (u UUID) String() string {
	h := hex.EncodeToString(u[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// appendUUID appends u in NDR little-endian wire order.
func appendUUID(dst []byte, u UUID) []byte {
	dst = append(dst, u[3], u[2], u[1], u[0], u[5], u[4], u[7], u[6])
	return append(dst, u[8:]...)
}

// decodeUUID decodes 16 wire bytes; the caller has checked len(b) >= 16.
func decodeUUID(b []byte) UUID {
	var u UUID
	u[0], u[1], u[2], u[3] = b[3], b[2], b[1], b[0]
	u[4], u[5], u[6], u[7] = b[5], b[4], b[7], b[6]
	copy(u[8:], b[8:16])
	return u
}

// SyntaxID names an interface or transfer syntax and its version
// (p_syntax_id_t). See [C706] 12.6.3.1. On the wire the version is one
// 32-bit value, the major version in the low 16 bits.
type SyntaxID struct {
	UUID  UUID
	Major uint16
	Minor uint16
}

const syntaxIDSize = 20

// String returns "uuid vMajor.Minor".
func (s SyntaxID) String() string { return fmt.Sprintf("%s v%d.%d", s.UUID, s.Major, s.Minor) }

func appendSyntaxID(dst []byte, s SyntaxID) []byte {
	dst = appendUUID(dst, s.UUID)
	dst = le.AppendUint16(dst, s.Major)
	return le.AppendUint16(dst, s.Minor)
}

// decodeSyntaxID decodes 20 bytes; the caller has checked the length.
func decodeSyntaxID(b []byte) SyntaxID {
	return SyntaxID{UUID: decodeUUID(b), Major: le.Uint16(b[16:]), Minor: le.Uint16(b[18:])}
}

// Well-known syntaxes.
var (
	// SrvsvcSyntax is the srvsvc interface, version 3.0. See [MS-SRVS] 1.9.
	SrvsvcSyntax = SyntaxID{UUID: MustParseUUID("4b324fc8-1670-01d3-1278-5a47bf6ee188"), Major: 3}
	// NDRSyntax is the NDR 2.0 transfer syntax. See [C706] appendix I and
	// [MS-RPCE] 2.2.4.12.
	NDRSyntax = SyntaxID{UUID: MustParseUUID("8a885d04-1ceb-11c9-9fe8-08002b104860"), Major: 2}
)
