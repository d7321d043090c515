package smb2

import "fmt"

// Security mode bits of NegotiateRequest, NegotiateResponse and
// SessionSetupRequest. See [MS-SMB2] 2.2.3 and 2.2.5. They are untyped so
// they fit both the 16-bit and the 8-bit SecurityMode fields.
const (
	SigningEnabled  = 0x0001 // SMB2_NEGOTIATE_SIGNING_ENABLED
	SigningRequired = 0x0002 // SMB2_NEGOTIATE_SIGNING_REQUIRED
)

// Global capability bits of the Capabilities fields. See [MS-SMB2] 2.2.3.
const (
	CapDFS               = 0x00000001 // SMB2_GLOBAL_CAP_DFS
	CapLeasing           = 0x00000002 // SMB2_GLOBAL_CAP_LEASING
	CapLargeMTU          = 0x00000004 // SMB2_GLOBAL_CAP_LARGE_MTU
	CapMultiChannel      = 0x00000008 // SMB2_GLOBAL_CAP_MULTI_CHANNEL
	CapPersistentHandles = 0x00000010 // SMB2_GLOBAL_CAP_PERSISTENT_HANDLES
	CapDirectoryLeasing  = 0x00000020 // SMB2_GLOBAL_CAP_DIRECTORY_LEASING
	CapEncryption        = 0x00000040 // SMB2_GLOBAL_CAP_ENCRYPTION
	CapNotifications     = 0x00000080 // SMB2_GLOBAL_CAP_NOTIFICATIONS
)

var capNames = []flagName{
	{CapDFS, "SMB2_GLOBAL_CAP_DFS"},
	{CapLeasing, "SMB2_GLOBAL_CAP_LEASING"},
	{CapLargeMTU, "SMB2_GLOBAL_CAP_LARGE_MTU"},
	{CapMultiChannel, "SMB2_GLOBAL_CAP_MULTI_CHANNEL"},
	{CapPersistentHandles, "SMB2_GLOBAL_CAP_PERSISTENT_HANDLES"},
	{CapDirectoryLeasing, "SMB2_GLOBAL_CAP_DIRECTORY_LEASING"},
	{CapEncryption, "SMB2_GLOBAL_CAP_ENCRYPTION"},
	{CapNotifications, "SMB2_GLOBAL_CAP_NOTIFICATIONS"},
}

// CapabilitiesString renders a Capabilities value with spec names, for
// example "SMB2_GLOBAL_CAP_DFS|SMB2_GLOBAL_CAP_LEASING".
func CapabilitiesString(c uint32) string { return flagString(uint64(c), capNames) }

// NegotiateContextType is the ContextType of a negotiate context. See
// [MS-SMB2] 2.2.3.1.
type NegotiateContextType uint16

// Negotiate context types.
const (
	ContextTypePreauthIntegrity NegotiateContextType = 0x0001 // SMB2_PREAUTH_INTEGRITY_CAPABILITIES
	ContextTypeEncryption       NegotiateContextType = 0x0002 // SMB2_ENCRYPTION_CAPABILITIES
	ContextTypeCompression      NegotiateContextType = 0x0003 // SMB2_COMPRESSION_CAPABILITIES
	ContextTypeNetname          NegotiateContextType = 0x0005 // SMB2_NETNAME_NEGOTIATE_CONTEXT_ID
	ContextTypeTransport        NegotiateContextType = 0x0006 // SMB2_TRANSPORT_CAPABILITIES
	ContextTypeRDMATransform    NegotiateContextType = 0x0007 // SMB2_RDMA_TRANSFORM_CAPABILITIES
	ContextTypeSigning          NegotiateContextType = 0x0008 // SMB2_SIGNING_CAPABILITIES
)

// String returns the spec name of t.
func (t NegotiateContextType) String() string {
	switch t {
	case ContextTypePreauthIntegrity:
		return "SMB2_PREAUTH_INTEGRITY_CAPABILITIES"
	case ContextTypeEncryption:
		return "SMB2_ENCRYPTION_CAPABILITIES"
	case ContextTypeCompression:
		return "SMB2_COMPRESSION_CAPABILITIES"
	case ContextTypeNetname:
		return "SMB2_NETNAME_NEGOTIATE_CONTEXT_ID"
	case ContextTypeTransport:
		return "SMB2_TRANSPORT_CAPABILITIES"
	case ContextTypeRDMATransform:
		return "SMB2_RDMA_TRANSFORM_CAPABILITIES"
	case ContextTypeSigning:
		return "SMB2_SIGNING_CAPABILITIES"
	}
	return fmt.Sprintf("NegotiateContextType(0x%04X)", uint16(t))
}

// Preauth integrity hash algorithms. See [MS-SMB2] 2.2.3.1.1.
const (
	HashSHA512 = 0x0001 // SHA-512
)

// Encryption ciphers. See [MS-SMB2] 2.2.3.1.2.
const (
	CipherAES128CCM = 0x0001 // AES-128-CCM
	CipherAES128GCM = 0x0002 // AES-128-GCM
	CipherAES256CCM = 0x0003 // AES-256-CCM
	CipherAES256GCM = 0x0004 // AES-256-GCM
)

