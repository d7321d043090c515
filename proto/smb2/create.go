package smb2

// CreateRequest is the SMB2 CREATE request. See [MS-SMB2] 2.2.13.
//
// Name is relative to the share, without a leading backslash, sent as
// UTF-16LE; the empty name opens the share root. Contexts are chained with
// 8-byte alignment after the name.
type CreateRequest struct {
	SecurityFlags        uint8 // reserved, 0
	RequestedOplockLevel OplockLevel
	ImpersonationLevel   ImpersonationLevel
	SmbCreateFlags       uint64 // reserved, 0
	DesiredAccess        AccessMask
	FileAttributes       FileAttributes
	ShareAccess          ShareAccess
	CreateDisposition    CreateDisposition
	CreateOptions        CreateOptions
	Name                 string
	Contexts             []CreateContext
}

const createRequestFixed = 56

func (m *CreateRequest) contextsStart(nameLen int) int {
	if len(m.Contexts) == 0 {
		return 0
	}
	return align8(createRequestFixed + nameLen)
}

// Size returns the encoded body size.
func (m *CreateRequest) Size() int {
	n := utf16Len(m.Name)
	if len(m.Contexts) == 0 {
		// "In the request, the Buffer field MUST be at least one byte in length."
		return createRequestFixed + max(n, 1)
	}
	return m.contextsStart(n) + createContextsSize(m.Contexts)
}

// Append appends the encoded body to dst.
func (m *CreateRequest) Append(dst []byte) ([]byte, error) {
	const msg = "CREATE request"
	n := utf16Len(m.Name)
	if !fitsU16(n) {
		return dst, errorf(msg, "%d-byte name", n)
	}
	if err := checkCreateContexts(m.Contexts, msg); err != nil {
		return dst, err
	}
	cs := m.contextsStart(n)
	ctxLen := createContextsSize(m.Contexts)
	if !fitsU32(cs + ctxLen) {
		return dst, errorf(msg, "create contexts too large")
	}
	start := len(dst)
	dst = le.AppendUint16(dst, createRequestFixed+1)
	dst = append(dst, m.SecurityFlags, byte(m.RequestedOplockLevel))
	dst = le.AppendUint32(dst, uint32(m.ImpersonationLevel))
	dst = le.AppendUint64(dst, m.SmbCreateFlags)
	dst = le.AppendUint64(dst, 0) // Reserved
	dst = le.AppendUint32(dst, uint32(m.DesiredAccess))
	dst = le.AppendUint32(dst, uint32(m.FileAttributes))
	dst = le.AppendUint32(dst, uint32(m.ShareAccess))
	dst = le.AppendUint32(dst, uint32(m.CreateDisposition))
	dst = le.AppendUint32(dst, uint32(m.CreateOptions))
	dst = le.AppendUint16(dst, HeaderSize+createRequestFixed)
	dst = le.AppendUint16(dst, uint16(n))
	if cs != 0 {
		dst = le.AppendUint32(dst, uint32(HeaderSize+cs))
	} else {
		dst = le.AppendUint32(dst, 0)
	}
	dst = le.AppendUint32(dst, uint32(ctxLen))
	dst = appendUTF16(dst, m.Name)
	if len(m.Contexts) > 0 {
		dst = pad8(dst, start)
		dst = appendCreateContexts(dst, m.Contexts)
	} else if n == 0 {
		dst = append(dst, 0)
	}
	return dst, nil
}

// Decode decodes the body that follows the header.
func (m *CreateRequest) Decode(body []byte) error {
	const msg = "CREATE request"
	if err := fixed(body, msg, createRequestFixed, createRequestFixed+1); err != nil {
		return err
	}
	nb, err := field(body, msg, "Name", uint64(le.Uint16(body[44:])), uint64(le.Uint16(body[46:])))
	if err != nil {
		return err
	}
	name, err := decodeUTF16(nb, msg, "Name")
	if err != nil {
		return err
	}
	list, err := field(body, msg, "CreateContexts", uint64(le.Uint32(body[48:])), uint64(le.Uint32(body[52:])))
	if err != nil {
		return err
	}
	cs, err := decodeCreateContexts(list, msg)
	if err != nil {
		return err
	}
	*m = CreateRequest{
		SecurityFlags:        body[2],
		RequestedOplockLevel: OplockLevel(body[3]),
		ImpersonationLevel:   ImpersonationLevel(le.Uint32(body[4:])),
		SmbCreateFlags:       le.Uint64(body[8:]),
		DesiredAccess:        AccessMask(le.Uint32(body[24:])),
		FileAttributes:       FileAttributes(le.Uint32(body[28:])),
		ShareAccess:          ShareAccess(le.Uint32(body[32:])),
		CreateDisposition:    CreateDisposition(le.Uint32(body[36:])),
		CreateOptions:        CreateOptions(le.Uint32(body[40:])),
		Name:                 name,
		Contexts:             cs,
	}
	return nil
}

