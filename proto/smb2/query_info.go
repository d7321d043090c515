package smb2

// QueryInfoRequest is the SMB2 QUERY_INFO request. FileInfoClass holds a
// FileInfoClass for InfoFile, an FsInfoClass for InfoFilesystem and 0 for
// InfoSecurity; QueryFileInfo, QueryFsInfo and QuerySecurityInfo fill it in
// from the typed classes. See [MS-SMB2] 2.2.37.
type QueryInfoRequest struct {
	InfoType              InfoType
	FileInfoClass         uint8
	OutputBufferLength    uint32
	Input                 []byte // FileFullEaInformation names, or quota SIDs
	AdditionalInformation uint32 // ...SecurityInformation bits for InfoSecurity
	Flags                 uint32 // SLRestartScan, ...
	FileID                FileID
}

// QueryFileInfo returns a request for file information class c.
func QueryFileInfo(id FileID, c FileInfoClass, outLen uint32) *QueryInfoRequest {
	return &QueryInfoRequest{InfoType: InfoFile, FileInfoClass: uint8(c), OutputBufferLength: outLen, FileID: id}
}

// QueryFsInfo returns a request for file system information class c.
func QueryFsInfo(id FileID, c FsInfoClass, outLen uint32) *QueryInfoRequest {
	return &QueryInfoRequest{InfoType: InfoFilesystem, FileInfoClass: uint8(c), OutputBufferLength: outLen, FileID: id}
}

// QuerySecurityInfo returns a request for the security descriptor parts
// selected by additional (OwnerSecurityInformation, ...).
func QuerySecurityInfo(id FileID, additional uint32, outLen uint32) *QueryInfoRequest {
	return &QueryInfoRequest{InfoType: InfoSecurity, AdditionalInformation: additional, OutputBufferLength: outLen, FileID: id}
}

const queryInfoRequestFixed = 40

// Size returns the encoded body size.
func (m *QueryInfoRequest) Size() int { return queryInfoRequestFixed + max(len(m.Input), 1) }

// Append appends the encoded body to dst.
func (m *QueryInfoRequest) Append(dst []byte) ([]byte, error) {
	if !fitsU32(len(m.Input)) {
		return dst, errorf("QUERY_INFO request", "%d-byte input", len(m.Input))
	}
	dst = le.AppendUint16(dst, queryInfoRequestFixed+1)
	dst = append(dst, byte(m.InfoType), m.FileInfoClass)
	dst = le.AppendUint32(dst, m.OutputBufferLength)
	dst = le.AppendUint16(dst, HeaderSize+queryInfoRequestFixed)
	dst = le.AppendUint16(dst, 0) // Reserved
	dst = le.AppendUint32(dst, uint32(len(m.Input)))
	dst = le.AppendUint32(dst, m.AdditionalInformation)
	dst = le.AppendUint32(dst, m.Flags)
	dst = m.FileID.Append(dst)
	if len(m.Input) == 0 {
		return append(dst, 0), nil
	}
	return append(dst, m.Input...), nil
}

// Decode decodes the body that follows the header.
func (m *QueryInfoRequest) Decode(body []byte) error {
	const msg = "QUERY_INFO request"
	if err := fixed(body, msg, queryInfoRequestFixed, queryInfoRequestFixed+1); err != nil {
		return err
	}
	in, err := field(body, msg, "InputBuffer", uint64(le.Uint16(body[8:])), uint64(le.Uint32(body[12:])))
	if err != nil {
		return err
	}
	*m = QueryInfoRequest{
		InfoType:              InfoType(body[2]),
		FileInfoClass:         body[3],
		OutputBufferLength:    le.Uint32(body[4:]),
		Input:                 clone(in),
		AdditionalInformation: le.Uint32(body[16:]),
		Flags:                 le.Uint32(body[20:]),
		FileID:                decodeFileID(body[24:]),
	}
	return nil
}

// QueryInfoResponse is the SMB2 QUERY_INFO response: the raw information
// structure. See [MS-SMB2] 2.2.38.
type QueryInfoResponse struct {
	Buffer []byte
}

// Size returns the encoded body size.
func (m *QueryInfoResponse) Size() int { return outputBufferSize(m.Buffer) }

// Append appends the encoded body to dst.
func (m *QueryInfoResponse) Append(dst []byte) ([]byte, error) {
	return appendOutputBuffer(dst, "QUERY_INFO response", m.Buffer)
}

// Decode decodes the body that follows the header, copying Buffer.
func (m *QueryInfoResponse) Decode(body []byte) error {
	b, err := decodeOutputBuffer(body, "QUERY_INFO response")
	if err != nil {
		return err
	}
	m.Buffer = clone(b)
	return nil
}
