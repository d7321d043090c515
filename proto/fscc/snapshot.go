package fscc

import (
	"fmt"
	"strings"
)

// SnapshotArray is SRV_SNAPSHOT_ARRAY, the output of
// FSCTL_SRV_ENUMERATE_SNAPSHOTS. See [MS-SMB2] 2.2.32.2.
type SnapshotArray struct {
	NumberOfSnapshots uint32   // how many exist
	Snapshots         []string // "@GMT-YYYY.MM.DD-HH.MM.SS" tokens returned
	ArraySize         uint32   // bytes needed for every token; ask again with at least 12+ArraySize when Snapshots is short
}

// Decode decodes the array. A reply with NumberOfSnapShotsReturned 0 only
// tells the size needed.
func (s *SnapshotArray) Decode(src []byte) error {
	if len(src) < 12 {
		return short("SRV_SNAPSHOT_ARRAY", 12, len(src))
	}
	out := SnapshotArray{NumberOfSnapshots: le.Uint32(src), ArraySize: le.Uint32(src[8:])}
	returned := le.Uint32(src[4:])
	if returned == 0 {
		*s = out
		return nil
	}
	size := uint64(out.ArraySize)
	if size > uint64(len(src)-12) {
		return fmt.Errorf("%w: SRV_SNAPSHOT_ARRAY of %d bytes in %d", ErrShort, size, len(src)-12)
	}
	all, err := decodeUTF16(src[12:12+int(size)&^1], "SnapShots")
	if err != nil {
		return err
	}
	for _, tok := range strings.Split(all, "\x00") {
		if tok != "" {
			out.Snapshots = append(out.Snapshots, tok)
		}
	}
	if uint32(len(out.Snapshots)) > returned {
		out.Snapshots = out.Snapshots[:returned]
	}
	*s = out
	return nil
}

// Append encodes the array as a server would.
func (s *SnapshotArray) Append(dst []byte) []byte {
	var arr []byte
	for _, t := range s.Snapshots {
		arr = appendUTF16(arr, t)
		arr = append(arr, 0, 0)
	}
	arr = append(arr, 0, 0)
	dst = le.AppendUint32(dst, s.NumberOfSnapshots)
	dst = le.AppendUint32(dst, uint32(len(s.Snapshots)))
	dst = le.AppendUint32(dst, uint32(len(arr)))
	return append(dst, arr...)
}