// CreateResponse is the SMB2 CREATE response. See [MS-SMB2] 2.2.14. Times
// are FILETIMEs (see FiletimeToTime).
type CreateResponse struct {
	OplockLevel    OplockLevel
	Flags          uint8 // CreateFlagReparsePoint
	CreateAction   CreateAction
	CreationTime   uint64
	LastAccessTime uint64
	LastWriteTime  uint64
	ChangeTime     uint64
	AllocationSize uint64
	EndOfFile      uint64
	FileAttributes FileAttributes
	FileID         FileID
	Contexts       []CreateContext
}

const createResponseFixed = 88

// Size returns the encoded body size.
func (m *CreateResponse) Size() int {
	if len(m.Contexts) == 0 {
		return createResponseFixed + 1
	}
	return createResponseFixed + createContextsSize(m.Contexts)
}

// Append appends the encoded body to dst.
func (m *CreateResponse) Append(dst []byte) ([]byte, error) {
	const msg = "CREATE response"
	if err := checkCreateContexts(m.Contexts, msg); err != nil {
		return dst, err
	}
	ctxLen := createContextsSize(m.Contexts)
	if !fitsU32(createResponseFixed + ctxLen) {
		return dst, errorf(msg, "create contexts too large")
	}
	dst = le.AppendUint16(dst, createResponseFixed+1)
	dst = append(dst, byte(m.OplockLevel), m.Flags)
	dst = le.AppendUint32(dst, uint32(m.CreateAction))
	dst = le.AppendUint64(dst, m.CreationTime)
	dst = le.AppendUint64(dst, m.LastAccessTime)
	dst = le.AppendUint64(dst, m.LastWriteTime)
	dst = le.AppendUint64(dst, m.ChangeTime)
	dst = le.AppendUint64(dst, m.AllocationSize)
	dst = le.AppendUint64(dst, m.EndOfFile)
	dst = le.AppendUint32(dst, uint32(m.FileAttributes))
	dst = le.AppendUint32(dst, 0) // Reserved2
	dst = m.FileID.Append(dst)
	if len(m.Contexts) == 0 {
		dst = le.AppendUint64(dst, 0) // CreateContextsOffset, CreateContextsLength
		return append(dst, 0), nil
	}
	dst = le.AppendUint32(dst, HeaderSize+createResponseFixed) // 152, 8-byte aligned
	dst = le.AppendUint32(dst, uint32(ctxLen))
	return appendCreateContexts(dst, m.Contexts), nil
}

// Decode decodes the body that follows the header.
func (m *CreateResponse) Decode(body []byte) error {
	const msg = "CREATE response"
	if err := fixed(body, msg, createResponseFixed, createResponseFixed+1); err != nil {
		return err
	}
	list, err := field(body, msg, "CreateContexts", uint64(le.Uint32(body[80:])), uint64(le.Uint32(body[84:])))
	if err != nil {
		return err
	}
	cs, err := decodeCreateContexts(list, msg)
	if err != nil {
		return err
	}
	*m = CreateResponse{
		OplockLevel:    OplockLevel(body[2]),
		Flags:          body[3],
		CreateAction:   CreateAction(le.Uint32(body[4:])),
		CreationTime:   le.Uint64(body[8:]),
		LastAccessTime: le.Uint64(body[16:]),
		LastWriteTime:  le.Uint64(body[24:]),
		ChangeTime:     le.Uint64(body[32:]),
		AllocationSize: le.Uint64(body[40:]),
		EndOfFile:      le.Uint64(body[48:]),
		FileAttributes: FileAttributes(le.Uint32(body[56:])),
		FileID:         decodeFileID(body[64:]),
		Contexts:       cs,
	}
	return nil
}
