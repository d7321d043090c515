package smb2

import "fmt"

// CtlCode is the control code of an IOCTL request. See [MS-SMB2] 2.2.31
// and [MS-FSCC] 2.3.
type CtlCode uint32

// Control codes.
const (
	FsctlDFSGetReferrals           CtlCode = 0x00060194 // FSCTL_DFS_GET_REFERRALS
	FsctlDFSGetReferralsEx         CtlCode = 0x000601B0 // FSCTL_DFS_GET_REFERRALS_EX
	FsctlPipePeek                  CtlCode = 0x0011400C // FSCTL_PIPE_PEEK
	FsctlPipeWait                  CtlCode = 0x00110018 // FSCTL_PIPE_WAIT
	FsctlPipeTransceive            CtlCode = 0x0011C017 // FSCTL_PIPE_TRANSCEIVE
	FsctlSrvCopychunk              CtlCode = 0x001440F2 // FSCTL_SRV_COPYCHUNK
	FsctlSrvCopychunkWrite         CtlCode = 0x001480F2 // FSCTL_SRV_COPYCHUNK_WRITE
	FsctlSrvEnumerateSnapshots     CtlCode = 0x00144064 // FSCTL_SRV_ENUMERATE_SNAPSHOTS
	FsctlSrvRequestResumeKey       CtlCode = 0x00140078 // FSCTL_SRV_REQUEST_RESUME_KEY
	FsctlSrvReadHash               CtlCode = 0x001441BB // FSCTL_SRV_READ_HASH
	FsctlLMRRequestResiliency      CtlCode = 0x001401D4 // FSCTL_LMR_REQUEST_RESILIENCY
	FsctlQueryNetworkInterfaceInfo CtlCode = 0x001401FC // FSCTL_QUERY_NETWORK_INTERFACE_INFO
	FsctlValidateNegotiateInfo     CtlCode = 0x00140204 // FSCTL_VALIDATE_NEGOTIATE_INFO
	FsctlSetReparsePoint           CtlCode = 0x000900A4 // FSCTL_SET_REPARSE_POINT
	FsctlGetReparsePoint           CtlCode = 0x000900A8 // FSCTL_GET_REPARSE_POINT
	FsctlFileLevelTrim             CtlCode = 0x00098208 // FSCTL_FILE_LEVEL_TRIM
)

var ctlCodeNames = map[CtlCode]string{
	FsctlDFSGetReferrals:           "FSCTL_DFS_GET_REFERRALS",
	FsctlDFSGetReferralsEx:         "FSCTL_DFS_GET_REFERRALS_EX",
	FsctlPipePeek:                  "FSCTL_PIPE_PEEK",
	FsctlPipeWait:                  "FSCTL_PIPE_WAIT",
	FsctlPipeTransceive:            "FSCTL_PIPE_TRANSCEIVE",
	FsctlSrvCopychunk:              "FSCTL_SRV_COPYCHUNK",
	FsctlSrvCopychunkWrite:         "FSCTL_SRV_COPYCHUNK_WRITE",
	FsctlSrvEnumerateSnapshots:     "FSCTL_SRV_ENUMERATE_SNAPSHOTS",
	FsctlSrvRequestResumeKey:       "FSCTL_SRV_REQUEST_RESUME_KEY",
	FsctlSrvReadHash:               "FSCTL_SRV_READ_HASH",
	FsctlLMRRequestResiliency:      "FSCTL_LMR_REQUEST_RESILIENCY",
	FsctlQueryNetworkInterfaceInfo: "FSCTL_QUERY_NETWORK_INTERFACE_INFO",
	FsctlValidateNegotiateInfo:     "FSCTL_VALIDATE_NEGOTIATE_INFO",
	FsctlSetReparsePoint:           "FSCTL_SET_REPARSE_POINT",
	FsctlGetReparsePoint:           "FSCTL_GET_REPARSE_POINT",
	FsctlFileLevelTrim:             "FSCTL_FILE_LEVEL_TRIM",
}

// String returns the spec name of c.
func (c CtlCode) String() string {
	if n, ok := ctlCodeNames[c]; ok {
		return n
	}
	return fmt.Sprintf("CtlCode(0x%08X)", uint32(c))
}

// IoctlRequest.Flags bits. See [MS-SMB2] 2.2.31.
const (
	IoctlFlagIsIoctl = 0x00000000 // SMB2_0_IOCTL_IS_IOCTL
	IoctlFlagIsFsctl = 0x00000001 // SMB2_0_IOCTL_IS_FSCTL
)

