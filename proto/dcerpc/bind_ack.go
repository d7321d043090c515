package dcerpc

import "fmt"

// ContextResult is the result of one presentation context in a bind_ack
// (p_cont_def_result_t). See [C706] 12.6.3.1 and [MS-RPCE] 2.2.2.4.
type ContextResult uint16

// Presentation context results.
const (
	ResultAcceptance        ContextResult = 0 // acceptance
	ResultUserRejection     ContextResult = 1 // user_rejection
	ResultProviderRejection ContextResult = 2 // provider_rejection
	ResultNegotiateAck      ContextResult = 3 // negotiate_ack ([MS-RPCE] bind time feature negotiation)
)

// String returns the spec name of r.
func (r ContextResult) String() string {
	switch r {
	case ResultAcceptance:
		return "acceptance"
	case ResultUserRejection:
		return "user_rejection"
	case ResultProviderRejection:
		return "provider_rejection"
	case ResultNegotiateAck:
		return "negotiate_ack"
	}
	return fmt.Sprintf("p_cont_def_result_t(%d)", uint16(r))
}

// ProviderReason says why a presentation context was rejected
// (p_provider_reason_t). See [C706] 12.6.3.1. With ResultNegotiateAck the
// field carries the bind time feature bits instead ([MS-RPCE] 2.2.2.14).
type ProviderReason uint16

// Provider reasons.
const (
	ReasonNotSpecified                 ProviderReason = 0 // reason_not_specified
	ReasonAbstractSyntaxNotSupported   ProviderReason = 1 // abstract_syntax_not_supported
	ReasonTransferSyntaxesNotSupported ProviderReason = 2 // proposed_transfer_syntaxes_not_supported
	ReasonLocalLimitExceeded           ProviderReason = 3 // local_limit_exceeded
)

// String returns the spec name of r.
func (r ProviderReason) String() string {
	switch r {
	case ReasonNotSpecified:
		return "reason_not_specified"
	case ReasonAbstractSyntaxNotSupported:
		return "abstract_syntax_not_supported"
	case ReasonTransferSyntaxesNotSupported:
		return "proposed_transfer_syntaxes_not_supported"
	case ReasonLocalLimitExceeded:
		return "local_limit_exceeded"
	}
	return fmt.Sprintf("p_provider_reason_t(%d)", uint16(r))
}

// BindResult is one entry of a bind_ack's result list (p_result_t), in the
// order of the bind's presentation contexts.
type BindResult struct {
	Result         ContextResult
	Reason         ProviderReason
	TransferSyntax SyntaxID // the accepted transfer syntax; zero when rejected
}

// BindAck is the bind_ack PDU (PTYPE 12). See [C706] 12.6.4.4.
//
// The negotiated sizes are the server's view: the client's fragments must
// not exceed MaxRecvFrag (pass it to SplitRequest), and the server's
// fragments do not exceed MaxXmitFrag.
type BindAck struct {
	CallID        uint32
	Flags         PFCFlags
	MaxXmitFrag   uint16 // largest fragment the server sends
	MaxRecvFrag   uint16 // largest fragment the server accepts
	AssocGroupID  uint32
	SecondaryAddr string // sec_addr port_spec without its NUL, e.g. `\PIPE\srvsvc`
	Results       []BindResult
}

const (
	bindAckFixed   = 8 // max_xmit_frag, max_recv_frag, assoc_group_id
	bindResultSize = 4 + syntaxIDSize
)

// secAddrLen returns the sec_addr length field: the port_spec with its NUL,
// or 0 for an empty address.
func (m *BindAck) secAddrLen() int {
	if m.SecondaryAddr == "" {
		return 0
	}
	return len(m.SecondaryAddr) + 1
}

// resultsOffset returns the offset of p_result_list from the PDU start:
// [C706] 12.6.4.4 pads after sec_addr to a 4-byte boundary.
func resultsOffset(secAddrLen int) int {
	return (HeaderSize + bindAckFixed + 2 + secAddrLen + 3) &^ 3
}

// Size returns the encoded PDU size.
func (m *BindAck) Size() int {
	return resultsOffset(m.secAddrLen()) + 4 + bindResultSize*len(m.Results)
}

