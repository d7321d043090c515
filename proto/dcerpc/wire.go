package dcerpc

import (
	"encoding/binary"
	"errors"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

var le = binary.LittleEndian

// ErrShort is wrapped by every decode error caused by a truncated buffer.
var ErrShort = errors.New("dcerpc: message too short")

// decodeError is a decode failure caused by a truncated buffer. Its text
// starts "dcerpc: <message>: " like every other codec error, and it unwraps
// to ErrShort so callers can tell truncation from malformed input.
type decodeError struct{ text string }

func (e *decodeError) Error() string { return e.text }
func (e *decodeError) Unwrap() error { return ErrShort }

// shortf returns an ErrShort-wrapping error "dcerpc: msg: format...".
func shortf(msg, format string, args ...any) error {
	return &decodeError{"dcerpc: " + msg + ": " + fmt.Sprintf(format, args...)}
}

// errorf returns a plain codec error "dcerpc: msg: format...".
func errorf(msg, format string, args ...any) error {
	return fmt.Errorf("dcerpc: "+msg+": "+format, args...)
}

// need returns an ErrShort-wrapped error when b is shorter than n.
func need(b []byte, msg string, n int) error {
	if len(b) < n {
		return shortf(msg, "needs %d bytes, have %d", n, len(b))
	}
	return nil
}

// utf16Units returns the number of UTF-16 code units of s. Invalid UTF-8
// counts as U+FFFD, matching appendUTF16.
func utf16Units(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 && r <= utf8.MaxRune {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// appendUTF16 appends s encoded as UTF-16LE without a terminator. Invalid
// UTF-8 and lone surrogates become U+FFFD.
func appendUTF16(dst []byte, s string) []byte {
	for _, r := range s {
		if r >= 0x10000 {
			r1, r2 := utf16.EncodeRune(r)
			dst = le.AppendUint16(dst, uint16(r1))
			dst = le.AppendUint16(dst, uint16(r2))
			continue
		}
		if r >= 0xD800 && r < 0xE000 {
			r = utf8.RuneError
		}
		dst = le.AppendUint16(dst, uint16(r))
	}
	return dst
}

// decodeUTF16 decodes n UTF-16LE code units from b (len(b) >= 2n); unpaired
// surrogates become U+FFFD.
func decodeUTF16(b []byte, n int) string {
	if n == 0 {
		return ""
	}
	u := make([]uint16, n)
	for i := range u {
		u[i] = le.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u))
}

// clone copies b, returning nil for an empty slice so decoded values compare
// equal whether or not the wire carried a zero-length buffer.
func clone(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return append([]byte(nil), b...)
}