// IoctlRequest is the SMB2 IOCTL request. See [MS-SMB2] 2.2.31.
//
// Input follows the 56 fixed bytes; Output, rarely sent, follows Input at
// the next 8-byte boundary.
type IoctlRequest struct {
	CtlCode           CtlCode
	FileID            FileID // FileIDAny for FSCTLs not tied to an open
	Input             []byte
	MaxInputResponse  uint32
	Output            []byte
	MaxOutputResponse uint32
	Flags             uint32 // IoctlFlagIsFsctl
}

const ioctlRequestFixed = 56

// ioctlLayout returns the body-relative offsets of the output buffer (0 if
// empty) and the body size for a fixed part of f bytes.
func ioctlLayout(f int, in, out []byte) (outPos, size int) {
	size = f + len(in)
	if len(out) > 0 {
		outPos = align8(size)
		size = outPos + len(out)
	}
	return outPos, max(size, f+1)
}

// Size returns the encoded body size.
func (m *IoctlRequest) Size() int {
	_, n := ioctlLayout(ioctlRequestFixed, m.Input, m.Output)
	return n
}

// Append appends the encoded body to dst.
func (m *IoctlRequest) Append(dst []byte) ([]byte, error) {
	const msg = "IOCTL request"
	outPos, size := ioctlLayout(ioctlRequestFixed, m.Input, m.Output)
	if !fitsU32(HeaderSize + size) {
		return dst, errorf(msg, "%d-byte input and %d-byte output", len(m.Input), len(m.Output))
	}
	start := len(dst)
	dst = le.AppendUint16(dst, ioctlRequestFixed+1)
	dst = le.AppendUint16(dst, 0) // Reserved
	dst = le.AppendUint32(dst, uint32(m.CtlCode))
	dst = m.FileID.Append(dst)
	dst = le.AppendUint32(dst, HeaderSize+ioctlRequestFixed)
	dst = le.AppendUint32(dst, uint32(len(m.Input)))
	dst = le.AppendUint32(dst, m.MaxInputResponse)
	dst = le.AppendUint32(dst, uint32(ioctlOffset(outPos)))
	dst = le.AppendUint32(dst, uint32(len(m.Output)))
	dst = le.AppendUint32(dst, m.MaxOutputResponse)
	dst = le.AppendUint32(dst, m.Flags)
	dst = le.AppendUint32(dst, 0) // Reserved2
	return appendIoctlBuffers(dst, start, m.Input, m.Output, size), nil
}

func ioctlOffset(pos int) int {
	if pos == 0 {
		return 0
	}
	return HeaderSize + pos
}

// appendIoctlBuffers appends input, the alignment padding and output, then
// pads the body to size (the one byte an empty buffer needs).
func appendIoctlBuffers(dst []byte, start int, in, out []byte, size int) []byte {
	dst = append(dst, in...)
	if len(out) > 0 {
		dst = pad8(dst, start)
		dst = append(dst, out...)
	}
	return zeros(dst, size-(len(dst)-start))
}

// Decode decodes the body that follows the header.
func (m *IoctlRequest) Decode(body []byte) error {
	const msg = "IOCTL request"
	if err := fixed(body, msg, ioctlRequestFixed, ioctlRequestFixed+1); err != nil {
		return err
	}
	in, err := field(body, msg, "Input", uint64(le.Uint32(body[24:])), uint64(le.Uint32(body[28:])))
	if err != nil {
		return err
	}
	out, err := field(body, msg, "Output", uint64(le.Uint32(body[36:])), uint64(le.Uint32(body[40:])))
	if err != nil {
		return err
	}
	*m = IoctlRequest{
		CtlCode:           CtlCode(le.Uint32(body[4:])),
		FileID:            decodeFileID(body[8:]),
		Input:             clone(in),
		MaxInputResponse:  le.Uint32(body[32:]),
		Output:            clone(out),
		MaxOutputResponse: le.Uint32(body[44:]),
		Flags:             le.Uint32(body[48:]),
	}
	return nil
}

// IoctlResponse is the SMB2 IOCTL response. See [MS-SMB2] 2.2.32.
type IoctlResponse struct {
	CtlCode CtlCode
	FileID  FileID
	Input   []byte
	Output  []byte
	Flags   uint32 // reserved, 0
}

const ioctlResponseFixed = 48

// Size returns the encoded body size.
func (m *IoctlResponse) Size() int {
	_, n := ioctlLayout(ioctlResponseFixed, m.Input, m.Output)
	return n
}

