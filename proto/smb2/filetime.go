package smb2

import "time"

// filetimeEpochDelta is the number of 100-nanosecond intervals between
// 1601-01-01 (the FILETIME epoch) and 1970-01-01 (the Unix epoch).
const filetimeEpochDelta = 116444736000000000

// FiletimeToTime converts a FILETIME ([MS-DTYP] 2.3.3: 100-nanosecond
// intervals since 1601-01-01 UTC) to a time.Time. Zero maps to the zero Time,
// as SMB uses 0 for "not set".
func FiletimeToTime(ft uint64) time.Time {
	if ft == 0 {
		return time.Time{}
	}
	d := int64(ft - filetimeEpochDelta) // wraps for dates before 1970, which is what we want
	return time.Unix(d/1e7, (d%1e7)*100).UTC()
}

// TimeToFiletime converts t to a FILETIME. The zero Time maps to 0.
func TimeToFiletime(t time.Time) uint64 {
	if t.IsZero() {
		return 0
	}
	return uint64(t.Unix()*1e7+int64(t.Nanosecond()/100)) + filetimeEpochDelta
}
