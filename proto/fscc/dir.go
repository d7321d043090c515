package fscc

import (
	"fmt"

	"github.com/gosmb/gosmb/internal/utf16le"
)

// DirEntry is one FILE_ID_BOTH_DIR_INFORMATION entry of a QUERY_DIRECTORY
// reply (class 37). See [MS-FSCC] 2.4.17.
type DirEntry struct {
	FileIndex      uint32
	Times          Times
	EndOfFile      uint64
	AllocationSize uint64
	FileAttributes uint32
	EaSize         uint32
	ShortName      string
	FileID         uint64
	FileName       string
}

const dirEntryFixed = 104

// Append appends the entry with NextEntryOffset next (0 for the last).
func (e *DirEntry) Append(dst []byte, next uint32) []byte {
	name := appendUTF16(nil, e.FileName)
	short := appendUTF16(nil, e.ShortName)
	if len(short) > 24 {
		short = short[:24]
	}
	dst = le.AppendUint32(dst, next)
	dst = le.AppendUint32(dst, e.FileIndex)
	dst = e.Times.append(dst)
	dst = le.AppendUint64(dst, e.EndOfFile)
	dst = le.AppendUint64(dst, e.AllocationSize)
	dst = le.AppendUint32(dst, e.FileAttributes)
	dst = le.AppendUint32(dst, uint32(len(name)))
	dst = le.AppendUint32(dst, e.EaSize)
	dst = append(dst, byte(len(short)), 0)
	var sn [24]byte
	copy(sn[:], short)
	dst = append(dst, sn[:]...)
	dst = append(dst, 0, 0)
	dst = le.AppendUint64(dst, e.FileID)
	return append(dst, name...)
}

// Size returns the encoded size without trailing alignment padding.
func (e *DirEntry) Size() int { return dirEntryFixed + utf16le.Len(e.FileName) }

// decodeDirEntry decodes one entry from b (which starts at the entry and
// ends at the entry's end or the buffer's end).
func decodeDirEntry(b []byte) (DirEntry, error) {
	if len(b) < dirEntryFixed {
		return DirEntry{}, short("FILE_ID_BOTH_DIR_INFORMATION", dirEntryFixed, len(b))
	}
	nameLen := uint64(le.Uint32(b[60:]))
	if uint64(dirEntryFixed)+nameLen > uint64(len(b)) {
		return DirEntry{}, short("FILE_ID_BOTH_DIR_INFORMATION name", int(min(nameLen, 1<<30))+dirEntryFixed, len(b))
	}
	shortLen := int(b[68])
	if shortLen > 24 {
		return DirEntry{}, fmt.Errorf("fscc: FILE_ID_BOTH_DIR_INFORMATION: ShortNameLength %d > 24", shortLen)
	}
	name, err := decodeUTF16(b[dirEntryFixed:dirEntryFixed+int(nameLen)], "FileName")
	if err != nil {
		return DirEntry{}, err
	}
	sn, err := decodeUTF16(b[70:70+shortLen], "ShortName")
	if err != nil {
		return DirEntry{}, err
	}
	return DirEntry{
		FileIndex:      le.Uint32(b[4:]),
		Times:          decodeTimes(b[8:]),
		EndOfFile:      le.Uint64(b[40:]),
		AllocationSize: le.Uint64(b[48:]),
		FileAttributes: le.Uint32(b[56:]),
		EaSize:         le.Uint32(b[64:]),
		ShortName:      sn,
		FileID:         le.Uint64(b[96:]),
		FileName:       name,
	}, nil
}

// DirEntries decodes every entry of a QUERY_DIRECTORY output buffer,
// following NextEntryOffset. Offsets must move forward, stay inside the
// buffer and be 8-byte aligned ([MS-FSCC] 2.4: "MUST be 8-byte aligned"
// is not enforced by every server, so only forward progress and bounds
// are required), which rules out loops.
func DirEntries(buf []byte) ([]DirEntry, error) {
	var out []DirEntry
	for off := 0; ; {
		if len(buf)-off < dirEntryFixed {
			return out, short("directory entry", dirEntryFixed, len(buf)-off)
		}
		next := int(le.Uint32(buf[off:]))
		end := len(buf)
		if next != 0 {
			if next < dirEntryFixed || next > len(buf)-off {
				return out, fmt.Errorf("fscc: directory entry at %d: NextEntryOffset %d out of range", off, next)
			}
			end = off + next
		}
		e, err := decodeDirEntry(buf[off:end])
		if err != nil {
			return out, err
		}
		out = append(out, e)
		if next == 0 {
			return out, nil
		}
		off += next
	}
}

// AppendDirEntries encodes entries as a server would: each aligned to 8.
func AppendDirEntries(dst []byte, es []DirEntry) []byte {
	for i := range es {
		start := len(dst)
		size := es[i].Size()
		next := uint32(0)
		if i < len(es)-1 {
			next = uint32((size + 7) &^ 7)
		}
		dst = es[i].Append(dst, next)
		if next != 0 {
			for len(dst)-start < int(next) {
				dst = append(dst, 0)
			}
		}
	}
	return dst
}