// CipherName returns the spec name of an encryption cipher id.
func CipherName(c uint16) string {
	switch c {
	case CipherAES128CCM:
		return "AES-128-CCM"
	case CipherAES128GCM:
		return "AES-128-GCM"
	case CipherAES256CCM:
		return "AES-256-CCM"
	case CipherAES256GCM:
		return "AES-256-GCM"
	}
	return fmt.Sprintf("Cipher(0x%04X)", c)
}

// Signing algorithms. See [MS-SMB2] 2.2.3.1.7.
const (
	SigningHMACSHA256 = 0x0000 // HMAC-SHA256
	SigningAESCMAC    = 0x0001 // AES-CMAC
	SigningAESGMAC    = 0x0002 // AES-GMAC
)

// SigningAlgorithmName returns the spec name of a signing algorithm id.
func SigningAlgorithmName(a uint16) string {
	switch a {
	case SigningHMACSHA256:
		return "HMAC-SHA256"
	case SigningAESCMAC:
		return "AES-CMAC"
	case SigningAESGMAC:
		return "AES-GMAC"
	}
	return fmt.Sprintf("SigningAlgorithm(0x%04X)", a)
}

// NegotiateRequest is the SMB2 NEGOTIATE request. See [MS-SMB2] 2.2.3.
//
// Contexts are sent only when Dialects lists 3.1.1: for other dialect sets
// the context offset and count fields are ClientStartTime, which the client
// "MUST NOT" use, so the encoder refuses contexts there and the decoder does
// not look for them.
type NegotiateRequest struct {
	SecurityMode uint16
	Capabilities uint32
	ClientGUID   [16]byte
	Dialects     []Dialect
	Contexts     []NegotiateContext
}

const negotiateRequestFixed = 36

func hasDialect311(ds []Dialect) bool {
	for _, d := range ds {
		if d == Dialect311 {
			return true
		}
	}
	return false
}

// contextsStart returns the body-relative offset of the first context, or 0.
func (m *NegotiateRequest) contextsStart() int {
	if len(m.Contexts) == 0 {
		return 0
	}
	return align8(negotiateRequestFixed + 2*len(m.Dialects))
}

// Size returns the encoded body size.
func (m *NegotiateRequest) Size() int {
	if len(m.Contexts) == 0 {
		return negotiateRequestFixed + 2*len(m.Dialects)
	}
	return m.contextsStart() + negotiateContextsSize(m.Contexts)
}

// Append appends the encoded body to dst.
func (m *NegotiateRequest) Append(dst []byte) ([]byte, error) {
	const msg = "NEGOTIATE request"
	if !fitsU16(len(m.Dialects)) {
		return dst, errorf(msg, "%d dialects", len(m.Dialects))
	}
	if len(m.Contexts) > 0 && !hasDialect311(m.Dialects) {
		return dst, errorf(msg, "negotiate contexts need dialect 3.1.1 in the list")
	}
	if err := checkNegotiateContexts(m.Contexts, msg); err != nil {
		return dst, err
	}
	start := len(dst)
	dst = le.AppendUint16(dst, negotiateRequestFixed)
	dst = le.AppendUint16(dst, uint16(len(m.Dialects)))
	dst = le.AppendUint16(dst, m.SecurityMode)
	dst = le.AppendUint16(dst, 0) // Reserved
	dst = le.AppendUint32(dst, m.Capabilities)
	dst = append(dst, m.ClientGUID[:]...)
	var ctxOff uint32
	if cs := m.contextsStart(); cs != 0 {
		ctxOff = uint32(HeaderSize + cs)
	}
	dst = le.AppendUint32(dst, ctxOff)
	dst = le.AppendUint16(dst, uint16(len(m.Contexts)))
	dst = le.AppendUint16(dst, 0) // Reserved2
	for _, d := range m.Dialects {
		dst = le.AppendUint16(dst, uint16(d))
	}
	if len(m.Contexts) > 0 {
		dst = pad8(dst, start)
		dst = appendNegotiateContexts(dst, start, m.Contexts)
	}
	return dst, nil
}

// Decode decodes the body that follows the header.
func (m *NegotiateRequest) Decode(body []byte) error {
	const msg = "NEGOTIATE request"
	if err := fixed(body, msg, negotiateRequestFixed, negotiateRequestFixed); err != nil {
		return err
	}
	n := int(le.Uint16(body[2:]))
	if err := need(body, msg, negotiateRequestFixed+2*n); err != nil {
		return err
	}
	r := NegotiateRequest{
		SecurityMode: le.Uint16(body[4:]),
		Capabilities: le.Uint32(body[8:]),
		ClientGUID:   [16]byte(body[12:28]),
	}
	if n > 0 {
		r.Dialects = make([]Dialect, n)
		for i := range r.Dialects {
			r.Dialects[i] = Dialect(le.Uint16(body[negotiateRequestFixed+2*i:]))
		}
	}
	if hasDialect311(r.Dialects) {
		cs, err := decodeNegotiateContexts(body, msg, le.Uint32(body[28:]), le.Uint16(body[32:]))
		if err != nil {
			return err
		}
		r.Contexts = cs
	}
	*m = r
	return nil
}

