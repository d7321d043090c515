package smb2

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/gosmb/gosmb/internal/utf16le"
)

var le = binary.LittleEndian

// decodeError is a decode failure caused by a truncated buffer. Its text
// starts "smb2: <message>: " like every other codec error, and it unwraps to
// ErrShort so callers can tell truncation from malformed input.
type decodeError struct{ text string }

func (e *decodeError) Error() string { return e.text }
func (e *decodeError) Unwrap() error { return ErrShort }

// shortf returns an ErrShort-wrapping error "smb2: msg: format...".
func shortf(msg, format string, args ...any) error {
	return &decodeError{"smb2: " + msg + ": " + fmt.Sprintf(format, args...)}
}

// errorf returns a plain codec error "smb2: msg: format...".
func errorf(msg, format string, args ...any) error {
	return fmt.Errorf("smb2: "+msg+": "+format, args...)
}

// checkStructureSize enforces the StructureSize in the first two bytes of a
// body. The caller has already checked len(body) >= 2.
func checkStructureSize(body []byte, msg string, want uint16) error {
	if got := le.Uint16(body); got != want {
		return errorf(msg, "StructureSize %d, want %d", got, want)
	}
	return nil
}

// fixed checks that body holds the fixed part of a message (n bytes) and
// carries StructureSize want.
func fixed(body []byte, msg string, n int, want uint16) error {
	if err := need(body, msg, n); err != nil {
		return err
	}
	return checkStructureSize(body, msg, want)
}

// align8 rounds n up to a multiple of 8.
func align8(n int) int { return (n + 7) &^ 7 }

// pad8 appends zero bytes until len(dst)-start is a multiple of 8. Bodies
// follow a 64-byte header, so body-relative alignment is header-relative
// alignment.
func pad8(dst []byte, start int) []byte {
	for (len(dst)-start)%8 != 0 {
		dst = append(dst, 0)
	}
	return dst
}

// zeros appends n zero bytes.
func zeros(dst []byte, n int) []byte {
	for ; n > 0; n-- {
		dst = append(dst, 0)
	}
	return dst
}

// clone copies b, returning nil for an empty slice so decoded values compare
// equal whether or not the wire carried a zero-length buffer.
func clone(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return append([]byte(nil), b...)
}

// utf16Len returns the length in bytes of s encoded as UTF-16LE.
func utf16Len(s string) int { return utf16le.Len(s) }

// appendUTF16 appends s encoded as UTF-16LE without a terminator.
func appendUTF16(dst []byte, s string) []byte { return utf16le.Append(dst, s) }

// decodeUTF16 decodes UTF-16LE bytes; unpaired surrogates become U+FFFD.
func decodeUTF16(b []byte, msg, name string) (string, error) {
	if len(b)%2 != 0 {
		return "", errorf(msg, "%s has odd UTF-16 length %d", name, len(b))
	}
	return utf16le.Decode(b), nil
}

// UTF16 returns s encoded as UTF-16LE without a terminator, as SMB2 carries
// names and paths.
func UTF16(s string) []byte { return appendUTF16(nil, s) }

// fitsU16 and fitsU32 report whether n fits the wire field width.
func fitsU16(n int) bool { return n >= 0 && uint64(n) <= math.MaxUint16 }
func fitsU32(n int) bool { return n >= 0 && uint64(n) <= math.MaxUint32 }

// appendEmpty appends the 4-byte body shared by the messages that carry only
// StructureSize 4 and a reserved field (ECHO, LOGOFF, CANCEL, ...).
func appendEmpty(dst []byte) []byte { return append(dst, 4, 0, 0, 0) }

// decodeEmpty checks a 4-byte StructureSize-4 body.
func decodeEmpty(body []byte, msg string) error { return fixed(body, msg, 4, 4) }

// StructureSize returns the StructureSize field at the start of a message
// body, which tells apart bodies that share a command (OPLOCK_BREAK
// notifications, ERROR responses).
func StructureSize(body []byte) (uint16, error) {
	if len(body) < 2 {
		return 0, shortf("body", "StructureSize needs 2 bytes, have %d", len(body))
	}
	return le.Uint16(body), nil
}

// flagName pairs a bit with its spec name, for flag-set String methods.
type flagName struct {
	bit  uint64
	name string
}

// flagString renders v as spec names joined by '|', with leftover bits in
// hexadecimal, or "0" when v is zero.
func flagString(v uint64, names []flagName) string {
	if v == 0 {
		return "0"
	}
	s := ""
	for _, f := range names {
		if f.bit != 0 && v&f.bit == f.bit {
			if s != "" {
				s += "|"
			}
			s += f.name
			v &^= f.bit
		}
	}
	if v != 0 {
		if s != "" {
			s += "|"
		}
		s += fmt.Sprintf("0x%X", v)
	}
	return s
}