// Append appends the encoded PDU to dst.
func (m *BindAck) Append(dst []byte) ([]byte, error) {
	const msg = "bind_ack"
	size := m.Size()
	if err := checkFragSize(msg, size); err != nil {
		return dst, err
	}
	if len(m.Results) > 0xFF {
		return dst, errorf(msg, "%d results, at most 255", len(m.Results))
	}
	start := len(dst)
	dst = appendHeader(dst, PacketBindAck, m.Flags, size, m.CallID)
	dst = le.AppendUint16(dst, m.MaxXmitFrag)
	dst = le.AppendUint16(dst, m.MaxRecvFrag)
	dst = le.AppendUint32(dst, m.AssocGroupID)
	n := m.secAddrLen()
	dst = le.AppendUint16(dst, uint16(n))
	if n > 0 {
		dst = append(dst, m.SecondaryAddr...)
		dst = append(dst, 0)
	}
	for len(dst)-start < resultsOffset(n) {
		dst = append(dst, 0)
	}
	dst = append(dst, byte(len(m.Results)), 0, 0, 0)
	for _, r := range m.Results {
		dst = le.AppendUint16(dst, uint16(r.Result))
		dst = le.AppendUint16(dst, uint16(r.Reason))
		dst = appendSyntaxID(dst, r.TransferSyntax)
	}
	return dst, nil
}

// Decode decodes a whole bind_ack PDU. It does not judge the results; see
// Accepted and DecodeBindReply.
func (m *BindAck) Decode(pdu []byte) error {
	const msg = "bind_ack"
	h, body, err := decodePDU(pdu, PacketBindAck, bindAckFixed+2)
	if err != nil {
		return err
	}
	v := BindAck{
		CallID:       h.CallID,
		Flags:        h.Flags,
		MaxXmitFrag:  le.Uint16(body[0:]),
		MaxRecvFrag:  le.Uint16(body[2:]),
		AssocGroupID: le.Uint32(body[4:]),
	}
	n := int(le.Uint16(body[8:]))
	off := resultsOffset(n) - HeaderSize // n <= 0xFFFF: no overflow
	if len(body) < off+4 {
		return shortf(msg, "%d-byte sec_addr and result list beyond %d-byte body", n, len(body))
	}
	addr := body[bindAckFixed+2 : bindAckFixed+2+n]
	if n > 0 && addr[n-1] == 0 {
		addr = addr[:n-1]
	}
	v.SecondaryAddr = string(addr)
	rest := body[off:]
	nr := int(rest[0])
	rest = rest[4:]
	if len(rest) < nr*bindResultSize {
		return shortf(msg, "%d results in %d bytes", nr, len(rest))
	}
	if nr > 0 {
		v.Results = make([]BindResult, nr)
	}
	for i := range v.Results {
		v.Results[i] = BindResult{
			Result:         ContextResult(le.Uint16(rest)),
			Reason:         ProviderReason(le.Uint16(rest[2:])),
			TransferSyntax: decodeSyntaxID(rest[4:]),
		}
		rest = rest[bindResultSize:]
	}
	*m = v
	return nil
}

// Accepted returns nil when the i-th presentation context of the bind (the
// i-th result) was accepted, and a *BindRejectedError otherwise.
func (m *BindAck) Accepted(i int) error {
	if i < 0 || i >= len(m.Results) {
		return errorf("bind_ack", "no result for presentation context %d (%d results)", i, len(m.Results))
	}
	r := m.Results[i]
	if r.Result != ResultAcceptance {
		return &BindRejectedError{Result: r.Result, Reason: r.Reason}
	}
	return nil
}

// DecodeBindReply decodes the server's answer to a bind with one
// presentation context (NewBind). It returns the bind_ack when that context
// was accepted, and otherwise an error: *BindRejectedError for a bind_ack
// that rejects it, *BindNakError for a bind_nak, *FaultError for a fault.
// A bind_ack is returned with a *BindRejectedError too, for its details.
// The caller compares the reply's CallID with the bind's.
func DecodeBindReply(pdu []byte) (*BindAck, error) {
	var h Header
	if err := h.Decode(pdu); err != nil {
		return nil, err
	}
	switch h.Type {
	case PacketBindAck:
		var ack BindAck
		if err := ack.Decode(pdu); err != nil {
			return nil, err
		}
		if err := ack.Accepted(0); err != nil {
			return &ack, err
		}
		return &ack, nil
	case PacketBindNak:
		var nak BindNak
		if err := nak.Decode(pdu); err != nil {
			return nil, err
		}
		return nil, &BindNakError{Reason: nak.Reason}
	case PacketFault:
		var f Fault
		if err := f.Decode(pdu); err != nil {
			return nil, err
		}
		return nil, &FaultError{Status: f.Status}
	}
	return nil, errorf("bind reply", "unexpected PTYPE %s", h.Type)
}
