package dtyp

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
)

// MaxSubAuthorities is the largest number of sub-authorities a SID can have.
// [MS-DTYP] 2.4.2.2: "The maximum number of elements allowed is 15."
const MaxSubAuthorities = 15

// SIDRevision is the only SID revision defined ([MS-DTYP] 2.4.2.2).
const SIDRevision = 1

// SID is a security identifier. See [MS-DTYP] 2.4.2 and, for the wire form,
// 2.4.2.2.
//
// The zero value is not a valid SID (its revision is 0); build SIDs with
// NewSID or ParseSID. A SID holds a slice, so compare with Equal, not ==.
type SID struct {
	Revision uint8
	// IdentifierAuthority is the 48-bit authority, big-endian as on the
	// wire. Authority returns it as a number.
	IdentifierAuthority [6]byte
	// SubAuthorities are the relative identifiers, at most 15. Decoders
	// leave the slice nil when there are none.
	SubAuthorities []uint32
}

// NewSID returns a revision-1 SID with the given identifier authority and
// sub-authorities. Bits of authority above the low 48 are dropped. The
// sub-authorities are copied.
func NewSID(authority uint64, subAuthorities ...uint32) SID {
	s := SID{Revision: SIDRevision}
	s.SetAuthority(authority)
	if len(subAuthorities) > 0 {
		s.SubAuthorities = append([]uint32(nil), subAuthorities...)
	}
	return s
}

// Authority returns the identifier authority as a number below 2^48.
func (s SID) Authority() uint64 {
	var b [8]byte
	copy(b[2:], s.IdentifierAuthority[:])
	return binary.BigEndian.Uint64(b[:])
}

// SetAuthority sets the identifier authority; bits above the low 48 are
// dropped.
func (s *SID) SetAuthority(a uint64) {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], a)
	copy(s.IdentifierAuthority[:], b[2:])
}

// RID returns the last sub-authority (the relative identifier of an account
// within its domain) and whether there is one.
func (s SID) RID() (uint32, bool) {
	if len(s.SubAuthorities) == 0 {
		return 0, false
	}
	return s.SubAuthorities[len(s.SubAuthorities)-1], true
}

// Equal reports whether s and o have the same revision, authority and
// sub-authorities. A nil and an empty SubAuthorities are equal.
func (s SID) Equal(o SID) bool {
	if s.Revision != o.Revision || s.IdentifierAuthority != o.IdentifierAuthority ||
		len(s.SubAuthorities) != len(o.SubAuthorities) {
		return false
	}
	for i, v := range s.SubAuthorities {
		if o.SubAuthorities[i] != v {
			return false
		}
	}
	return true
}

// String returns the SID in the string format of [MS-DTYP] 2.4.2.1, for
// example "S-1-5-32-544". An authority of 2^32 or more is written as "0x"
// followed by all 12 hex digits ("S-1-0x000100000003"), as that section's
// syntax has it; smaller authorities are decimal.
func (s SID) String() string {
	b := make([]byte, 0, 8+11*len(s.SubAuthorities))
	b = append(b, "S-"...)
	b = strconv.AppendUint(b, uint64(s.Revision), 10)
	b = append(b, '-')
	if a := s.Authority(); a >= 1<<32 {
		const hexDigits = "0123456789ABCDEF"
		b = append(b, "0x"...)
		for _, c := range s.IdentifierAuthority {
			b = append(b, hexDigits[c>>4], hexDigits[c&0xF])
		}
	} else {
		b = strconv.AppendUint(b, a, 10)
	}
	for _, v := range s.SubAuthorities {
		b = append(b, '-')
		b = strconv.AppendUint(b, uint64(v), 10)
	}
	return string(b)
}