// Append appends the encoded body to dst.
func (m *IoctlResponse) Append(dst []byte) ([]byte, error) {
	const msg = "IOCTL response"
	outPos, size := ioctlLayout(ioctlResponseFixed, m.Input, m.Output)
	if !fitsU32(HeaderSize + size) {
		return dst, errorf(msg, "%d-byte input and %d-byte output", len(m.Input), len(m.Output))
	}
	start := len(dst)
	dst = le.AppendUint16(dst, ioctlResponseFixed+1)
	dst = le.AppendUint16(dst, 0) // Reserved
	dst = le.AppendUint32(dst, uint32(m.CtlCode))
	dst = m.FileID.Append(dst)
	dst = le.AppendUint32(dst, HeaderSize+ioctlResponseFixed)
	dst = le.AppendUint32(dst, uint32(len(m.Input)))
	dst = le.AppendUint32(dst, uint32(ioctlOffset(outPos)))
	dst = le.AppendUint32(dst, uint32(len(m.Output)))
	dst = le.AppendUint32(dst, m.Flags)
	dst = le.AppendUint32(dst, 0) // Reserved2
	return appendIoctlBuffers(dst, start, m.Input, m.Output, size), nil
}

// Decode decodes the body that follows the header.
func (m *IoctlResponse) Decode(body []byte) error {
	const msg = "IOCTL response"
	if err := fixed(body, msg, ioctlResponseFixed, ioctlResponseFixed+1); err != nil {
		return err
	}
	in, err := field(body, msg, "Input", uint64(le.Uint32(body[24:])), uint64(le.Uint32(body[28:])))
	if err != nil {
		return err
	}
	out, err := field(body, msg, "Output", uint64(le.Uint32(body[32:])), uint64(le.Uint32(body[36:])))
	if err != nil {
		return err
	}
	*m = IoctlResponse{
		CtlCode: CtlCode(le.Uint32(body[4:])),
		FileID:  decodeFileID(body[8:]),
		Input:   clone(in),
		Output:  clone(out),
		Flags:   le.Uint32(body[40:]),
	}
	return nil
}

// ValidateNegotiateInfoRequest is the input of FSCTL_VALIDATE_NEGOTIATE_INFO.
// See [MS-SMB2] 2.2.31.4.
type ValidateNegotiateInfoRequest struct {
	Capabilities uint32
	GUID         [16]byte
	SecurityMode uint16
	Dialects     []Dialect
}

// Size returns the encoded size.
func (v *ValidateNegotiateInfoRequest) Size() int { return 24 + 2*len(v.Dialects) }

// Append appends the encoding to dst.
func (v *ValidateNegotiateInfoRequest) Append(dst []byte) ([]byte, error) {
	if !fitsU16(len(v.Dialects)) {
		return dst, errorf("validate negotiate info", "%d dialects", len(v.Dialects))
	}
	dst = le.AppendUint32(dst, v.Capabilities)
	dst = append(dst, v.GUID[:]...)
	dst = le.AppendUint16(dst, v.SecurityMode)
	dst = le.AppendUint16(dst, uint16(len(v.Dialects)))
	for _, d := range v.Dialects {
		dst = le.AppendUint16(dst, uint16(d))
	}
	return dst, nil
}

// Decode decodes the encoding in b.
func (v *ValidateNegotiateInfoRequest) Decode(b []byte) error {
	const msg = "validate negotiate info"
	if err := need(b, msg, 24); err != nil {
		return err
	}
	n := int(le.Uint16(b[22:]))
	if err := need(b, msg, 24+2*n); err != nil {
		return err
	}
	r := ValidateNegotiateInfoRequest{Capabilities: le.Uint32(b), GUID: [16]byte(b[4:20]), SecurityMode: le.Uint16(b[20:])}
	if n > 0 {
		r.Dialects = make([]Dialect, n)
		for i := range r.Dialects {
			r.Dialects[i] = Dialect(le.Uint16(b[24+2*i:]))
		}
	}
	*v = r
	return nil
}

// ValidateNegotiateInfoResponse is the output of
// FSCTL_VALIDATE_NEGOTIATE_INFO. See [MS-SMB2] 2.2.32.6.
type ValidateNegotiateInfoResponse struct {
	Capabilities uint32
	GUID         [16]byte
	SecurityMode uint16
	Dialect      Dialect
}

// Size returns 24.
func (v *ValidateNegotiateInfoResponse) Size() int { return 24 }

// Append appends the encoding to dst.
func (v *ValidateNegotiateInfoResponse) Append(dst []byte) ([]byte, error) {
	dst = le.AppendUint32(dst, v.Capabilities)
	dst = append(dst, v.GUID[:]...)
	dst = le.AppendUint16(dst, v.SecurityMode)
	return le.AppendUint16(dst, uint16(v.Dialect)), nil
}

// Decode decodes the encoding in b.
func (v *ValidateNegotiateInfoResponse) Decode(b []byte) error {
	if err := need(b, "validate negotiate info response", 24); err != nil {
		return err
	}
	*v = ValidateNegotiateInfoResponse{Capabilities: le.Uint32(b), GUID: [16]byte(b[4:20]), SecurityMode: le.Uint16(b[20:]), Dialect: Dialect(le.Uint16(b[22:]))}
	return nil
}
