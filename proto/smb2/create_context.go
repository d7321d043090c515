package smb2

import "github.com/gosmb/gosmb/proto/ntstatus"

// Create context names. Most are four ASCII bytes; some are 16-byte GUIDs in
// wire order. See [MS-SMB2] 2.2.13.2 and 2.2.14.2.
const (
	CreateContextEABuffer                 = "ExtA"                                                             // SMB2_CREATE_EA_BUFFER
	CreateContextSecurityDescriptor       = "SecD"                                                             // SMB2_CREATE_SD_BUFFER
	CreateContextDurableHandleRequest     = "DHnQ"                                                             // SMB2_CREATE_DURABLE_HANDLE_REQUEST (and its response)
	CreateContextDurableHandleReconnect   = "DHnC"                                                             // SMB2_CREATE_DURABLE_HANDLE_RECONNECT
	CreateContextAllocationSize           = "AlSi"                                                             // SMB2_CREATE_ALLOCATION_SIZE
	CreateContextQueryMaximalAccess       = "MxAc"                                                             // SMB2_CREATE_QUERY_MAXIMAL_ACCESS_REQUEST (and response)
	CreateContextTimewarpToken            = "TWrp"                                                             // SMB2_CREATE_TIMEWARP_TOKEN
	CreateContextQueryOnDiskID            = "QFid"                                                             // SMB2_CREATE_QUERY_ON_DISK_ID
	CreateContextRequestLease             = "RqLs"                                                             // SMB2_CREATE_REQUEST_LEASE (v1 and v2, and the response)
	CreateContextDurableHandleRequestV2   = "DH2Q"                                                             // SMB2_CREATE_DURABLE_HANDLE_REQUEST_V2 (and response)
	CreateContextDurableHandleReconnectV2 = "DH2C"                                                             // SMB2_CREATE_DURABLE_HANDLE_RECONNECT_V2
	CreateContextPosix                    = "\x93\xAD\x25\x50\x9C\xB4\x11\xE7\xB4\x23\x83\xDE\x96\x8B\xCD\x7C" // SMB3 POSIX extensions
	CreateContextAppInstanceID            = "\x45\xBC\xA6\x6A\xEF\xA7\xF7\x4A\x90\x08\xFA\x46\x2E\x14\x4D\x74" // SMB2_CREATE_APP_INSTANCE_ID
	CreateContextAppInstanceVersion       = "\xB9\x82\xD0\xB7\x3B\x56\x07\x4F\xA0\x7B\x52\x4A\x81\x16\xA0\x10" // SMB2_CREATE_APP_INSTANCE_VERSION
)

// CreateContext is one SMB2_CREATE_CONTEXT of a CREATE request or response.
// Name holds the raw name bytes ("MxAc", or a binary GUID). See [MS-SMB2]
// 2.2.13.2.
type CreateContext struct {
	Name string
	Data []byte
}

const createContextHeader = 16

// dataOffset returns the context-relative offset of Data, 8-byte aligned.
func (c *CreateContext) dataOffset() int { return align8(createContextHeader + len(c.Name)) }

// size returns the unpadded encoded size of c.
func (c *CreateContext) size() int {
	if len(c.Data) == 0 {
		return createContextHeader + len(c.Name)
	}
	return c.dataOffset() + len(c.Data)
}

// createContextsSize returns the size of a chained list: every context but
// the last is padded to 8 bytes.
func createContextsSize(cs []CreateContext) int {
	n := 0
	for i := range cs {
		if i > 0 {
			n = align8(n)
		}
		n += cs[i].size()
	}
	return n
}

func checkCreateContexts(cs []CreateContext, msg string) error {
	for i := range cs {
		c := &cs[i]
		tooBig := !fitsU16(len(c.Name)) || !fitsU32(len(c.Data)) || !fitsU32(align8(c.size()))
		if len(c.Data) > 0 && !fitsU16(c.dataOffset()) { // DataOffset is 16 bits
			tooBig = true
		}
		if tooBig {
			return errorf(msg, "create context %d too large", i)
		}
	}
	return nil
}

