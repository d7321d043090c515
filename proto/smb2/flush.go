package smb2

// FlushRequest is the SMB2 FLUSH request. See [MS-SMB2] 2.2.17.
type FlushRequest struct {
	FileID FileID
}

// Size returns 24.
func (m *FlushRequest) Size() int { return 24 }

// Append appends the encoded body to dst.
func (m *FlushRequest) Append(dst []byte) ([]byte, error) {
	dst = le.AppendUint16(dst, 24)
	dst = le.AppendUint16(dst, 0) // Reserved1
	dst = le.AppendUint32(dst, 0) // Reserved2
	return m.FileID.Append(dst), nil
}

// Decode decodes the body that follows the header.
func (m *FlushRequest) Decode(body []byte) error {
	if err := fixed(body, "FLUSH request", 24, 24); err != nil {
		return err
	}
	m.FileID = decodeFileID(body[8:])
	return nil
}

// FlushResponse is the SMB2 FLUSH response. See [MS-SMB2] 2.2.18.
type FlushResponse struct{}

// Size returns 4.
func (m *FlushResponse) Size() int { return 4 }

// Append appends the encoded body to dst.
func (m *FlushResponse) Append(dst []byte) ([]byte, error) { return appendEmpty(dst), nil }

// Decode decodes the body that follows the header.
func (m *FlushResponse) Decode(body []byte) error { return decodeEmpty(body, "FLUSH response") }
