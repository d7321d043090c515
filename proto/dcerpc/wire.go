package dcerpc

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/gosmb/gosmb/internal/utf16le"
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

// utf16Units returns the number of UTF-16 code units of s, as appendUTF16
// encodes it.
func utf16Units(s string) int { return utf16le.Len(s) / 2 }

// appendUTF16 appends s encoded as UTF-16LE without a terminator. Invalid
// UTF-8 and lone surrogates become U+FFFD.
func appendUTF16(dst []byte, s string) []byte { return utf16le.Append(dst, s) }

// decodeUTF16 decodes n UTF-16LE code units from b (len(b) >= 2n); unpaired
// surrogates become U+FFFD.
func decodeUTF16(b []byte, n int) string { return utf16le.Decode(b[:2*n]) }

// clone copies b, returning nil for an empty slice so decoded values compare
// equal whether or not the wire carried a zero-length buffer.
func clone(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return append([]byte(nil), b...)
}
