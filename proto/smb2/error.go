package smb2

// ErrorResponse is the SMB2 ERROR response, the body of any response whose
// status is a failure (and of interim STATUS_PENDING responses). See
// [MS-SMB2] 2.2.2.
//
// Decode is lenient the way clients must be: servers send StructureSize 9
// with ByteCount 0 followed by one byte of padding, and some send only the 8
// fixed bytes.
type ErrorResponse struct {
	ErrorContextCount uint8 // 3.1.1: ErrorData is a list of ErrorContexts
	ErrorData         []byte
}

const errorResponseFixed = 8

// Error context ids. See [MS-SMB2] 2.2.2.1.
const (
	ErrorIDDefault       = 0x00000000 // SMB2_ERROR_ID_DEFAULT
	ErrorIDShareRedirect = 0x72645253 // SMB2_ERROR_ID_SHARE_REDIRECT
)

// ErrorContext is one 3.1.1 error context of an ERROR response. See
// [MS-SMB2] 2.2.2.1.
type ErrorContext struct {
	ErrorID uint32
	Data    []byte
}

// Size returns the encoded body size.
func (m *ErrorResponse) Size() int { return errorResponseFixed + max(len(m.ErrorData), 1) }

// Append appends the encoded body to dst.
func (m *ErrorResponse) Append(dst []byte) ([]byte, error) {
	if !fitsU32(len(m.ErrorData)) {
		return dst, errorf("ERROR response", "%d-byte error data", len(m.ErrorData))
	}
	dst = le.AppendUint16(dst, errorResponseFixed+1)
	dst = append(dst, m.ErrorContextCount, 0)
	dst = le.AppendUint32(dst, uint32(len(m.ErrorData)))
	if len(m.ErrorData) == 0 {
		return append(dst, 0), nil
	}
	return append(dst, m.ErrorData...), nil
}

// Decode decodes the body that follows the header.
func (m *ErrorResponse) Decode(body []byte) error {
	const msg = "ERROR response"
	if err := fixed(body, msg, errorResponseFixed, errorResponseFixed+1); err != nil {
		return err
	}
	n := uint64(le.Uint32(body[4:]))
	if n > uint64(len(body)-errorResponseFixed) {
		return shortf(msg, "ByteCount %d beyond %d-byte body", n, len(body))
	}
	*m = ErrorResponse{ErrorContextCount: body[2], ErrorData: clone(body[errorResponseFixed : errorResponseFixed+n])}
	return nil
}

// Contexts parses ErrorData as ErrorContextCount error contexts (3.1.1).
// Each starts 8-byte aligned. Data aliases ErrorData.
func (m *ErrorResponse) Contexts() ([]ErrorContext, error) {
	const msg = "ERROR response"
	if m.ErrorContextCount == 0 {
		return nil, nil
	}
	b := m.ErrorData
	cs := make([]ErrorContext, 0, m.ErrorContextCount)
	pos := 0
	for i := 0; i < int(m.ErrorContextCount); i++ {
		if i > 0 {
			pos = align8(pos)
		}
		if pos+8 > len(b) {
			return nil, shortf(msg, "error context %d beyond %d-byte data", i, len(b))
		}
		n := uint64(le.Uint32(b[pos:]))
		if n > uint64(len(b)-pos-8) {
			return nil, shortf(msg, "error context %d: ErrorDataLength %d beyond data", i, n)
		}
		end := pos + 8 + int(n)
		cs = append(cs, ErrorContext{ErrorID: le.Uint32(b[pos+4:]), Data: b[pos+8 : end : end]})
		pos = end
	}
	return cs, nil
}

// AppendErrorContexts appends cs as 3.1.1 error contexts, 8-byte aligned, for
// use as ErrorData with ErrorContextCount len(cs).
func AppendErrorContexts(dst []byte, cs []ErrorContext) ([]byte, error) {
	start := len(dst)
	for i, c := range cs {
		if !fitsU32(len(c.Data)) {
			return dst[:start], errorf("ERROR response", "error context %d too long", i)
		}
		if i > 0 {
			dst = pad8(dst, start)
		}
		dst = le.AppendUint32(dst, uint32(len(c.Data)))
		dst = le.AppendUint32(dst, c.ErrorID)
		dst = append(dst, c.Data...)
	}
	return dst, nil
}
