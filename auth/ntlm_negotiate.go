package auth

import "encoding/binary"

// NegotiateMessage is the NTLM NEGOTIATE_MESSAGE. See [MS-NLMP] 2.2.1.1.
type NegotiateMessage struct {
	Flags NegotiateFlags
	// DomainName and Workstation are OEM strings, sent only with
	// FlagOEMDomainSupplied / FlagOEMWorkstationSupplied. This client sends
	// neither.
	DomainName, Workstation []byte
	Version                 Version // present on the wire when FlagVersion is set
}

func (m *NegotiateMessage) headerSize() int {
	if m.Flags&FlagVersion != 0 {
		return 40
	}
	return 32
}

// Size returns the encoded length.
func (m *NegotiateMessage) Size() int {
	return m.headerSize() + len(m.DomainName) + len(m.Workstation)
}

// Append appends the encoded message to dst.
func (m *NegotiateMessage) Append(dst []byte) ([]byte, error) {
	if len(m.DomainName) > 0xffff || len(m.Workstation) > 0xffff {
		return dst, errFieldTooLong
	}
	off := m.headerSize()
	dst = append(dst, ntlmSignature...)
	dst = binary.LittleEndian.AppendUint32(dst, ntlmNegotiate)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(m.Flags))
	// "If ... not set, DomainNameLen and DomainNameMaxLen SHOULD be zero;
	// DomainNameBufferOffset SHOULD be the offset where it would be."
	dst = appendField(dst, len(m.DomainName), off)
	dst = appendField(dst, len(m.Workstation), off+len(m.DomainName))
	if m.Flags&FlagVersion != 0 {
		dst = m.Version.append(dst)
	}
	dst = append(dst, m.DomainName...)
	return append(dst, m.Workstation...), nil
}

// Decode decodes src into m. Byte slices in m alias src.
func (m *NegotiateMessage) Decode(src []byte) error {
	const name = "NEGOTIATE_MESSAGE"
	if err := checkHeader(src, ntlmNegotiate, name); err != nil {
		return err
	}
	if len(src) < 16 {
		return tokenErr(name, "NegotiateFlags", errTruncated)
	}
	*m = NegotiateMessage{Flags: NegotiateFlags(binary.LittleEndian.Uint32(src[12:]))}
	if len(src) == 16 {
		return nil // old clients stop after the flags
	}
	var err error
	if m.DomainName, err = readField(src, 16, name, "DomainNameFields"); err != nil {
		return err
	}
	if m.Workstation, err = readField(src, 24, name, "WorkstationFields"); err != nil {
		return err
	}
	// The Version field may be missing even with FlagVersion, but not cut.
	if m.Flags&FlagVersion != 0 && len(src) > 32 {
		if len(src) < 40 {
			return tokenErr(name, "Version", errTruncated)
		}
		m.Version = decodeVersion(src[32:40])
	}
	return nil
}
