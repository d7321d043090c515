package dcerpc

import "fmt"

// RejectReason says why a bind was refused (p_reject_reason_t). See [C706]
// 12.6.3.1 and [MS-RPCE] 2.2.2.5.
type RejectReason uint16

// Bind reject reasons.
const (
	RejectNotSpecified                    RejectReason = 0 // reason_not_specified
	RejectTemporaryCongestion             RejectReason = 1 // temporary_congestion
	RejectLocalLimitExceeded              RejectReason = 2 // local_limit_exceeded
	RejectCalledPaddrUnknown              RejectReason = 3 // called_paddr_unknown
	RejectProtocolVersionNotSupported     RejectReason = 4 // protocol_version_not_supported
	RejectDefaultContextNotSupported      RejectReason = 5 // default_context_not_supported
	RejectUserDataNotReadable             RejectReason = 6 // user_data_not_readable
	RejectNoPSAPAvailable                 RejectReason = 7 // no_psap_available
	RejectAuthenticationTypeNotRecognized RejectReason = 8 // authentication_type_not_recognized
	RejectInvalidChecksum                 RejectReason = 9 // invalid_checksum
)

var rejectReasonNames = [...]string{
	"reason_not_specified", "temporary_congestion", "local_limit_exceeded",
	"called_paddr_unknown", "protocol_version_not_supported",
	"default_context_not_supported", "user_data_not_readable", "no_psap_available",
	"authentication_type_not_recognized", "invalid_checksum",
}

// String returns the spec name of r.
func (r RejectReason) String() string {
	if int(r) < len(rejectReasonNames) {
		return rejectReasonNames[r]
	}
	return fmt.Sprintf("p_reject_reason_t(%d)", uint16(r))
}

// ProtocolVersion is one entry of a bind_nak's supported versions (version_t).
type ProtocolVersion struct{ Major, Minor uint8 }

// BindNak is the bind_nak PDU (PTYPE 13). See [C706] 12.6.4.5. The
// [MS-RPCE] 2.2.2.5 extension (signature and extended error information
// after the versions) is ignored when decoding and not encoded.
type BindNak struct {
	CallID   uint32
	Flags    PFCFlags
	Reason   RejectReason
	Versions []ProtocolVersion // p_rt_versions_supported_t
}

// Size returns the encoded PDU size.
func (m *BindNak) Size() int { return HeaderSize + 3 + 2*len(m.Versions) }

// Append appends the encoded PDU to dst.
func (m *BindNak) Append(dst []byte) ([]byte, error) {
	const msg = "bind_nak"
	if len(m.Versions) > 0xFF {
		return dst, errorf(msg, "%d versions, at most 255", len(m.Versions))
	}
	dst = appendHeader(dst, PacketBindNak, m.Flags, m.Size(), m.CallID)
	dst = le.AppendUint16(dst, uint16(m.Reason))
	dst = append(dst, byte(len(m.Versions)))
	for _, v := range m.Versions {
		dst = append(dst, v.Major, v.Minor)
	}
	return dst, nil
}

// Decode decodes a whole bind_nak PDU. A PDU that ends after the reason
// decodes with no versions.
func (m *BindNak) Decode(pdu []byte) error {
	const msg = "bind_nak"
	h, body, err := decodePDU(pdu, PacketBindNak, 2)
	if err != nil {
		return err
	}
	v := BindNak{CallID: h.CallID, Flags: h.Flags, Reason: RejectReason(le.Uint16(body))}
	if len(body) > 2 {
		n := int(body[2])
		rest := body[3:]
		if len(rest) < 2*n {
			return shortf(msg, "%d versions in %d bytes", n, len(rest))
		}
		if n > 0 {
			v.Versions = make([]ProtocolVersion, n)
		}
		for i := range v.Versions {
			v.Versions[i] = ProtocolVersion{Major: rest[2*i], Minor: rest[2*i+1]}
		}
	}
	*m = v
	return nil
}
