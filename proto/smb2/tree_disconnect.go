package smb2

// TreeDisconnectRequest is the SMB2 TREE_DISCONNECT request. See [MS-SMB2]
// 2.2.11.
type TreeDisconnectRequest struct{}

// Size returns the encoded body size, 4.
func (m *TreeDisconnectRequest) Size() int { return 4 }

// Append appends the encoded body to dst.
func (m *TreeDisconnectRequest) Append(dst []byte) ([]byte, error) { return appendEmpty(dst), nil }

// Decode decodes the body that follows the header.
func (m *TreeDisconnectRequest) Decode(body []byte) error {
	return decodeEmpty(body, "TREE_DISCONNECT request")
}

// TreeDisconnectResponse is the SMB2 TREE_DISCONNECT response. See [MS-SMB2]
// 2.2.12.
type TreeDisconnectResponse struct{}

// Size returns the encoded body size, 4.
func (m *TreeDisconnectResponse) Size() int { return 4 }

// Append appends the encoded body to dst.
func (m *TreeDisconnectResponse) Append(dst []byte) ([]byte, error) { return appendEmpty(dst), nil }

// Decode decodes the body that follows the header.
func (m *TreeDisconnectResponse) Decode(body []byte) error {
	return decodeEmpty(body, "TREE_DISCONNECT response")
}