// ParseSID parses the string format of [MS-DTYP] 2.4.2.1:
//
//	"S-1-" IdentifierAuthority *("-" SubAuthority)
//
// The identifier authority is decimal (1 to 10 digits, below 2^32) or "0x"
// followed by 1 to 12 hex digits. Sub-authorities are decimal (1 to 10
// digits, below 2^32). Decimal numbers have no leading zeros. At most 15
// sub-authorities are allowed. The syntax asks for at least one
// sub-authority, but SIDs such as NT_AUTHORITY "S-1-5" have none, so zero is
// accepted. The "S" and "0x" may be in either case.
func ParseSID(str string) (SID, error) {
	bad := func(format string, args ...any) (SID, error) {
		q := str
		if len(q) > 64 {
			q = q[:64] + "..."
		}
		return SID{}, &Error{Where: "SID " + strconv.Quote(q), Msg: fmt.Sprintf(format, args...), Kind: ErrSyntax}
	}
	if len(str) < 2 || (str[0] != 'S' && str[0] != 's') || str[1] != '-' {
		return bad(`does not start with "S-"`)
	}
	// Bound the work before splitting: revision, authority and 15
	// sub-authorities are 17 fields separated by 16 dashes after "S-".
	rest := str[2:]
	if n := strings.Count(rest, "-"); n > MaxSubAuthorities+1 {
		return bad("more than %d sub-authorities", MaxSubAuthorities)
	}
	parts := strings.Split(rest, "-")
	if parts[0] != "1" {
		return bad("revision %q is not 1", parts[0])
	}
	if len(parts) < 2 {
		return bad("no identifier authority")
	}
	s := SID{Revision: SIDRevision}
	auth := parts[1]
	if len(auth) >= 2 && auth[0] == '0' && (auth[1] == 'x' || auth[1] == 'X') {
		hex := auth[2:]
		if len(hex) < 1 || len(hex) > 12 || !allHex(hex) {
			return bad("identifier authority %q is not 0x and 1 to 12 hex digits", auth)
		}
		a, err := strconv.ParseUint(hex, 16, 64)
		if err != nil {
			return bad("identifier authority %q: %v", auth, err)
		}
		s.SetAuthority(a)
	} else {
		a, ok := parseDecimal(auth)
		if !ok {
			return bad("identifier authority %q is not a decimal number below 2^32 without leading zeros", auth)
		}
		s.SetAuthority(uint64(a))
	}
	if n := len(parts) - 2; n > 0 {
		s.SubAuthorities = make([]uint32, n)
		for i, p := range parts[2:] {
			v, ok := parseDecimal(p)
			if !ok {
				return bad("sub-authority %d %q is not a decimal number below 2^32 without leading zeros", i+1, p)
			}
			s.SubAuthorities[i] = v
		}
	}
	return s, nil
}

// MustParseSID is ParseSID for strings known to be valid, such as the
// well-known SID constants; it panics on error.
func MustParseSID(str string) SID {
	s, err := ParseSID(str)
	if err != nil {
		panic(err)
	}
	return s
}

// parseDecimal parses 1*10DIGIT without leading zeros into a uint32.
func parseDecimal(p string) (uint32, bool) {
	if len(p) < 1 || len(p) > 10 || (len(p) > 1 && p[0] == '0') {
		return 0, false
	}
	var v uint64
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + uint64(c-'0')
	}
	if v > 0xFFFFFFFF {
		return 0, false
	}
	return uint32(v), true
}

func allHex(p string) bool {
	for i := 0; i < len(p); i++ {
		c := p[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// Size returns the length of the wire form: 8 + 4 per sub-authority.
func (s SID) Size() int { return 8 + 4*len(s.SubAuthorities) }

// Append appends the wire form of [MS-DTYP] 2.4.2.2 to dst. It fails when
// there are more than 15 sub-authorities.
func (s SID) Append(dst []byte) ([]byte, error) {
	if len(s.SubAuthorities) > MaxSubAuthorities {
		return dst, malformedf("SID", "%d sub-authorities, at most %d allowed", len(s.SubAuthorities), MaxSubAuthorities)
	}
	dst = append(dst, s.Revision, byte(len(s.SubAuthorities)))
	dst = append(dst, s.IdentifierAuthority[:]...)
	for _, v := range s.SubAuthorities {
		dst = binary.LittleEndian.AppendUint32(dst, v)
	}
	return dst, nil
}

// DecodeSID decodes the wire form of a SID from the start of b and returns it
// with the number of bytes it used; bytes after the SID are ignored. The
// revision is kept as received.
func DecodeSID(b []byte) (SID, int, error) { return decodeSID(b, "SID") }

// decodeSID is DecodeSID with where naming the SID in errors.
func decodeSID(b []byte, where string) (SID, int, error) {
	if len(b) < 8 {
		return SID{}, 0, shortf(where, "needs 8 bytes, have %d", len(b))
	}
	count := int(b[1])
	// [MS-DTYP] 2.4.2.2 SubAuthorityCount: "The maximum number of elements
	// allowed is 15."
	if count > MaxSubAuthorities {
		return SID{}, 0, malformedf(where, "SubAuthorityCount %d above %d", count, MaxSubAuthorities)
	}
	n := 8 + 4*count
	if len(b) < n {
		return SID{}, 0, shortf(where, "%d sub-authorities need %d bytes, have %d", count, n, len(b))
	}
	s := SID{Revision: b[0]}
	copy(s.IdentifierAuthority[:], b[2:8])
	if count > 0 {
		s.SubAuthorities = make([]uint32, count)
		for i := range s.SubAuthorities {
			s.SubAuthorities[i] = binary.LittleEndian.Uint32(b[8+4*i:])
		}
	}
	return s, n, nil
}

// Decode sets s from the wire form at the start of b; see DecodeSID.
func (s *SID) Decode(b []byte) error {
	v, _, err := DecodeSID(b)
	if err != nil {
		return err
	}
	*s = v
	return nil
}
