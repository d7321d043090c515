package smb2

// QueryDirectoryRequest.Flags bits. See [MS-SMB2] 2.2.33.
const (
	QueryDirectoryRestartScans      = 0x01 // SMB2_RESTART_SCANS
	QueryDirectoryReturnSingleEntry = 0x02 // SMB2_RETURN_SINGLE_ENTRY
	QueryDirectoryIndexSpecified    = 0x04 // SMB2_INDEX_SPECIFIED
	QueryDirectoryReopen            = 0x10 // SMB2_REOPEN
)

// QueryDirectoryRequest is the SMB2 QUERY_DIRECTORY request. See [MS-SMB2]
// 2.2.33.
type QueryDirectoryRequest struct {
	FileInformationClass FileInfoClass
	Flags                uint8 // QueryDirectoryRestartScans, ...
	FileIndex            uint32
	FileID               FileID
	FileName             string // search pattern, "*" for all
	OutputBufferLength   uint32
}

const queryDirectoryRequestFixed = 32

// Size returns the encoded body size.
func (m *QueryDirectoryRequest) Size() int {
	return queryDirectoryRequestFixed + max(utf16Len(m.FileName), 1)
}

// Append appends the encoded body to dst.
func (m *QueryDirectoryRequest) Append(dst []byte) ([]byte, error) {
	n := utf16Len(m.FileName)
	if !fitsU16(n) {
		return dst, errorf("QUERY_DIRECTORY request", "%d-byte file name", n)
	}
	dst = le.AppendUint16(dst, queryDirectoryRequestFixed+1)
	dst = append(dst, byte(m.FileInformationClass), m.Flags)
	dst = le.AppendUint32(dst, m.FileIndex)
	dst = m.FileID.Append(dst)
	dst = le.AppendUint16(dst, HeaderSize+queryDirectoryRequestFixed)
	dst = le.AppendUint16(dst, uint16(n))
	dst = le.AppendUint32(dst, m.OutputBufferLength)
	if n == 0 {
		return append(dst, 0), nil
	}
	return appendUTF16(dst, m.FileName), nil
}

// Decode decodes the body that follows the header.
func (m *QueryDirectoryRequest) Decode(body []byte) error {
	const msg = "QUERY_DIRECTORY request"
	if err := fixed(body, msg, queryDirectoryRequestFixed, queryDirectoryRequestFixed+1); err != nil {
		return err
	}
	nb, err := field(body, msg, "FileName", uint64(le.Uint16(body[24:])), uint64(le.Uint16(body[26:])))
	if err != nil {
		return err
	}
	name, err := decodeUTF16(nb, msg, "FileName")
	if err != nil {
		return err
	}
	*m = QueryDirectoryRequest{
		FileInformationClass: FileInfoClass(body[2]),
		Flags:                body[3],
		FileIndex:            le.Uint32(body[4:]),
		FileID:               decodeFileID(body[8:]),
		FileName:             name,
		OutputBufferLength:   le.Uint32(body[28:]),
	}
	return nil
}

// QueryDirectoryResponse is the SMB2 QUERY_DIRECTORY response: the raw
// entries of the requested class, chained by NextEntryOffset (walk them
// with Entries). See [MS-SMB2] 2.2.34.
type QueryDirectoryResponse struct {
	Buffer []byte
}

// Size returns the encoded body size.
func (m *QueryDirectoryResponse) Size() int { return outputBufferSize(m.Buffer) }

// Append appends the encoded body to dst.
func (m *QueryDirectoryResponse) Append(dst []byte) ([]byte, error) {
	return appendOutputBuffer(dst, "QUERY_DIRECTORY response", m.Buffer)
}

// Decode decodes the body that follows the header, copying Buffer.
func (m *QueryDirectoryResponse) Decode(body []byte) error {
	b, err := decodeOutputBuffer(body, "QUERY_DIRECTORY response")
	if err != nil {
		return err
	}
	m.Buffer = clone(b)
	return nil
}
