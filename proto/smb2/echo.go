package smb2

// EchoRequest is the SMB2 ECHO request. See [MS-SMB2] 2.2.28.
type EchoRequest struct{}

// Size returns the encoded body size, 4.
func (m *EchoRequest) Size() int { return 4 }

// Append appends the encoded body to dst.
func (m *EchoRequest) Append(dst []byte) ([]byte, error) { return appendEmpty(dst), nil }

// Decode decodes the body that follows the header.
func (m *EchoRequest) Decode(body []byte) error { return decodeEmpty(body, "ECHO request") }

// EchoResponse is the SMB2 ECHO response. See [MS-SMB2] 2.2.29.
type EchoResponse struct{}

// Size returns the encoded body size, 4.
func (m *EchoResponse) Size() int { return 4 }

// Append appends the encoded body to dst.
func (m *EchoResponse) Append(dst []byte) ([]byte, error) { return appendEmpty(dst), nil }

// Decode decodes the body that follows the header.
func (m *EchoResponse) Decode(body []byte) error { return decodeEmpty(body, "ECHO response") }
