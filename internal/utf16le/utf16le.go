// Package utf16le encodes and decodes the UTF-16LE strings SMB, DCE/RPC
// and the file information classes carry: without terminator, invalid
// UTF-8 and lone surrogates as U+FFFD.
package utf16le

import (
	"encoding/binary"
	"unicode/utf16"
	"unicode/utf8"
)

// Len returns the length in bytes of s encoded by Append.
func Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 && r <= utf8.MaxRune {
			n += 4
		} else {
			n += 2
		}
	}
	return n
}

// Append appends s encoded as UTF-16LE, without a terminator.
func Append(dst []byte, s string) []byte {
	for _, r := range s {
		if r >= 0x10000 {
			r1, r2 := utf16.EncodeRune(r)
			dst = binary.LittleEndian.AppendUint16(dst, uint16(r1))
			dst = binary.LittleEndian.AppendUint16(dst, uint16(r2))
			continue
		}
		if r >= 0xD800 && r < 0xE000 {
			r = utf8.RuneError
		}
		dst = binary.LittleEndian.AppendUint16(dst, uint16(r))
	}
	return dst
}

// Decode decodes the len(b)/2 code units of b (a trailing odd byte is
// ignored: callers reject odd lengths where they matter); unpaired
// surrogates become U+FFFD.
func Decode(b []byte) string {
	if len(b) < 2 {
		return ""
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u))
}