// appendCreateContexts appends the chained list. The caller has aligned dst
// and checked sizes.
func appendCreateContexts(dst []byte, cs []CreateContext) []byte {
	for i := range cs {
		c := &cs[i]
		start := len(dst)
		var next, dataOff int
		if i < len(cs)-1 {
			next = align8(c.size())
		}
		if len(c.Data) > 0 {
			dataOff = c.dataOffset()
		}
		dst = le.AppendUint32(dst, uint32(next))
		dst = le.AppendUint16(dst, createContextHeader) // NameOffset
		dst = le.AppendUint16(dst, uint16(len(c.Name)))
		dst = le.AppendUint16(dst, 0) // Reserved
		dst = le.AppendUint16(dst, uint16(dataOff))
		dst = le.AppendUint32(dst, uint32(len(c.Data)))
		dst = append(dst, c.Name...)
		if len(c.Data) > 0 {
			dst = pad8(dst, start)
			dst = append(dst, c.Data...)
		}
		if next != 0 {
			dst = pad8(dst, start)
		}
	}
	return dst
}

// AppendCreateContexts appends cs as a chained create context list, each
// context 8-byte aligned relative to the first and linked by Next.
func AppendCreateContexts(dst []byte, cs []CreateContext) ([]byte, error) {
	if err := checkCreateContexts(cs, "create contexts"); err != nil {
		return dst, err
	}
	return appendCreateContexts(dst, cs), nil
}

// decodeCreateContexts copies the list out.
func decodeCreateContexts(list []byte, msg string) ([]CreateContext, error) {
	if len(list) == 0 {
		return nil, nil
	}
	it := CreateContextIter{list: list, msg: msg}
	var cs []CreateContext
	for it.Next() {
		c := it.Context()
		c.Data = clone(c.Data)
		cs = append(cs, c)
	}
	return cs, it.Err()
}

// CreateContextIter walks a chained create context list lazily. Data
// aliases the list. Every Next offset must move forward by at least a
// context header and stay inside the list, so hostile chains cannot loop.
//
//	it := smb2.CreateContexts(list)
//	for it.Next() {
//		c := it.Context()
//	}
//	if err := it.Err(); err != nil { ... }
type CreateContextIter struct {
	list []byte
	msg  string
	pos  int
	done bool
	cur  CreateContext
	err  error
}

// CreateContexts returns an iterator over the create context list, the
// CreateContextsOffset/Length region of a CREATE request or response.
func CreateContexts(list []byte) CreateContextIter {
	return CreateContextIter{list: list, msg: "create contexts"}
}

// Next advances to the next context and reports whether there is one.
func (it *CreateContextIter) Next() bool {
	if it.err != nil || it.done || len(it.list) == 0 {
		return false
	}
	rest := it.list[it.pos:]
	if len(rest) < createContextHeader {
		it.err = shortf(it.msg, "context at %d: %d bytes left, header needs %d", it.pos, len(rest), createContextHeader)
		return false
	}
	next := uint64(le.Uint32(rest))
	ctx := rest
	if next != 0 {
		if next < createContextHeader {
			it.err = errorf(it.msg, "context at %d: Next %d inside its own header", it.pos, next)
			return false
		}
		if next >= uint64(len(rest)) {
			it.err = shortf(it.msg, "context at %d: Next %d beyond the %d-byte list", it.pos, next, len(it.list))
			return false
		}
		ctx = rest[:next]
	}
	name, err := ctxField(ctx, it.msg, it.pos, "name", uint64(le.Uint16(rest[4:])), uint64(le.Uint16(rest[6:])))
	if err != nil {
		it.err = err
		return false
	}
	data, err := ctxField(ctx, it.msg, it.pos, "data", uint64(le.Uint16(rest[10:])), uint64(le.Uint32(rest[12:])))
	if err != nil {
		it.err = err
		return false
	}
	it.cur = CreateContext{Name: string(name), Data: data}
	if next == 0 {
		it.done = true
	} else {
		it.pos += int(next)
	}
	return true
}

// ctxField bounds an offset/length pair relative to the context start.
func ctxField(ctx []byte, msg string, at int, name string, off, n uint64) ([]byte, error) {
	if n == 0 {
		return nil, nil
	}
	if off < createContextHeader {
		return nil, errorf(msg, "context at %d: %s offset %d inside the header", at, name, off)
	}
	if off+n > uint64(len(ctx)) {
		return nil, shortf(msg, "context at %d: %s [%d,+%d) beyond the %d-byte context", at, name, off, n, len(ctx))
	}
	return ctx[off : off+n : off+n], nil
}

// Context returns the current context.
func (it *CreateContextIter) Context() CreateContext { return it.cur }

// Err returns the first error met, or nil.
func (it *CreateContextIter) Err() error { return it.err }

// FindCreateContext returns the data of the first context called name.
func FindCreateContext(cs []CreateContext, name string) ([]byte, bool) {
	for _, c := range cs {
		if c.Name == name {
			return c.Data, true
		}
	}
	return nil, false
}

