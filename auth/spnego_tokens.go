package auth

import (
	"encoding/asn1"
	"errors"
	"strconv"
)

// NegState is the SPNEGO negState. See [RFC 4178] 4.2.2.
type NegState int

// NegState values. NegStateAbsent stands for an omitted negState field.
const (
	NegStateAbsent           NegState = -1
	NegStateAcceptCompleted  NegState = 0
	NegStateAcceptIncomplete NegState = 1
	NegStateReject           NegState = 2
	NegStateRequestMIC       NegState = 3
)

// String returns the ASN.1 name.
func (s NegState) String() string {
	switch s {
	case NegStateAbsent:
		return "absent"
	case NegStateAcceptCompleted:
		return "accept-completed"
	case NegStateAcceptIncomplete:
		return "accept-incomplete"
	case NegStateReject:
		return "reject"
	case NegStateRequestMIC:
		return "request-mic"
	}
	return "NegState(" + strconv.Itoa(int(s)) + ")"
}

var (
	errNegState   = errors.New("negState out of range")
	errFieldOrder = errors.New("fields out of order or repeated")
	errNotSPNEGO  = errors.New("thisMech is not SPNEGO")
)

// NegTokenInit is the SPNEGO NegTokenInit ([RFC 4178] 4.2.1) inside its
// GSS-API InitialContextToken ([RFC 2743] 3.1), as the initiator sends it
// and as servers send their hint (NegTokenInit2, [MS-SPNG] 2.2.1).
//
//	InitialContextToken ::= [APPLICATION 0] IMPLICIT SEQUENCE {
//	        thisMech MechType,                -- 1.3.6.1.5.5.2
//	        innerContextToken NegotiationToken }
//	NegotiationToken ::= CHOICE { negTokenInit [0] NegTokenInit, ... }
//	NegTokenInit ::= SEQUENCE {
//	        mechTypes   [0] MechTypeList,
//	        reqFlags    [1] ContextFlags OPTIONAL,
//	        mechToken   [2] OCTET STRING OPTIONAL,
//	        mechListMIC [3] OCTET STRING OPTIONAL, ... }
//
// Append writes mechTypes and mechToken. Decode reads mechTypes and
// mechToken and skips reqFlags, negHints and mechListMIC.
type NegTokenInit struct {
	MechTypes []asn1.ObjectIdentifier
	MechToken []byte
}

// appendMechTypeList appends the DER of MechTypeList ::= SEQUENCE OF
// MechType: the bytes the mechListMIC covers.
func appendMechTypeList(dst []byte, oids []asn1.ObjectIdentifier) ([]byte, error) {
	var body []byte
	for _, oid := range oids {
		b, err := asn1.Marshal(oid)
		if err != nil {
			return dst, err
		}
		body = append(body, b...)
	}
	return derAppend(dst, tagSequence, body), nil
}

// Size returns the encoded length.
func (t *NegTokenInit) Size() int {
	b, _ := t.Append(nil)
	return len(b)
}

// Append appends the GSS-wrapped token to dst.
func (t *NegTokenInit) Append(dst []byte) ([]byte, error) {
	mechTypes, err := appendMechTypeList(nil, t.MechTypes)
	if err != nil {
		return dst, err
	}
	seq := derAppend(nil, tagContext(0), mechTypes)
	if t.MechToken != nil {
		seq = derAppend(seq, tagContext(2), derAppend(nil, tagOctetString, t.MechToken))
	}
	init := derAppend(nil, tagContext(0), derAppend(nil, tagSequence, seq))
	oid, err := asn1.Marshal(OIDSPNEGO)
	if err != nil {
		return dst, err
	}
	return derAppend(dst, tagGSSToken, oid, init), nil
}

// Decode decodes a GSS-wrapped NegTokenInit, or a bare [0] NegTokenInit,
// into t. Byte slices in t alias src.
func (t *NegTokenInit) Decode(src []byte) error {
	const name = "NegTokenInit"
	*t = NegTokenInit{}
	e, rest, err := derRead(src)
	if err != nil {
		return tokenErr(name, "", err)
	}
	if len(rest) != 0 {
		return tokenErr(name, "", errTrailing)
	}
	if e.tag == tagGSSToken {
		oidElem, inner, err := derRead(e.body)
		if err != nil {
			return tokenErr(name, "thisMech", err)
		}
		if oidElem.tag != tagOID {
			return tokenErr(name, "thisMech", errDER)
		}
		var oid asn1.ObjectIdentifier
		if rest, err := asn1.Unmarshal(oidElem.raw, &oid); err != nil || len(rest) != 0 {
			return tokenErr(name, "thisMech", errDER)
		}
		if !oid.Equal(OIDSPNEGO) {
			return tokenErr(name, "thisMech", errNotSPNEGO)
		}
		if e, err = derReadOnly(inner, tagContext(0)); err != nil {
			return tokenErr(name, "innerContextToken", err)
		}
	} else if e.tag != tagContext(0) {
		return tokenErr(name, "", errDER)
	}
	seq, err := derReadOnly(e.body, tagSequence)
	if err != nil {
		return tokenErr(name, "", err)
	}
	sawMechTypes := false
	err = forEachField(seq.body, name, 4, func(n int, body []byte) error {
		switch n {
		case 0:
			sawMechTypes = true
			var err error
			if t.MechTypes, err = decodeMechTypeList(body); err != nil {
				return tokenErr(name, "mechTypes", err)
			}
		case 2:
			o, err := derReadOnly(body, tagOctetString)
			if err != nil {
				return tokenErr(name, "mechToken", err)
			}
			t.MechToken = o.body
		}
		return nil
	})
	if err != nil {
		return err
	}
	if !sawMechTypes {
		return tokenErr(name, "mechTypes", errTruncated)
	}
	return nil
}

