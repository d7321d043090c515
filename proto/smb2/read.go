package smb2

// ReadRequest.Flags bits. See [MS-SMB2] 2.2.19.
const (
	ReadFlagUnbuffered        = 0x01 // SMB2_READFLAG_READ_UNBUFFERED
	ReadFlagRequestCompressed = 0x02 // SMB2_READFLAG_REQUEST_COMPRESSED
)

// ReadResponse.Flags bits. See [MS-SMB2] 2.2.20.
const (
	ReadFlagResponseRDMATransform = 0x00000001 // SMB2_READFLAG_RESPONSE_RDMA_TRANSFORM
)

// Channel values of READ and WRITE requests. See [MS-SMB2] 2.2.19.
const (
	ChannelNone             = 0x00000000 // SMB2_CHANNEL_NONE
	ChannelRDMAV1           = 0x00000001 // SMB2_CHANNEL_RDMA_V1
	ChannelRDMAV1Invalidate = 0x00000002 // SMB2_CHANNEL_RDMA_V1_INVALIDATE
	ChannelRDMATransform    = 0x00000003 // SMB2_CHANNEL_RDMA_TRANSFORM
)

// ReadRequest is the SMB2 READ request. See [MS-SMB2] 2.2.19.
type ReadRequest struct {
	Padding        uint8 // where the server should put the data, from the header start; 0x50 usual
	Flags          uint8 // ReadFlagUnbuffered, ReadFlagRequestCompressed
	Length         uint32
	Offset         uint64
	FileID         FileID
	MinimumCount   uint32
	Channel        uint32
	RemainingBytes uint32
	ChannelInfo    []byte // ReadChannelInfo, for RDMA channels
}

const readRequestFixed = 48

// Size returns the encoded body size.
func (m *ReadRequest) Size() int { return readRequestFixed + max(len(m.ChannelInfo), 1) }

// Append appends the encoded body to dst.
func (m *ReadRequest) Append(dst []byte) ([]byte, error) {
	if !fitsU16(len(m.ChannelInfo)) {
		return dst, errorf("READ request", "%d-byte channel info", len(m.ChannelInfo))
	}
	dst = le.AppendUint16(dst, readRequestFixed+1)
	dst = append(dst, m.Padding, m.Flags)
	dst = le.AppendUint32(dst, m.Length)
	dst = le.AppendUint64(dst, m.Offset)
	dst = m.FileID.Append(dst)
	dst = le.AppendUint32(dst, m.MinimumCount)
	dst = le.AppendUint32(dst, m.Channel)
	dst = le.AppendUint32(dst, m.RemainingBytes)
	if len(m.ChannelInfo) == 0 {
		dst = le.AppendUint32(dst, 0) // ReadChannelInfoOffset, ReadChannelInfoLength
		// "The SMB2 READ Request MUST have a Buffer of at least one byte."
		return append(dst, 0), nil
	}
	dst = le.AppendUint16(dst, HeaderSize+readRequestFixed)
	dst = le.AppendUint16(dst, uint16(len(m.ChannelInfo)))
	return append(dst, m.ChannelInfo...), nil
}

// Decode decodes the body that follows the header.
func (m *ReadRequest) Decode(body []byte) error {
	const msg = "READ request"
	if err := fixed(body, msg, readRequestFixed, readRequestFixed+1); err != nil {
		return err
	}
	ci, err := field(body, msg, "ReadChannelInfo", uint64(le.Uint16(body[44:])), uint64(le.Uint16(body[46:])))
	if err != nil {
		return err
	}
	*m = ReadRequest{
		Padding:        body[2],
		Flags:          body[3],
		Length:         le.Uint32(body[4:]),
		Offset:         le.Uint64(body[8:]),
		FileID:         decodeFileID(body[16:]),
		MinimumCount:   le.Uint32(body[32:]),
		Channel:        le.Uint32(body[36:]),
		RemainingBytes: le.Uint32(body[40:]),
		ChannelInfo:    clone(ci),
	}
	return nil
}

// ReadResponse is the SMB2 READ response. See [MS-SMB2] 2.2.20.
type ReadResponse struct {
	DataRemaining uint32
	Flags         uint32 // ReadFlagResponseRDMATransform
	Data          []byte
}

const readResponseFixed = 16

// ReadResponseDataOffset is where Append puts the data, from the header start.
const ReadResponseDataOffset = HeaderSize + readResponseFixed

// Size returns the encoded body size.
func (m *ReadResponse) Size() int { return readResponseFixed + max(len(m.Data), 1) }

// Append appends the encoded body to dst.
func (m *ReadResponse) Append(dst []byte) ([]byte, error) {
	dst, err := m.AppendHeader(dst)
	if err != nil {
		return dst, err
	}
	if len(m.Data) == 0 {
		return dst, nil
	}
	return append(dst, m.Data...), nil
}

// AppendHeader appends the 16 fixed bytes with DataOffset 80 and DataLength
// len(Data), so a server can send Data from its own buffer in the same
// vectored write. When Data is empty it appends the one pad byte too, so the
// result followed by Data is always a complete body.
func (m *ReadResponse) AppendHeader(dst []byte) ([]byte, error) {
	if !fitsU32(len(m.Data)) {
		return dst, errorf("READ response", "%d-byte data", len(m.Data))
	}
	dst = append(dst, readResponseFixed+1, 0, ReadResponseDataOffset, 0) // StructureSize 17, DataOffset, Reserved
	dst = le.AppendUint32(dst, uint32(len(m.Data)))
	dst = le.AppendUint32(dst, m.DataRemaining)
	dst = le.AppendUint32(dst, m.Flags)
	if len(m.Data) == 0 {
		dst = append(dst, 0)
	}
	return dst, nil
}

// Decode decodes the body that follows the header, copying Data.
func (m *ReadResponse) Decode(body []byte) error {
	if err := m.DecodeAlias(body); err != nil {
		return err
	}
	m.Data = clone(m.Data)
	return nil
}

// DecodeAlias is Decode without the copy: Data aliases body, so it is valid
// only while body is. It does not allocate.
func (m *ReadResponse) DecodeAlias(body []byte) error {
	const msg = "READ response"
	if err := fixed(body, msg, readResponseFixed, readResponseFixed+1); err != nil {
		return err
	}
	// DataOffset is one byte, "from the beginning of the SMB2 header".
	data, err := field(body, msg, "Data", uint64(body[2]), uint64(le.Uint32(body[4:])))
	if err != nil {
		return err
	}
	*m = ReadResponse{
		DataRemaining: le.Uint32(body[8:]),
		Flags:         le.Uint32(body[12:]),
		Data:          data,
	}
	return nil
}