// needCtx checks the length of fixed-size create context data.
func needCtx(data []byte, msg string, n int) error { return need(data, msg, n) }

// CreateLease is the data of an SMB2_CREATE_REQUEST_LEASE ("RqLs") context,
// in a request or a response: version 1 (32 bytes, [MS-SMB2] 2.2.13.2.8)
// or version 2 (52 bytes, 2.2.13.2.10) when V2 is set.
type CreateLease struct {
	LeaseKey       [16]byte
	LeaseState     uint32 // LeaseReadCaching, ...
	LeaseFlags     uint32 // LeaseFlagBreakInProgress, LeaseFlagParentLeaseKeySet
	LeaseDuration  uint64
	V2             bool
	ParentLeaseKey [16]byte // V2 only
	Epoch          uint16   // V2 only
}

// Size returns 32, or 52 for V2.
func (l *CreateLease) Size() int {
	if l.V2 {
		return 52
	}
	return 32
}

// Append appends the context data to dst.
func (l *CreateLease) Append(dst []byte) ([]byte, error) {
	dst = append(dst, l.LeaseKey[:]...)
	dst = le.AppendUint32(dst, l.LeaseState)
	dst = le.AppendUint32(dst, l.LeaseFlags)
	dst = le.AppendUint64(dst, l.LeaseDuration)
	if l.V2 {
		dst = append(dst, l.ParentLeaseKey[:]...)
		dst = le.AppendUint16(dst, l.Epoch)
		dst = le.AppendUint16(dst, 0) // Reserved
	}
	return dst, nil
}

// Decode decodes context data: 52 bytes or more is version 2, 32 to 51 is
// version 1.
func (l *CreateLease) Decode(data []byte) error {
	if err := needCtx(data, "lease context", 32); err != nil {
		return err
	}
	r := CreateLease{
		LeaseKey:      [16]byte(data[0:16]),
		LeaseState:    le.Uint32(data[16:]),
		LeaseFlags:    le.Uint32(data[20:]),
		LeaseDuration: le.Uint64(data[24:]),
	}
	if len(data) >= 52 {
		r.V2 = true
		r.ParentLeaseKey = [16]byte(data[32:48])
		r.Epoch = le.Uint16(data[48:])
	}
	*l = r
	return nil
}

// Context returns l as a CreateContext.
func (l *CreateLease) Context() (CreateContext, error) {
	d, err := l.Append(nil)
	return CreateContext{Name: CreateContextRequestLease, Data: d}, err
}

// MaximalAccessRequest is the data of an SMB2_CREATE_QUERY_MAXIMAL_ACCESS_REQUEST
// ("MxAc") context: empty, or a FILETIME timestamp. See [MS-SMB2] 2.2.13.2.5.
type MaximalAccessRequest struct {
	Timestamp uint64 // 0: not sent
}

// Size returns 0, or 8 when Timestamp is set.
func (m *MaximalAccessRequest) Size() int {
	if m.Timestamp == 0 {
		return 0
	}
	return 8
}

// Append appends the context data to dst.
func (m *MaximalAccessRequest) Append(dst []byte) ([]byte, error) {
	if m.Timestamp == 0 {
		return dst, nil
	}
	return le.AppendUint64(dst, m.Timestamp), nil
}

// Decode decodes context data.
func (m *MaximalAccessRequest) Decode(data []byte) error {
	if len(data) == 0 {
		*m = MaximalAccessRequest{}
		return nil
	}
	if err := needCtx(data, "maximal access request context", 8); err != nil {
		return err
	}
	m.Timestamp = le.Uint64(data)
	return nil
}

// Context returns m as a CreateContext.
func (m *MaximalAccessRequest) Context() (CreateContext, error) {
	d, err := m.Append(nil)
	return CreateContext{Name: CreateContextQueryMaximalAccess, Data: d}, err
}

// MaximalAccessResponse is the data of an
// SMB2_CREATE_QUERY_MAXIMAL_ACCESS_RESPONSE ("MxAc") context. See [MS-SMB2]
// 2.2.14.2.5.
type MaximalAccessResponse struct {
	QueryStatus   ntstatus.Status
	MaximalAccess AccessMask
}

// Size returns 8.
func (m *MaximalAccessResponse) Size() int { return 8 }

// Append appends the context data to dst.
func (m *MaximalAccessResponse) Append(dst []byte) ([]byte, error) {
	dst = le.AppendUint32(dst, uint32(m.QueryStatus))
	return le.AppendUint32(dst, uint32(m.MaximalAccess)), nil
}

