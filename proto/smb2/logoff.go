package smb2

// LogoffRequest is the SMB2 LOGOFF request. See [MS-SMB2] 2.2.7.
type LogoffRequest struct{}

// Size returns the encoded body size, 4.
func (m *LogoffRequest) Size() int { return 4 }

// Append appends the encoded body to dst.
func (m *LogoffRequest) Append(dst []byte) ([]byte, error) { return appendEmpty(dst), nil }

// Decode decodes the body that follows the header.
func (m *LogoffRequest) Decode(body []byte) error { return decodeEmpty(body, "LOGOFF request") }

// LogoffResponse is the SMB2 LOGOFF response. See [MS-SMB2] 2.2.8.
type LogoffResponse struct{}

// Size returns the encoded body size, 4.
func (m *LogoffResponse) Size() int { return 4 }

// Append appends the encoded body to dst.
func (m *LogoffResponse) Append(dst []byte) ([]byte, error) { return appendEmpty(dst), nil }

// Decode decodes the body that follows the header.
func (m *LogoffResponse) Decode(body []byte) error { return decodeEmpty(body, "LOGOFF response") }
