package smb2

// CloseRequest.Flags and CloseResponse.Flags bits. See [MS-SMB2] 2.2.15.
const (
	CloseFlagPostQueryAttrib = 0x0001 // SMB2_CLOSE_FLAG_POSTQUERY_ATTRIB
)

// CloseRequest is the SMB2 CLOSE request. See [MS-SMB2] 2.2.15.
type CloseRequest struct {
	Flags  uint16 // CloseFlagPostQueryAttrib
	FileID FileID
}

// Size returns 24.
func (m *CloseRequest) Size() int { return 24 }

// Append appends the encoded body to dst.
func (m *CloseRequest) Append(dst []byte) ([]byte, error) {
	dst = le.AppendUint16(dst, 24)
	dst = le.AppendUint16(dst, m.Flags)
	dst = le.AppendUint32(dst, 0) // Reserved
	return m.FileID.Append(dst), nil
}

// Decode decodes the body that follows the header.
func (m *CloseRequest) Decode(body []byte) error {
	if err := fixed(body, "CLOSE request", 24, 24); err != nil {
		return err
	}
	*m = CloseRequest{Flags: le.Uint16(body[2:]), FileID: decodeFileID(body[8:])}
	return nil
}

// CloseResponse is the SMB2 CLOSE response. The times, sizes and attributes
// are set only when Flags has CloseFlagPostQueryAttrib. See [MS-SMB2] 2.2.16.
type CloseResponse struct {
	Flags          uint16
	CreationTime   uint64
	LastAccessTime uint64
	LastWriteTime  uint64
	ChangeTime     uint64
	AllocationSize uint64
	EndOfFile      uint64
	FileAttributes FileAttributes
}

// Size returns 60.
func (m *CloseResponse) Size() int { return 60 }

// Append appends the encoded body to dst.
func (m *CloseResponse) Append(dst []byte) ([]byte, error) {
	dst = le.AppendUint16(dst, 60)
	dst = le.AppendUint16(dst, m.Flags)
	dst = le.AppendUint32(dst, 0) // Reserved
	dst = le.AppendUint64(dst, m.CreationTime)
	dst = le.AppendUint64(dst, m.LastAccessTime)
	dst = le.AppendUint64(dst, m.LastWriteTime)
	dst = le.AppendUint64(dst, m.ChangeTime)
	dst = le.AppendUint64(dst, m.AllocationSize)
	dst = le.AppendUint64(dst, m.EndOfFile)
	return le.AppendUint32(dst, uint32(m.FileAttributes)), nil
}

// Decode decodes the body that follows the header.
func (m *CloseResponse) Decode(body []byte) error {
	if err := fixed(body, "CLOSE response", 60, 60); err != nil {
		return err
	}
	*m = CloseResponse{
		Flags:          le.Uint16(body[2:]),
		CreationTime:   le.Uint64(body[8:]),
		LastAccessTime: le.Uint64(body[16:]),
		LastWriteTime:  le.Uint64(body[24:]),
		ChangeTime:     le.Uint64(body[32:]),
		AllocationSize: le.Uint64(body[40:]),
		EndOfFile:      le.Uint64(body[48:]),
		FileAttributes: FileAttributes(le.Uint32(body[56:])),
	}
	return nil
}
