package smb2

// SetInfoRequest is the SMB2 SET_INFO request. FileInfoClass is as in
// QueryInfoRequest. See [MS-SMB2] 2.2.39.
type SetInfoRequest struct {
	InfoType              InfoType
	FileInfoClass         uint8
	AdditionalInformation uint32
	FileID                FileID
	Buffer                []byte
}

const setInfoRequestFixed = 32

// Size returns the encoded body size.
func (m *SetInfoRequest) Size() int { return setInfoRequestFixed + max(len(m.Buffer), 1) }

// Append appends the encoded body to dst.
func (m *SetInfoRequest) Append(dst []byte) ([]byte, error) {
	if !fitsU32(len(m.Buffer)) {
		return dst, errorf("SET_INFO request", "%d-byte buffer", len(m.Buffer))
	}
	dst = le.AppendUint16(dst, setInfoRequestFixed+1)
	dst = append(dst, byte(m.InfoType), m.FileInfoClass)
	dst = le.AppendUint32(dst, uint32(len(m.Buffer)))
	dst = le.AppendUint16(dst, HeaderSize+setInfoRequestFixed)
	dst = le.AppendUint16(dst, 0) // Reserved
	dst = le.AppendUint32(dst, m.AdditionalInformation)
	dst = m.FileID.Append(dst)
	if len(m.Buffer) == 0 {
		return append(dst, 0), nil
	}
	return append(dst, m.Buffer...), nil
}

// Decode decodes the body that follows the header.
func (m *SetInfoRequest) Decode(body []byte) error {
	const msg = "SET_INFO request"
	if err := fixed(body, msg, setInfoRequestFixed, setInfoRequestFixed+1); err != nil {
		return err
	}
	b, err := field(body, msg, "Buffer", uint64(le.Uint16(body[8:])), uint64(le.Uint32(body[4:])))
	if err != nil {
		return err
	}
	*m = SetInfoRequest{
		InfoType:              InfoType(body[2]),
		FileInfoClass:         body[3],
		AdditionalInformation: le.Uint32(body[12:]),
		FileID:                decodeFileID(body[16:]),
		Buffer:                clone(b),
	}
	return nil
}

// SetInfoResponse is the SMB2 SET_INFO response: StructureSize 2 and
// nothing else. See [MS-SMB2] 2.2.40.
type SetInfoResponse struct{}

// Size returns 2.
func (m *SetInfoResponse) Size() int { return 2 }

// Append appends the encoded body to dst.
func (m *SetInfoResponse) Append(dst []byte) ([]byte, error) { return append(dst, 2, 0), nil }

// Decode decodes the body that follows the header.
func (m *SetInfoResponse) Decode(body []byte) error { return fixed(body, "SET_INFO response", 2, 2) }