// Decode decodes context data.
func (m *MaximalAccessResponse) Decode(data []byte) error {
	if err := needCtx(data, "maximal access response context", 8); err != nil {
		return err
	}
	*m = MaximalAccessResponse{QueryStatus: ntstatus.Status(le.Uint32(data)), MaximalAccess: AccessMask(le.Uint32(data[4:]))}
	return nil
}

// Context returns m as a CreateContext.
func (m *MaximalAccessResponse) Context() (CreateContext, error) {
	d, err := m.Append(nil)
	return CreateContext{Name: CreateContextQueryMaximalAccess, Data: d}, err
}

// QueryOnDiskIDResponse is the data of an SMB2_CREATE_QUERY_ON_DISK_ID
// ("QFid") response context. See [MS-SMB2] 2.2.14.2.9.
type QueryOnDiskIDResponse struct {
	DiskFileID uint64
	VolumeID   uint64
	Reserved   [16]byte // ReFS servers put the high part of a 128-bit id here
}

// Size returns 32.
func (q *QueryOnDiskIDResponse) Size() int { return 32 }

// Append appends the context data to dst.
func (q *QueryOnDiskIDResponse) Append(dst []byte) ([]byte, error) {
	dst = le.AppendUint64(dst, q.DiskFileID)
	dst = le.AppendUint64(dst, q.VolumeID)
	return append(dst, q.Reserved[:]...), nil
}

// Decode decodes context data.
func (q *QueryOnDiskIDResponse) Decode(data []byte) error {
	if err := needCtx(data, "query on disk id context", 32); err != nil {
		return err
	}
	*q = QueryOnDiskIDResponse{DiskFileID: le.Uint64(data), VolumeID: le.Uint64(data[8:]), Reserved: [16]byte(data[16:32])}
	return nil
}

// Context returns q as a CreateContext.
func (q *QueryOnDiskIDResponse) Context() (CreateContext, error) {
	d, err := q.Append(nil)
	return CreateContext{Name: CreateContextQueryOnDiskID, Data: d}, err
}

// DurableHandleRequest is the data of an SMB2_CREATE_DURABLE_HANDLE_REQUEST
// ("DHnQ") context: 16 reserved bytes. The response context carries 8
// reserved bytes and needs no type. See [MS-SMB2] 2.2.13.2.3.
type DurableHandleRequest struct{}

// Size returns 16.
func (d *DurableHandleRequest) Size() int { return 16 }

// Append appends the context data to dst.
func (d *DurableHandleRequest) Append(dst []byte) ([]byte, error) { return zeros(dst, 16), nil }

// Decode decodes context data.
func (d *DurableHandleRequest) Decode(data []byte) error {
	return needCtx(data, "durable handle request context", 16)
}

// Context returns d as a CreateContext.
func (d *DurableHandleRequest) Context() (CreateContext, error) {
	b, err := d.Append(nil)
	return CreateContext{Name: CreateContextDurableHandleRequest, Data: b}, err
}

// DurableHandleReconnect is the data of an
// SMB2_CREATE_DURABLE_HANDLE_RECONNECT ("DHnC") context. See [MS-SMB2]
// 2.2.13.2.4.
type DurableHandleReconnect struct {
	FileID FileID
}

// Size returns 16.
func (d *DurableHandleReconnect) Size() int { return 16 }

// Append appends the context data to dst.
func (d *DurableHandleReconnect) Append(dst []byte) ([]byte, error) { return d.FileID.Append(dst), nil }

// Decode decodes context data.
func (d *DurableHandleReconnect) Decode(data []byte) error {
	if err := needCtx(data, "durable handle reconnect context", 16); err != nil {
		return err
	}
	d.FileID = decodeFileID(data)
	return nil
}

// Context returns d as a CreateContext.
func (d *DurableHandleReconnect) Context() (CreateContext, error) {
	b, err := d.Append(nil)
	return CreateContext{Name: CreateContextDurableHandleReconnect, Data: b}, err
}

// Durable handle v2 flags ([MS-SMB2] 2.2.13.2.11).
const (
	DurableHandleFlagPersistent = 0x00000002 // SMB2_DHANDLE_FLAG_PERSISTENT
)

// DurableHandleRequestV2 is the data of an
// SMB2_CREATE_DURABLE_HANDLE_REQUEST_V2 ("DH2Q") context. See [MS-SMB2]
// 2.2.13.2.11.
type DurableHandleRequestV2 struct {
	Timeout    uint32 // milliseconds
	Flags      uint32 // DurableHandleFlagPersistent
	CreateGUID [16]byte
}

// Size returns 32.
func (d *DurableHandleRequestV2) Size() int { return 32 }

