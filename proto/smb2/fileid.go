package smb2

import "fmt"

// FileID is the SMB2_FILEID of an open: a persistent part that survives a
// reconnect of a durable handle and a volatile part. See [MS-SMB2] 2.2.14.1.
type FileID struct {
	Persistent uint64
	Volatile   uint64
}

// FileIDAny is the all-ones FileID a related compound request uses to mean
// "the file opened by the previous request in the chain". See [MS-SMB2]
// 3.2.4.1.4.
var FileIDAny = FileID{Persistent: ^uint64(0), Volatile: ^uint64(0)}

// FileIDSize is the encoded size of a FileID.
const FileIDSize = 16

// IsZero reports whether id is all zeros.
func (id FileID) IsZero() bool { return id == FileID{} }

// String formats id as "persistent:volatile" in hexadecimal.
func (id FileID) String() string { return fmt.Sprintf("%016x:%016x", id.Persistent, id.Volatile) }

// Append appends the 16-byte encoding of id.
func (id FileID) Append(dst []byte) []byte {
	dst = le.AppendUint64(dst, id.Persistent)
	return le.AppendUint64(dst, id.Volatile)
}

// decodeFileID reads a FileID from b[:16]; the caller checked the length.
func decodeFileID(b []byte) FileID {
	return FileID{Persistent: le.Uint64(b), Volatile: le.Uint64(b[8:])}
}

// SetFileID overwrites the FileId field of body, the encoded body of a
// request of command cmd, with id: to send on its own, with the open's
// own FileId, a request built for a related compound (FileIDAny). It fails
// for a command without a FileId or a body too short to hold one.
func SetFileID(cmd Command, body []byte, id FileID) error {
	var off int
	switch cmd {
	case CommandClose, CommandFlush, CommandLock, CommandIoctl,
		CommandQueryDirectory, CommandChangeNotify:
		off = 8
	case CommandRead, CommandWrite, CommandSetInfo:
		off = 16
	case CommandQueryInfo:
		off = 24
	default:
		return fmt.Errorf("smb2: %v request has no FileId", cmd)
	}
	if len(body) < off+FileIDSize {
		return fmt.Errorf("smb2: %v request body of %d bytes too short for its FileId", cmd, len(body))
	}
	id.Append(body[off:off])
	return nil
}