func decodeMechTypeList(body []byte) ([]asn1.ObjectIdentifier, error) {
	seq, err := derReadOnly(body, tagSequence)
	if err != nil {
		return nil, err
	}
	var oids []asn1.ObjectIdentifier
	for b := seq.body; len(b) > 0; {
		var e derElem
		if e, b, err = derRead(b); err != nil {
			return nil, err
		}
		if e.tag != tagOID {
			return nil, errDER
		}
		var oid asn1.ObjectIdentifier
		if rest, err := asn1.Unmarshal(e.raw, &oid); err != nil || len(rest) != 0 {
			return nil, errDER
		}
		oids = append(oids, oid)
	}
	return oids, nil
}

// forEachField walks the explicitly tagged fields [0]..[max] of a SEQUENCE
// body, which DER requires in increasing order, each at most once, and
// calls fn with each field's number and contents.
func forEachField(b []byte, name string, max int, fn func(n int, body []byte) error) error {
	last := -1
	for len(b) > 0 {
		e, rest, err := derRead(b)
		if err != nil {
			return tokenErr(name, "", err)
		}
		b = rest
		n := int(e.tag) - 0xa0
		if n < 0 || n > max {
			return tokenErr(name, "tag 0x"+strconv.FormatUint(uint64(e.tag), 16), errDER)
		}
		if n <= last {
			return tokenErr(name, "", errFieldOrder)
		}
		last = n
		if err := fn(n, e.body); err != nil {
			return err
		}
	}
	return nil
}

// NegTokenResp is the SPNEGO NegTokenResp ([RFC 4178] 4.2.2) in its
// NegotiationToken CHOICE tag [1]. It is not GSS-wrapped.
//
//	NegTokenResp ::= SEQUENCE {
//	        negState      [0] ENUMERATED OPTIONAL,
//	        supportedMech [1] MechType OPTIONAL,
//	        responseToken [2] OCTET STRING OPTIONAL,
//	        mechListMIC   [3] OCTET STRING OPTIONAL, ... }
type NegTokenResp struct {
	NegState      NegState // NegStateAbsent when omitted
	SupportedMech asn1.ObjectIdentifier
	ResponseToken []byte
	MechListMIC   []byte
}

// Size returns the encoded length.
func (t *NegTokenResp) Size() int {
	b, _ := t.Append(nil)
	return len(b)
}

// Append appends the encoded token to dst. Nil fields are omitted.
func (t *NegTokenResp) Append(dst []byte) ([]byte, error) {
	var seq []byte
	if t.NegState != NegStateAbsent {
		if t.NegState < 0 || t.NegState > 0x7f {
			return dst, errors.New("auth: NegTokenResp: negState out of range")
		}
		seq = derAppend(seq, tagContext(0), derAppend(nil, tagEnumerated, []byte{byte(t.NegState)}))
	}
	if t.SupportedMech != nil {
		oid, err := asn1.Marshal(t.SupportedMech)
		if err != nil {
			return dst, err
		}
		seq = derAppend(seq, tagContext(1), oid)
	}
	if t.ResponseToken != nil {
		seq = derAppend(seq, tagContext(2), derAppend(nil, tagOctetString, t.ResponseToken))
	}
	if t.MechListMIC != nil {
		seq = derAppend(seq, tagContext(3), derAppend(nil, tagOctetString, t.MechListMIC))
	}
	return derAppend(dst, tagContext(1), derAppend(nil, tagSequence, seq)), nil
}

// Decode decodes src into t. Byte slices in t alias src.
func (t *NegTokenResp) Decode(src []byte) error {
	const name = "NegTokenResp"
	*t = NegTokenResp{NegState: NegStateAbsent}
	e, err := derReadOnly(src, tagContext(1))
	if err != nil {
		return tokenErr(name, "", err)
	}
	seq, err := derReadOnly(e.body, tagSequence)
	if err != nil {
		return tokenErr(name, "", err)
	}
	return forEachField(seq.body, name, 3, func(n int, body []byte) error {
		switch n {
		case 0:
			v, err := derReadOnly(body, tagEnumerated)
			if err != nil {
				return tokenErr(name, "negState", err)
			}
			if len(v.body) != 1 || v.body[0] > 3 {
				return tokenErr(name, "negState", errNegState)
			}
			t.NegState = NegState(v.body[0])
		case 1:
			v, err := derReadOnly(body, tagOID)
			if err != nil {
				return tokenErr(name, "supportedMech", err)
			}
			var oid asn1.ObjectIdentifier
			if rest, err := asn1.Unmarshal(v.raw, &oid); err != nil || len(rest) != 0 {
				return tokenErr(name, "supportedMech", errDER)
			}
			t.SupportedMech = oid
		case 2:
			v, err := derReadOnly(body, tagOctetString)
			if err != nil {
				return tokenErr(name, "responseToken", err)
			}
			t.ResponseToken = v.body
		case 3:
			v, err := derReadOnly(body, tagOctetString)
			if err != nil {
				return tokenErr(name, "mechListMIC", err)
			}
			t.MechListMIC = v.body
		}
		return nil
	})
}
