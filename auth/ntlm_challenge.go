package auth

import "encoding/binary"

// ChallengeMessage is the NTLM CHALLENGE_MESSAGE. See [MS-NLMP] 2.2.1.2.
type ChallengeMessage struct {
	// TargetName is the server's domain or computer name, UTF-16LE when
	// FlagUnicode is set, OEM otherwise.
	TargetName      []byte
	Flags           NegotiateFlags
	ServerChallenge [8]byte
	// TargetInfo is the raw AV_PAIR list; see ParseAVPairs.
	TargetInfo []byte
	Version    Version // present on the wire when FlagVersion is set
}

func (m *ChallengeMessage) headerSize() int {
	if m.Flags&FlagVersion != 0 {
		return 56
	}
	return 48
}

// Size returns the encoded length.
func (m *ChallengeMessage) Size() int {
	return m.headerSize() + len(m.TargetName) + len(m.TargetInfo)
}

// Append appends the encoded message to dst. The payload holds TargetName
// then TargetInfo.
func (m *ChallengeMessage) Append(dst []byte) ([]byte, error) {
	if len(m.TargetName) > 0xffff || len(m.TargetInfo) > 0xffff {
		return dst, errFieldTooLong
	}
	off := m.headerSize()
	dst = append(dst, ntlmSignature...)
	dst = binary.LittleEndian.AppendUint32(dst, ntlmChallenge)
	dst = appendField(dst, len(m.TargetName), off)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(m.Flags))
	dst = append(dst, m.ServerChallenge[:]...)
	dst = append(dst, 0, 0, 0, 0, 0, 0, 0, 0) // Reserved
	dst = appendField(dst, len(m.TargetInfo), off+len(m.TargetName))
	if m.Flags&FlagVersion != 0 {
		dst = m.Version.append(dst)
	}
	dst = append(dst, m.TargetName...)
	return append(dst, m.TargetInfo...), nil
}

// Decode decodes src into m. Byte slices in m alias src.
//
// Servers that do not set FlagTargetInfo may end the message after
// ServerChallenge (32 bytes); that is accepted.
func (m *ChallengeMessage) Decode(src []byte) error {
	const name = "CHALLENGE_MESSAGE"
	if err := checkHeader(src, ntlmChallenge, name); err != nil {
		return err
	}
	if len(src) < 32 {
		return tokenErr(name, "", errTruncated)
	}
	*m = ChallengeMessage{Flags: NegotiateFlags(binary.LittleEndian.Uint32(src[20:]))}
	copy(m.ServerChallenge[:], src[24:32])
	var err error
	if m.TargetName, err = readField(src, 12, name, "TargetNameFields"); err != nil {
		return err
	}
	if len(src) < 48 {
		if m.Flags&FlagTargetInfo != 0 {
			return tokenErr(name, "TargetInfoFields", errTruncated)
		}
		return nil
	}
	if m.Flags&FlagTargetInfo != 0 {
		if m.TargetInfo, err = readField(src, 40, name, "TargetInfoFields"); err != nil {
			return err
		}
	}
	if m.Flags&FlagVersion != 0 && len(src) >= 56 {
		m.Version = decodeVersion(src[48:56])
	}
	return nil
}
