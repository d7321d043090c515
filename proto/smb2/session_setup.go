package smb2

// SessionSetupRequest.Flags bits. See [MS-SMB2] 2.2.5.
const (
	SessionSetupFlagBinding = 0x01 // SMB2_SESSION_FLAG_BINDING
)

// SessionSetupResponse.SessionFlags bits. See [MS-SMB2] 2.2.6.
const (
	SessionFlagIsGuest     = 0x0001 // SMB2_SESSION_FLAG_IS_GUEST
	SessionFlagIsNull      = 0x0002 // SMB2_SESSION_FLAG_IS_NULL
	SessionFlagEncryptData = 0x0004 // SMB2_SESSION_FLAG_ENCRYPT_DATA
)

// SessionSetupRequest is the SMB2 SESSION_SETUP request. See [MS-SMB2] 2.2.5.
type SessionSetupRequest struct {
	Flags             uint8 // SessionSetupFlagBinding
	SecurityMode      uint8 // SigningEnabled, SigningRequired
	Capabilities      uint32
	Channel           uint32
	PreviousSessionID uint64
	SecurityBuffer    []byte // GSS-API token
}

const sessionSetupRequestFixed = 24

// Size returns the encoded body size.
func (m *SessionSetupRequest) Size() int {
	return sessionSetupRequestFixed + max(len(m.SecurityBuffer), 1)
}

// Append appends the encoded body to dst.
func (m *SessionSetupRequest) Append(dst []byte) ([]byte, error) {
	const msg = "SESSION_SETUP request"
	if !fitsU16(len(m.SecurityBuffer)) {
		return dst, errorf(msg, "%d-byte security buffer", len(m.SecurityBuffer))
	}
	dst = le.AppendUint16(dst, sessionSetupRequestFixed+1)
	dst = append(dst, m.Flags, m.SecurityMode)
	dst = le.AppendUint32(dst, m.Capabilities)
	dst = le.AppendUint32(dst, m.Channel)
	dst = le.AppendUint16(dst, HeaderSize+sessionSetupRequestFixed)
	dst = le.AppendUint16(dst, uint16(len(m.SecurityBuffer)))
	dst = le.AppendUint64(dst, m.PreviousSessionID)
	if len(m.SecurityBuffer) == 0 {
		return append(dst, 0), nil
	}
	return append(dst, m.SecurityBuffer...), nil
}

// Decode decodes the body that follows the header.
func (m *SessionSetupRequest) Decode(body []byte) error {
	const msg = "SESSION_SETUP request"
	if err := fixed(body, msg, sessionSetupRequestFixed, sessionSetupRequestFixed+1); err != nil {
		return err
	}
	sec, err := field(body, msg, "SecurityBuffer", uint64(le.Uint16(body[12:])), uint64(le.Uint16(body[14:])))
	if err != nil {
		return err
	}
	*m = SessionSetupRequest{
		Flags:             body[2],
		SecurityMode:      body[3],
		Capabilities:      le.Uint32(body[4:]),
		Channel:           le.Uint32(body[8:]),
		PreviousSessionID: le.Uint64(body[16:]),
		SecurityBuffer:    clone(sec),
	}
	return nil
}

// SessionSetupResponse is the SMB2 SESSION_SETUP response. See [MS-SMB2]
// 2.2.6.
type SessionSetupResponse struct {
	SessionFlags   uint16 // SessionFlagIsGuest, ...
	SecurityBuffer []byte
}

const sessionSetupResponseFixed = 8

// Size returns the encoded body size.
func (m *SessionSetupResponse) Size() int {
	return sessionSetupResponseFixed + max(len(m.SecurityBuffer), 1)
}

// Append appends the encoded body to dst.
func (m *SessionSetupResponse) Append(dst []byte) ([]byte, error) {
	const msg = "SESSION_SETUP response"
	if !fitsU16(len(m.SecurityBuffer)) {
		return dst, errorf(msg, "%d-byte security buffer", len(m.SecurityBuffer))
	}
	dst = le.AppendUint16(dst, sessionSetupResponseFixed+1)
	dst = le.AppendUint16(dst, m.SessionFlags)
	dst = le.AppendUint16(dst, HeaderSize+sessionSetupResponseFixed)
	dst = le.AppendUint16(dst, uint16(len(m.SecurityBuffer)))
	if len(m.SecurityBuffer) == 0 {
		return append(dst, 0), nil
	}
	return append(dst, m.SecurityBuffer...), nil
}

// Decode decodes the body that follows the header.
func (m *SessionSetupResponse) Decode(body []byte) error {
	const msg = "SESSION_SETUP response"
	if err := fixed(body, msg, sessionSetupResponseFixed, sessionSetupResponseFixed+1); err != nil {
		return err
	}
	sec, err := field(body, msg, "SecurityBuffer", uint64(le.Uint16(body[4:])), uint64(le.Uint16(body[6:])))
	if err != nil {
		return err
	}
	*m = SessionSetupResponse{SessionFlags: le.Uint16(body[2:]), SecurityBuffer: clone(sec)}
	return nil
}
