package dcerpc

// DefaultMaxFrag is the max_xmit_frag and max_recv_frag NewBind offers, the
// value Windows and Samba use on named pipes. [C706] 12.6.3.1 requires at
// least MinMaxFrag.
const DefaultMaxFrag = 4280

// MinMaxFrag is the smallest fragment size every implementation must accept
// (MustRecvFragSize). See [C706] 12.6.3.1.
const MinMaxFrag = 1432

// ContextElem is one presentation context of a bind (p_cont_elem_t): an
// abstract syntax (the interface) and the transfer syntaxes offered for it.
// See [C706] 12.6.3.1.
type ContextElem struct {
	ContextID        uint16 // p_cont_id, used by requests on this context
	AbstractSyntax   SyntaxID
	TransferSyntaxes []SyntaxID
}

// Bind is the bind PDU (PTYPE 11). See [C706] 12.6.4.3.
type Bind struct {
	CallID       uint32
	Flags        PFCFlags // usually PFCFirstLast
	MaxXmitFrag  uint16   // largest fragment the client sends
	MaxRecvFrag  uint16   // largest fragment the client accepts
	AssocGroupID uint32   // 0 asks for a new association group
	Contexts     []ContextElem
}

// NewBind returns a bind for one presentation context, ID 0, of abstract
// over NDR 2.0, offering DefaultMaxFrag both ways.
func NewBind(callID uint32, abstract SyntaxID) *Bind {
	return &Bind{
		CallID:      callID,
		Flags:       PFCFirstLast,
		MaxXmitFrag: DefaultMaxFrag,
		MaxRecvFrag: DefaultMaxFrag,
		Contexts: []ContextElem{{
			ContextID:        0,
			AbstractSyntax:   abstract,
			TransferSyntaxes: []SyntaxID{NDRSyntax},
		}},
	}
}

const (
	bindFixed        = 12 // max_xmit_frag .. p_context_elem header
	contextElemFixed = 4 + syntaxIDSize
)

// Size returns the encoded PDU size.
func (m *Bind) Size() int {
	n := HeaderSize + bindFixed
	for _, c := range m.Contexts {
		n += contextElemFixed + syntaxIDSize*len(c.TransferSyntaxes)
	}
	return n
}

// Append appends the encoded PDU to dst.
func (m *Bind) Append(dst []byte) ([]byte, error) {
	const msg = "bind"
	size := m.Size()
	if err := checkFragSize(msg, size); err != nil {
		return dst, err
	}
	if len(m.Contexts) > 0xFF {
		return dst, errorf(msg, "%d presentation contexts, at most 255", len(m.Contexts))
	}
	for _, c := range m.Contexts {
		if len(c.TransferSyntaxes) > 0xFF {
			return dst, errorf(msg, "context %d has %d transfer syntaxes, at most 255", c.ContextID, len(c.TransferSyntaxes))
		}
	}
	dst = appendHeader(dst, PacketBind, m.Flags, size, m.CallID)
	dst = le.AppendUint16(dst, m.MaxXmitFrag)
	dst = le.AppendUint16(dst, m.MaxRecvFrag)
	dst = le.AppendUint32(dst, m.AssocGroupID)
	dst = append(dst, byte(len(m.Contexts)), 0, 0, 0)
	for _, c := range m.Contexts {
		dst = le.AppendUint16(dst, c.ContextID)
		dst = append(dst, byte(len(c.TransferSyntaxes)), 0)
		dst = appendSyntaxID(dst, c.AbstractSyntax)
		for _, t := range c.TransferSyntaxes {
			dst = appendSyntaxID(dst, t)
		}
	}
	return dst, nil
}

// Decode decodes a whole bind PDU.
func (m *Bind) Decode(pdu []byte) error {
	const msg = "bind"
	h, body, err := decodePDU(pdu, PacketBind, bindFixed)
	if err != nil {
		return err
	}
	v := Bind{
		CallID:       h.CallID,
		Flags:        h.Flags,
		MaxXmitFrag:  le.Uint16(body[0:]),
		MaxRecvFrag:  le.Uint16(body[2:]),
		AssocGroupID: le.Uint32(body[4:]),
	}
	n := int(body[8])
	rest := body[bindFixed:]
	if len(rest) < n*contextElemFixed {
		return shortf(msg, "%d presentation contexts in %d bytes", n, len(rest))
	}
	if n > 0 {
		v.Contexts = make([]ContextElem, n)
	}
	for i := range v.Contexts {
		if err := need(rest, msg, contextElemFixed); err != nil {
			return err
		}
		c := ContextElem{ContextID: le.Uint16(rest), AbstractSyntax: decodeSyntaxID(rest[4:])}
		nt := int(rest[2])
		rest = rest[contextElemFixed:]
		if len(rest) < nt*syntaxIDSize {
			return shortf(msg, "context %d: %d transfer syntaxes in %d bytes", c.ContextID, nt, len(rest))
		}
		if nt > 0 {
			c.TransferSyntaxes = make([]SyntaxID, nt)
		}
		for j := range c.TransferSyntaxes {
			c.TransferSyntaxes[j] = decodeSyntaxID(rest)
			rest = rest[syntaxIDSize:]
		}
		v.Contexts[i] = c
	}
	*m = v
	return nil
}
