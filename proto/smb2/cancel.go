package smb2

// CancelRequest is the SMB2 CANCEL request. It has no response: the
// cancelled request completes instead, usually with STATUS_CANCELLED. It
// carries the MessageId (or AsyncId) of that request in its header. See
// [MS-SMB2] 2.2.30.
type CancelRequest struct{}

// Size returns the encoded body size, 4.
func (m *CancelRequest) Size() int { return 4 }

// Append appends the encoded body to dst.
func (m *CancelRequest) Append(dst []byte) ([]byte, error) { return appendEmpty(dst), nil }

// Decode decodes the body that follows the header.
func (m *CancelRequest) Decode(body []byte) error { return decodeEmpty(body, "CANCEL request") }
