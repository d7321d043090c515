package netbios

import (
	"errors"
	"fmt"
	"strings"
)

// NameLen is the number of bytes a NetBIOS name occupies before encoding:
// up to 15 bytes of name, padded, then the suffix byte. See RFC 1001 14.
const NameLen = 16

// EncodedNameLen is the length of a first-level encoded name. See RFC 1001
// 14.1.
const EncodedNameLen = 2 * NameLen

// WildcardName is the name "*" used by NODE STATUS queries. Unlike other
// names it is padded with zero bytes rather than spaces (RFC 1002 4.2.18),
// which gives the encoding CKAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.
const WildcardName = "*"

// ErrInvalidName is wrapped by the errors returned for names that cannot be
// encoded and encoded names that cannot be decoded.
var ErrInvalidName = errors.New("netbios: invalid name")

// maxScopeLen bounds a whole second-level encoded name, label lengths and the
// terminating zero included (RFC 1002 4.1 follows RFC 883's 255-byte limit).
const maxScopeLen = 255

// maxLabelLen is the largest label a length byte can announce; the top two
// bits of the byte mark a label string pointer. See RFC 1002 4.1.
const maxLabelLen = 63

// rawName returns the 16 bytes of name as they are encoded: ASCII letters
// upper-cased, padded to 15 bytes with spaces (zero bytes for the wildcard
// name "*"), then suffix. Bytes other than ASCII letters are kept as they
// are, since NetBIOS names are bytes in an OEM code page, not UTF-8.
func rawName(name string, suffix byte) ([NameLen]byte, error) {
	var b [NameLen]byte
	if name == "" {
		return b, fmt.Errorf("%w: empty name", ErrInvalidName)
	}
	if len(name) > NameLen-1 {
		return b, fmt.Errorf("%w: %q is %d bytes, more than %d", ErrInvalidName, name, len(name), NameLen-1)
	}
	pad := byte(' ')
	if name == WildcardName {
		pad = 0
	}
	for i := range NameLen - 1 {
		c := pad
		if i < len(name) {
			c = upperASCII(name[i])
		}
		b[i] = c
	}
	b[NameLen-1] = suffix
	return b, nil
}

func upperASCII(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - ('a' - 'A')
	}
	return c
}

// appendHalfASCII appends the first-level encoding of raw: each byte becomes
// two letters, 'A' plus its high nibble, then 'A' plus its low nibble.
func appendHalfASCII(dst []byte, raw *[NameLen]byte) []byte {
	for _, c := range raw {
		dst = append(dst, 'A'+c>>4, 'A'+c&0x0f)
	}
	return dst
}

// EncodeName returns the 32-character first-level encoding of name with the
// given suffix (RFC 1001 14.1): name is upper-cased and padded to 15 bytes
// with spaces, suffix becomes the 16th byte, and each byte is split into two
// letters 'A'..'P'. Names longer than 15 bytes and the empty name are errors.
// The wildcard name "*" is padded with zero bytes.
func EncodeName(name string, suffix byte) (string, error) {
	raw, err := rawName(name, suffix)
	if err != nil {
		return "", err
	}
	var buf [EncodedNameLen]byte
	return string(appendHalfASCII(buf[:0], &raw)), nil
}

// DecodeName reverses EncodeName. It returns the name with its trailing
// padding (spaces or zero bytes) removed, and the suffix byte. s must be
// exactly 32 letters in 'A'..'P'.
func DecodeName(s string) (name string, suffix byte, err error) {
	raw, err := decodeHalfASCII(s)
	if err != nil {
		return "", 0, err
	}
	return trimName(raw[:NameLen-1]), raw[NameLen-1], nil
}

func decodeHalfASCII[T string | []byte](s T) ([NameLen]byte, error) {
	var raw [NameLen]byte
	if len(s) != EncodedNameLen {
		return raw, fmt.Errorf("%w: encoded name is %d bytes, want %d", ErrInvalidName, len(s), EncodedNameLen)
	}
	for i := range raw {
		hi, lo := s[2*i]-'A', s[2*i+1]-'A'
		if hi > 0x0f || lo > 0x0f {
			return raw, fmt.Errorf("%w: byte %d of encoded name is not in 'A'..'P'", ErrInvalidName, 2*i)
		}
		raw[i] = hi<<4 | lo
	}
	return raw, nil
}

// trimName removes the space or zero-byte padding from the first 15 bytes of
// a raw name.
func trimName(b []byte) string {
	return strings.TrimRight(string(b), " \x00")
}

// AppendEncodedName appends the second-level encoding of name (RFC 1001
// 14.1, RFC 1002 4.1) to dst: a label of length 32 holding the first-level
// encoding, one length-prefixed label per dot-separated part of scope, and a
// zero byte. scope may be empty; its labels must be 1 to 63 bytes long and
// the whole encoded name at most 255 bytes.
func AppendEncodedName(dst []byte, name string, suffix byte, scope string) ([]byte, error) {
	raw, err := rawName(name, suffix)
	if err != nil {
		return dst, err
	}
	if err := checkScope(scope); err != nil {
		return dst, err
	}
	dst = append(dst, EncodedNameLen)
	dst = appendHalfASCII(dst, &raw)
	if scope != "" {
		for label := range strings.SplitSeq(scope, ".") {
			dst = append(dst, byte(len(label)))
			dst = append(dst, label...)
		}
	}
	return append(dst, 0), nil
}

// encodedNameSize returns the length of the second-level encoding of a name
// with the given (valid) scope.
func encodedNameSize(scope string) int {
	n := 1 + EncodedNameLen + 1
	if scope != "" {
		n += 1 + len(scope) // a length byte per label replaces each dot, plus one
	}
	return n
}

// checkScope validates a NetBIOS scope for AppendEncodedName.
func checkScope(scope string) error {
	if scope == "" {
		return nil
	}
	if encodedNameSize(scope) > maxScopeLen {
		return fmt.Errorf("%w: scope %q makes the encoded name longer than %d bytes", ErrInvalidName, scope, maxScopeLen)
	}
	for label := range strings.SplitSeq(scope, ".") {
		if label == "" {
			return fmt.Errorf("%w: scope %q has an empty label", ErrInvalidName, scope)
		}
		if len(label) > maxLabelLen {
			return fmt.Errorf("%w: scope label %q is longer than %d bytes", ErrInvalidName, label, maxLabelLen)
		}
	}
	return nil
}
