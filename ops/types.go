package ops

import (
	"time"

	"github.com/gosmb/gosmb/proto/fscc"
	"github.com/gosmb/gosmb/proto/smb2"
)

// File attribute bits as pysmb names them, plus pysmb's own INCL_NORMAL
// search bit. See [MS-FSCC] 2.6.
const (
	AttrReadonly  = 0x01
	AttrHidden    = 0x02
	AttrSystem    = 0x04
	AttrDirectory = 0x10
	AttrArchive   = 0x20
	AttrNormal    = 0x80
	// SearchInclNormal (pysmb's SMB_FILE_ATTRIBUTE_INCL_NORMAL) makes a
	// listPath search include files with no attribute set ("normal").
	SearchInclNormal = 0x10000
	// SearchDefault is pysmb's default listPath search: everything.
	SearchDefault = AttrReadonly | AttrHidden | AttrSystem | AttrDirectory | AttrArchive | SearchInclNormal
)

// SharedFile describes a file or directory on a share, like pysmb's
// SharedFile.
type SharedFile struct {
	Name           string
	ShortName      string
	CreateTime     time.Time
	LastAccessTime time.Time
	LastWriteTime  time.Time
	ChangeTime     time.Time // last attribute change
	Size           int64     // end of file
	AllocSize      int64
	Attributes     uint32
	FileID         uint64
}

// IsDirectory reports whether the entry is a directory.
func (f *SharedFile) IsDirectory() bool { return f.Attributes&AttrDirectory != 0 }

// IsReadOnly reports whether the read-only attribute is set.
func (f *SharedFile) IsReadOnly() bool { return f.Attributes&AttrReadonly != 0 }

// IsNormal reports whether the file has no special attribute, as pysmb
// defines it: exactly FILE_ATTRIBUTE_NORMAL, or no attribute in the low byte.
func (f *SharedFile) IsNormal() bool {
	return f.Attributes == AttrNormal || f.Attributes&0xff == 0
}

func fromDirEntry(e *fscc.DirEntry) SharedFile {
	return SharedFile{
		Name:           e.FileName,
		ShortName:      e.ShortName,
		CreateTime:     smb2.FiletimeToTime(e.Times.CreationTime),
		LastAccessTime: smb2.FiletimeToTime(e.Times.LastAccessTime),
		LastWriteTime:  smb2.FiletimeToTime(e.Times.LastWriteTime),
		ChangeTime:     smb2.FiletimeToTime(e.Times.ChangeTime),
		Size:           int64(e.EndOfFile),
		AllocSize:      int64(e.AllocationSize),
		Attributes:     e.FileAttributes,
		FileID:         e.FileID,
	}
}

// matchesSearch applies pysmb's listPath attribute filter: directories
// only when search asks for them; other entries when they share an
// attribute with search, or are "normal" and search has SearchInclNormal.
func matchesSearch(f *SharedFile, search uint32) bool {
	if f.IsDirectory() {
		return search&AttrDirectory != 0
	}
	if f.Attributes&search&0xff&^AttrDirectory != 0 {
		return true
	}
	return search&SearchInclNormal != 0 && f.IsNormal()
}
