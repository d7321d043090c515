package smb2

// WriteRequest.Flags bits. See [MS-SMB2] 2.2.21.
const (
	WriteFlagWriteThrough    = 0x00000001 // SMB2_WRITEFLAG_WRITE_THROUGH
	WriteFlagWriteUnbuffered = 0x00000002 // SMB2_WRITEFLAG_WRITE_UNBUFFERED
)

// WriteRequest is the SMB2 WRITE request. See [MS-SMB2] 2.2.21.
//
// Data sits right after the 48 fixed bytes (DataOffset 112). ChannelInfo,
// used only with RDMA channels where Data is empty, follows Data.
type WriteRequest struct {
	Offset         uint64
	FileID         FileID
	Channel        uint32
	RemainingBytes uint32
	Flags          uint32 // WriteFlagWriteThrough, WriteFlagWriteUnbuffered
	Data           []byte
	ChannelInfo    []byte // WriteChannelInfo
}

const writeRequestFixed = 48

// WriteRequestDataOffset is the DataOffset of every WriteRequest encoding.
const WriteRequestDataOffset = HeaderSize + writeRequestFixed

// Size returns the encoded body size.
func (m *WriteRequest) Size() int {
	return writeRequestFixed + max(len(m.Data)+len(m.ChannelInfo), 1)
}

// Append appends the encoded body to dst.
func (m *WriteRequest) Append(dst []byte) ([]byte, error) {
	const msg = "WRITE request"
	if !fitsU32(len(m.Data)) {
		return dst, errorf(msg, "%d-byte data", len(m.Data))
	}
	ciOff := 0
	if len(m.ChannelInfo) > 0 {
		ciOff = WriteRequestDataOffset + len(m.Data)
		if !fitsU16(len(m.ChannelInfo)) || !fitsU16(ciOff) {
			return dst, errorf(msg, "channel info at %d, %d bytes does not fit", ciOff, len(m.ChannelInfo))
		}
	}
	dst = m.appendFixed(dst, uint16(ciOff))
	if len(m.Data)+len(m.ChannelInfo) == 0 {
		return append(dst, 0), nil
	}
	dst = append(dst, m.Data...)
	return append(dst, m.ChannelInfo...), nil
}

// AppendHeader appends only the fixed 48 bytes, with DataOffset 112 and
// Length len(Data), so the caller can send Data from its own buffer in the
// same vectored write without copying it. When Data is empty it appends the
// one pad byte the StructureSize asks for as well, so the result followed by
// Data is always a complete body. It refuses a request with ChannelInfo.
func (m *WriteRequest) AppendHeader(dst []byte) ([]byte, error) {
	const msg = "WRITE request"
	if len(m.ChannelInfo) > 0 {
		return dst, errorf(msg, "AppendHeader with channel info")
	}
	if !fitsU32(len(m.Data)) {
		return dst, errorf(msg, "%d-byte data", len(m.Data))
	}
	dst = m.appendFixed(dst, 0)
	if len(m.Data) == 0 {
		dst = append(dst, 0)
	}
	return dst, nil
}

func (m *WriteRequest) appendFixed(dst []byte, ciOff uint16) []byte {
	dst = le.AppendUint16(dst, writeRequestFixed+1)
	dst = le.AppendUint16(dst, WriteRequestDataOffset)
	dst = le.AppendUint32(dst, uint32(len(m.Data)))
	dst = le.AppendUint64(dst, m.Offset)
	dst = m.FileID.Append(dst)
	dst = le.AppendUint32(dst, m.Channel)
	dst = le.AppendUint32(dst, m.RemainingBytes)
	dst = le.AppendUint16(dst, ciOff)
	dst = le.AppendUint16(dst, uint16(len(m.ChannelInfo)))
	return le.AppendUint32(dst, m.Flags)
}

// Decode decodes the body that follows the header, copying Data.
func (m *WriteRequest) Decode(body []byte) error {
	if err := m.DecodeAlias(body); err != nil {
		return err
	}
	m.Data = clone(m.Data)
	m.ChannelInfo = clone(m.ChannelInfo)
	return nil
}

// DecodeAlias is Decode without the copies: Data and ChannelInfo alias body.
func (m *WriteRequest) DecodeAlias(body []byte) error {
	const msg = "WRITE request"
	if err := fixed(body, msg, writeRequestFixed, writeRequestFixed+1); err != nil {
		return err
	}
	data, err := field(body, msg, "Data", uint64(le.Uint16(body[2:])), uint64(le.Uint32(body[4:])))
	if err != nil {
		return err
	}
	ci, err := field(body, msg, "WriteChannelInfo", uint64(le.Uint16(body[40:])), uint64(le.Uint16(body[42:])))
	if err != nil {
		return err
	}
	*m = WriteRequest{
		Offset:         le.Uint64(body[8:]),
		FileID:         decodeFileID(body[16:]),
		Channel:        le.Uint32(body[32:]),
		RemainingBytes: le.Uint32(body[36:]),
		Flags:          le.Uint32(body[44:]),
		Data:           data,
		ChannelInfo:    ci,
	}
	return nil
}

// WriteResponse is the SMB2 WRITE response. See [MS-SMB2] 2.2.22.
type WriteResponse struct {
	Count     uint32
	Remaining uint32 // reserved, 0
}

const writeResponseFixed = 16

// Size returns 17: the 16 fixed bytes and the pad byte of StructureSize 17.
func (m *WriteResponse) Size() int { return writeResponseFixed + 1 }

// Append appends the encoded body to dst.
func (m *WriteResponse) Append(dst []byte) ([]byte, error) {
	dst = le.AppendUint16(dst, writeResponseFixed+1)
	dst = le.AppendUint16(dst, 0) // Reserved
	dst = le.AppendUint32(dst, m.Count)
	dst = le.AppendUint32(dst, m.Remaining)
	dst = le.AppendUint32(dst, 0) // WriteChannelInfoOffset, WriteChannelInfoLength
	return append(dst, 0), nil
}

// Decode decodes the body that follows the header. The pad byte is
// optional.
func (m *WriteResponse) Decode(body []byte) error {
	if err := fixed(body, "WRITE response", writeResponseFixed, writeResponseFixed+1); err != nil {
		return err
	}
	*m = WriteResponse{Count: le.Uint32(body[4:]), Remaining: le.Uint32(body[8:])}
	return nil
}