// Append appends the context data to dst.
func (d *DurableHandleRequestV2) Append(dst []byte) ([]byte, error) {
	dst = le.AppendUint32(dst, d.Timeout)
	dst = le.AppendUint32(dst, d.Flags)
	dst = zeros(dst, 8) // Reserved
	return append(dst, d.CreateGUID[:]...), nil
}

// Decode decodes context data.
func (d *DurableHandleRequestV2) Decode(data []byte) error {
	if err := needCtx(data, "durable handle request v2 context", 32); err != nil {
		return err
	}
	*d = DurableHandleRequestV2{Timeout: le.Uint32(data), Flags: le.Uint32(data[4:]), CreateGUID: [16]byte(data[16:32])}
	return nil
}

// Context returns d as a CreateContext.
func (d *DurableHandleRequestV2) Context() (CreateContext, error) {
	b, err := d.Append(nil)
	return CreateContext{Name: CreateContextDurableHandleRequestV2, Data: b}, err
}

// DurableHandleResponseV2 is the data of an
// SMB2_CREATE_DURABLE_HANDLE_RESPONSE_V2 ("DH2Q") context. See [MS-SMB2]
// 2.2.14.2.12.
type DurableHandleResponseV2 struct {
	Timeout uint32
	Flags   uint32
}

// Size returns 8.
func (d *DurableHandleResponseV2) Size() int { return 8 }

// Append appends the context data to dst.
func (d *DurableHandleResponseV2) Append(dst []byte) ([]byte, error) {
	dst = le.AppendUint32(dst, d.Timeout)
	return le.AppendUint32(dst, d.Flags), nil
}

// Decode decodes context data.
func (d *DurableHandleResponseV2) Decode(data []byte) error {
	if err := needCtx(data, "durable handle response v2 context", 8); err != nil {
		return err
	}
	*d = DurableHandleResponseV2{Timeout: le.Uint32(data), Flags: le.Uint32(data[4:])}
	return nil
}

// Context returns d as a CreateContext.
func (d *DurableHandleResponseV2) Context() (CreateContext, error) {
	b, err := d.Append(nil)
	return CreateContext{Name: CreateContextDurableHandleRequestV2, Data: b}, err
}

// DurableHandleReconnectV2 is the data of an
// SMB2_CREATE_DURABLE_HANDLE_RECONNECT_V2 ("DH2C") context. See [MS-SMB2]
// 2.2.13.2.12.
type DurableHandleReconnectV2 struct {
	FileID     FileID
	CreateGUID [16]byte
	Flags      uint32
}

// Size returns 36.
func (d *DurableHandleReconnectV2) Size() int { return 36 }

// Append appends the context data to dst.
func (d *DurableHandleReconnectV2) Append(dst []byte) ([]byte, error) {
	dst = d.FileID.Append(dst)
	dst = append(dst, d.CreateGUID[:]...)
	return le.AppendUint32(dst, d.Flags), nil
}

// Decode decodes context data.
func (d *DurableHandleReconnectV2) Decode(data []byte) error {
	if err := needCtx(data, "durable handle reconnect v2 context", 36); err != nil {
		return err
	}
	*d = DurableHandleReconnectV2{FileID: decodeFileID(data), CreateGUID: [16]byte(data[16:32]), Flags: le.Uint32(data[32:])}
	return nil
}

// Context returns d as a CreateContext.
func (d *DurableHandleReconnectV2) Context() (CreateContext, error) {
	b, err := d.Append(nil)
	return CreateContext{Name: CreateContextDurableHandleReconnectV2, Data: b}, err
}

// TimewarpToken is the data of an SMB2_CREATE_TIMEWARP_TOKEN ("TWrp")
// context: the FILETIME of the snapshot to open. See [MS-SMB2] 2.2.13.2.7.
type TimewarpToken struct {
	Timestamp uint64
}

// Size returns 8.
func (t *TimewarpToken) Size() int { return 8 }

// Append appends the context data to dst.
func (t *TimewarpToken) Append(dst []byte) ([]byte, error) {
	return le.AppendUint64(dst, t.Timestamp), nil
}

// Decode decodes context data.
func (t *TimewarpToken) Decode(data []byte) error {
	if err := needCtx(data, "timewarp token context", 8); err != nil {
		return err
	}
	t.Timestamp = le.Uint64(data)
	return nil
}

// Context returns t as a CreateContext.
func (t *TimewarpToken) Context() (CreateContext, error) {
	b, err := t.Append(nil)
	return CreateContext{Name: CreateContextTimewarpToken, Data: b}, err
}
