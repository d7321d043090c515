package auth

import "encoding/binary"

// AuthenticateMessage is the NTLM AUTHENTICATE_MESSAGE. See [MS-NLMP]
// 2.2.1.3.
type AuthenticateMessage struct {
	LmChallengeResponse []byte
	NtChallengeResponse []byte
	// DomainName, UserName and Workstation are UTF-16LE when FlagUnicode
	// is set.
	DomainName, UserName, Workstation []byte
	EncryptedRandomSessionKey         []byte
	Flags                             NegotiateFlags
	Version                           Version
	// MIC is the 16-byte message integrity code, or nil when the message
	// carries no MIC field. When MIC is set the Version field is written
	// too (zero if FlagVersion is clear), so that the MIC sits at offset 72
	// where servers look for it.
	MIC []byte
}

// micOffset is where the MIC field starts. See [MS-NLMP] 2.2.1.3.
const micOffset = 72

func (m *AuthenticateMessage) headerSize() int {
	switch {
	case m.MIC != nil:
		return micOffset + 16
	case m.Flags&FlagVersion != 0:
		return 72
	}
	return 64
}

// Size returns the encoded length.
func (m *AuthenticateMessage) Size() int {
	return m.headerSize() + len(m.LmChallengeResponse) + len(m.NtChallengeResponse) +
		len(m.DomainName) + len(m.UserName) + len(m.Workstation) + len(m.EncryptedRandomSessionKey)
}

// Append appends the encoded message to dst. The payload order is
// DomainName, UserName, Workstation, LmChallengeResponse,
// NtChallengeResponse, EncryptedRandomSessionKey, as in the [MS-NLMP]
// 4.2.4.3 example; the strings come first so that they stay 2-byte aligned.
func (m *AuthenticateMessage) Append(dst []byte) ([]byte, error) {
	fields := [6][]byte{m.LmChallengeResponse, m.NtChallengeResponse, m.DomainName,
		m.UserName, m.Workstation, m.EncryptedRandomSessionKey}
	for _, f := range fields {
		if len(f) > 0xffff {
			return dst, errFieldTooLong
		}
	}
	if m.MIC != nil && len(m.MIC) != 16 {
		return dst, tokenErr("AUTHENTICATE_MESSAGE", "MIC", errOutOfRange)
	}
	// Offsets in payload order.
	off := m.headerSize()
	offDomain := off
	offUser := offDomain + len(m.DomainName)
	offWks := offUser + len(m.UserName)
	offLM := offWks + len(m.Workstation)
	offNT := offLM + len(m.LmChallengeResponse)
	offKey := offNT + len(m.NtChallengeResponse)

	dst = append(dst, ntlmSignature...)
	dst = binary.LittleEndian.AppendUint32(dst, ntlmAuthenticate)
	dst = appendField(dst, len(m.LmChallengeResponse), offLM)
	dst = appendField(dst, len(m.NtChallengeResponse), offNT)
	dst = appendField(dst, len(m.DomainName), offDomain)
	dst = appendField(dst, len(m.UserName), offUser)
	dst = appendField(dst, len(m.Workstation), offWks)
	dst = appendField(dst, len(m.EncryptedRandomSessionKey), offKey)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(m.Flags))
	if m.MIC != nil || m.Flags&FlagVersion != 0 {
		dst = m.Version.append(dst)
	}
	dst = append(dst, m.MIC...)
	dst = append(dst, m.DomainName...)
	dst = append(dst, m.UserName...)
	dst = append(dst, m.Workstation...)
	dst = append(dst, m.LmChallengeResponse...)
	dst = append(dst, m.NtChallengeResponse...)
	return append(dst, m.EncryptedRandomSessionKey...), nil
}

// Decode decodes src into m. Byte slices in m alias src. The Version and
// MIC fields are taken to be present when the first payload starts at or
// after their end.
func (m *AuthenticateMessage) Decode(src []byte) error {
	const name = "AUTHENTICATE_MESSAGE"
	if err := checkHeader(src, ntlmAuthenticate, name); err != nil {
		return err
	}
	if len(src) < 64 {
		return tokenErr(name, "", errTruncated)
	}
	*m = AuthenticateMessage{Flags: NegotiateFlags(binary.LittleEndian.Uint32(src[60:]))}
	dsts := []*[]byte{&m.LmChallengeResponse, &m.NtChallengeResponse, &m.DomainName,
		&m.UserName, &m.Workstation, &m.EncryptedRandomSessionKey}
	names := []string{"LmChallengeResponseFields", "NtChallengeResponseFields", "DomainNameFields",
		"UserNameFields", "WorkstationFields", "EncryptedRandomSessionKeyFields"}
	first := uint64(len(src))
	for i, d := range dsts {
		f, err := readField(src, 12+8*i, name, names[i])
		if err != nil {
			return err
		}
		*d = f
		if len(f) > 0 {
			first = min(first, uint64(binary.LittleEndian.Uint32(src[12+8*i+4:])))
		}
	}
	if first >= 72 && len(src) >= 72 {
		m.Version = decodeVersion(src[64:72])
	}
	if first >= micOffset+16 && len(src) >= micOffset+16 {
		m.MIC = src[micOffset : micOffset+16 : micOffset+16]
	}
	return nil
}
