package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/gosmb/gosmb"
	"github.com/gosmb/gosmb/proto/dtyp"
)

// timeLayout is RFC 3339 with nanoseconds, always nine digits.
const timeLayout = "2006-01-02T15:04:05.000000000Z07:00"

// jsonTime is a time as RFC 3339 in UTC, or null for the zero time (a
// FILETIME of 0).
type jsonTime time.Time

func (t jsonTime) MarshalJSON() ([]byte, error) {
	tt := time.Time(t)
	if tt.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(tt.UTC().Format(timeLayout))
}

// fileJSON is how ls and stat print a file with --json.
type fileJSON struct {
	Name           string   `json:"name"`
	ShortName      string   `json:"short_name"`
	Size           int64    `json:"size"`
	AllocSize      int64    `json:"alloc_size"`
	Attributes     uint32   `json:"attributes"`
	IsDirectory    bool     `json:"is_directory"`
	CreateTime     jsonTime `json:"create_time"`
	LastAccessTime jsonTime `json:"last_access_time"`
	LastWriteTime  jsonTime `json:"last_write_time"`
	ChangeTime     jsonTime `json:"change_time"`
}

func toFileJSON(f *gosmb.SharedFile) fileJSON {
	return fileJSON{
		Name:           f.Name,
		ShortName:      f.ShortName,
		Size:           f.Size,
		AllocSize:      f.AllocSize,
		Attributes:     f.Attributes,
		IsDirectory:    f.IsDirectory(),
		CreateTime:     jsonTime(f.CreateTime),
		LastAccessTime: jsonTime(f.LastAccessTime),
		LastWriteTime:  jsonTime(f.LastWriteTime),
		ChangeTime:     jsonTime(f.ChangeTime),
	}
}

// shareJSON is how shares prints a share with --json.
type shareJSON struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	Comment     string `json:"comment"`
	IsSpecial   bool   `json:"is_special"`
	IsTemporary bool   `json:"is_temporary"`
}

func shareTypeName(d gosmb.SharedDevice) string {
	switch d.BaseType() {
	case gosmb.ShareTypeDisk:
		return "disk"
	case gosmb.ShareTypePrinter:
		return "printer"
	case gosmb.ShareTypeDevice:
		return "device"
	case gosmb.ShareTypeIPC:
		return "ipc"
	}
	return fmt.Sprintf("0x%x", d.BaseType())
}

// aclJSON is how acl prints a security descriptor with --json.
type aclJSON struct {
	Owner string    `json:"owner"`
	Group string    `json:"group"`
	DACL  []aceJSON `json:"dacl"`
	SACL  []aceJSON `json:"sacl,omitempty"`
}

type aceJSON struct {
	Type  string   `json:"type"`
	Flags []string `json:"flags"`
	Mask  uint32   `json:"mask"`
	SID   string   `json:"sid"`
}

func sidString(s *dtyp.SID) string {
	if s == nil {
		return ""
	}
	return s.String()
}

func flagNames(f dtyp.ACEFlags) []string {
	if f == 0 {
		return []string{}
	}
	return strings.Split(f.String(), "|")
}

func toACEsJSON(a *dtyp.ACL) []aceJSON {
	if a == nil {
		return nil
	}
	out := make([]aceJSON, 0, len(a.ACEs))
	for _, ace := range a.ACEs {
		out = append(out, aceJSON{
			Type:  ace.Type.String(),
			Flags: flagNames(ace.Flags),
			Mask:  uint32(ace.Mask),
			SID:   ace.SID.String(),
		})
	}
	return out
}

// transferJSON is the summary get and put print with --json.
type transferJSON struct {
	Bytes     int64          `json:"bytes"`
	Files     int            `json:"files"`
	Seconds   float64        `json:"seconds"`
	Transfers []transferItem `json:"transfers"`
}

type transferItem struct {
	Source      string `json:"source"`
	Destination string `json:"destination"`
	Bytes       int64  `json:"bytes"`
	Offset      int64  `json:"offset,omitempty"`
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// attrLetters renders attributes as ls-style flags: d(irectory),
// r(ead-only), h(idden), s(ystem), a(rchive), '-' for each unset.
func attrLetters(a uint32) string {
	b := []byte("-----")
	for i, x := range []struct {
		bit uint32
		c   byte
	}{{gosmb.AttrDirectory, 'd'}, {gosmb.AttrReadonly, 'r'}, {gosmb.AttrHidden, 'h'}, {gosmb.AttrSystem, 's'}, {gosmb.AttrArchive, 'a'}} {
		if a&x.bit != 0 {
			b[i] = x.c
		}
	}
	return string(b)
}

var attrNames = []struct {
	bit  uint32
	name string
}{
	{0x1, "READONLY"}, {0x2, "HIDDEN"}, {0x4, "SYSTEM"}, {0x10, "DIRECTORY"}, {0x20, "ARCHIVE"},
	{0x80, "NORMAL"}, {0x100, "TEMPORARY"}, {0x200, "SPARSE_FILE"}, {0x400, "REPARSE_POINT"},
	{0x800, "COMPRESSED"}, {0x1000, "OFFLINE"}, {0x2000, "NOT_CONTENT_INDEXED"}, {0x4000, "ENCRYPTED"},
}

// attrString renders attributes as FILE_ATTRIBUTE_ names joined by '|'.
func attrString(a uint32) string {
	var names []string
	for _, n := range attrNames {
		if a&n.bit != 0 {
			names = append(names, n.name)
			a &^= n.bit
		}
	}
	if a != 0 {
		names = append(names, fmt.Sprintf("0x%x", a))
	}
	if len(names) == 0 {
		return "0"
	}
	return strings.Join(names, "|")
}

func humanTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format("2006-01-02 15:04:05.000000000 -0700")
}

// humanSize renders n bytes as "1.5 MiB".
func humanSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 5; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