// NegotiateResponse is the SMB2 NEGOTIATE response. See [MS-SMB2] 2.2.4.
//
// Contexts are present only when DialectRevision is 3.1.1; for other
// dialects the count and offset fields are reserved.
type NegotiateResponse struct {
	SecurityMode    uint16
	DialectRevision Dialect
	ServerGUID      [16]byte
	Capabilities    uint32
	MaxTransactSize uint32
	MaxReadSize     uint32
	MaxWriteSize    uint32
	SystemTime      uint64 // FILETIME
	ServerStartTime uint64 // FILETIME
	SecurityBuffer  []byte
	Contexts        []NegotiateContext
}

const negotiateResponseFixed = 64

func (m *NegotiateResponse) contextsStart() int {
	if len(m.Contexts) == 0 {
		return 0
	}
	return align8(negotiateResponseFixed + len(m.SecurityBuffer))
}

// Size returns the encoded body size.
func (m *NegotiateResponse) Size() int {
	if len(m.Contexts) == 0 {
		return negotiateResponseFixed + max(len(m.SecurityBuffer), 1)
	}
	return m.contextsStart() + negotiateContextsSize(m.Contexts)
}

// Append appends the encoded body to dst.
func (m *NegotiateResponse) Append(dst []byte) ([]byte, error) {
	const msg = "NEGOTIATE response"
	if !fitsU16(len(m.SecurityBuffer)) {
		return dst, errorf(msg, "%d-byte security buffer", len(m.SecurityBuffer))
	}
	if len(m.Contexts) > 0 && m.DialectRevision != Dialect311 {
		return dst, errorf(msg, "negotiate contexts with dialect %v", m.DialectRevision)
	}
	if err := checkNegotiateContexts(m.Contexts, msg); err != nil {
		return dst, err
	}
	start := len(dst)
	dst = le.AppendUint16(dst, negotiateResponseFixed+1)
	dst = le.AppendUint16(dst, m.SecurityMode)
	dst = le.AppendUint16(dst, uint16(m.DialectRevision))
	dst = le.AppendUint16(dst, uint16(len(m.Contexts)))
	dst = append(dst, m.ServerGUID[:]...)
	dst = le.AppendUint32(dst, m.Capabilities)
	dst = le.AppendUint32(dst, m.MaxTransactSize)
	dst = le.AppendUint32(dst, m.MaxReadSize)
	dst = le.AppendUint32(dst, m.MaxWriteSize)
	dst = le.AppendUint64(dst, m.SystemTime)
	dst = le.AppendUint64(dst, m.ServerStartTime)
	dst = le.AppendUint16(dst, HeaderSize+negotiateResponseFixed)
	dst = le.AppendUint16(dst, uint16(len(m.SecurityBuffer)))
	var ctxOff uint32
	if cs := m.contextsStart(); cs != 0 {
		ctxOff = uint32(HeaderSize + cs)
	}
	dst = le.AppendUint32(dst, ctxOff)
	dst = append(dst, m.SecurityBuffer...)
	if len(m.Contexts) > 0 {
		dst = pad8(dst, start)
		dst = appendNegotiateContexts(dst, start, m.Contexts)
	} else if len(m.SecurityBuffer) == 0 {
		dst = append(dst, 0) // StructureSize 65 counts one byte of Buffer
	}
	return dst, nil
}

// Decode decodes the body that follows the header. It accepts a body that
// stops after the 64 fixed bytes when the security buffer is empty.
func (m *NegotiateResponse) Decode(body []byte) error {
	const msg = "NEGOTIATE response"
	if err := fixed(body, msg, negotiateResponseFixed, negotiateResponseFixed+1); err != nil {
		return err
	}
	r := NegotiateResponse{
		SecurityMode:    le.Uint16(body[2:]),
		DialectRevision: Dialect(le.Uint16(body[4:])),
		ServerGUID:      [16]byte(body[8:24]),
		Capabilities:    le.Uint32(body[24:]),
		MaxTransactSize: le.Uint32(body[28:]),
		MaxReadSize:     le.Uint32(body[32:]),
		MaxWriteSize:    le.Uint32(body[36:]),
		SystemTime:      le.Uint64(body[40:]),
		ServerStartTime: le.Uint64(body[48:]),
	}
	sec, err := field(body, msg, "SecurityBuffer", uint64(le.Uint16(body[56:])), uint64(le.Uint16(body[58:])))
	if err != nil {
		return err
	}
	r.SecurityBuffer = clone(sec)
	if r.DialectRevision == Dialect311 {
		cs, err := decodeNegotiateContexts(body, msg, le.Uint32(body[60:]), le.Uint16(body[6:]))
		if err != nil {
			return err
		}
		r.Contexts = cs
	}
	*m = r
	return nil
}
