// Package fscc holds the file information structures of [MS-FSCC] that SMB2
// QUERY_DIRECTORY, QUERY_INFO, SET_INFO and IOCTL carry, and the snapshot
// array of [MS-SMB2] 2.2.32.2. Pure codec: no I/O; decoders return errors
// and never panic.
package fscc

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/gosmb/gosmb/internal/utf16le"
)

var le = binary.LittleEndian

// ErrShort is wrapped by every decode error caused by a truncated buffer.
var ErrShort = errors.New("fscc: buffer too short")

func short(what string, need, have int) error {
	return fmt.Errorf("%w: %s needs %d bytes, have %d", ErrShort, what, need, have)
}

// decodeUTF16 decodes UTF-16LE; an odd length is an error.
func decodeUTF16(b []byte, what string) (string, error) {
	if len(b)%2 != 0 {
		return "", fmt.Errorf("fscc: %s: odd UTF-16 length %d", what, len(b))
	}
	return utf16le.Decode(b), nil
}

func appendUTF16(dst []byte, s string) []byte { return utf16le.Append(dst, s) }

// Times are FILETIMEs: 100ns intervals since 1601-01-01 UTC.
type Times struct {
	CreationTime   uint64
	LastAccessTime uint64
	LastWriteTime  uint64
	ChangeTime     uint64
}

func decodeTimes(b []byte) Times {
	return Times{le.Uint64(b), le.Uint64(b[8:]), le.Uint64(b[16:]), le.Uint64(b[24:])}
}

func (t Times) append(dst []byte) []byte {
	dst = le.AppendUint64(dst, t.CreationTime)
	dst = le.AppendUint64(dst, t.LastAccessTime)
	dst = le.AppendUint64(dst, t.LastWriteTime)
	return le.AppendUint64(dst, t.ChangeTime)
}
