package auth

// A minimal DER reader and writer for the SPNEGO tokens. encoding/asn1
// cannot express the GSS-API [APPLICATION 0] wrapper with its ANY body, and
// a hand-written reader keeps hostile input handling in one small place.

// derElem is one decoded TLV. Only the low-tag-number form is supported,
// which covers every tag in SPNEGO.
type derElem struct {
	tag  byte   // the identifier octet
	body []byte // the contents octets
	raw  []byte // the whole TLV
}

// DER identifier octets used here.
const (
	tagInteger     = 0x02
	tagOctetString = 0x04
	tagOID         = 0x06
	tagEnumerated  = 0x0a
	tagSequence    = 0x30
	tagGSSToken    = 0x60 // [APPLICATION 0] constructed
)

// tagContext returns the identifier of the constructed context tag [n].
func tagContext(n int) byte { return 0xa0 | byte(n) }

// derRead decodes the first TLV of b. Indefinite lengths, lengths over four
// octets and high tag numbers are rejected; the arithmetic is in uint64 so
// it cannot overflow.
func derRead(b []byte) (e derElem, rest []byte, err error) {
	if len(b) < 2 {
		return e, nil, errTruncated
	}
	tag := b[0]
	if tag&0x1f == 0x1f {
		return e, nil, errDER // high-tag-number form
	}
	var n uint64
	hdr := uint64(2)
	switch l := b[1]; {
	case l < 0x80:
		n = uint64(l)
	case l == 0x80:
		return e, nil, errDER // indefinite length is not DER
	default:
		k := uint64(l & 0x7f)
		if k > 4 {
			return e, nil, errDER
		}
		if uint64(len(b)) < 2+k {
			return e, nil, errTruncated
		}
		for _, c := range b[2 : 2+k] {
			n = n<<8 | uint64(c)
		}
		hdr += k
	}
	if n > uint64(len(b))-hdr {
		return e, nil, errTruncated
	}
	end := hdr + n
	return derElem{tag: tag, body: b[hdr:end:end], raw: b[:end:end]}, b[end:], nil
}

// derReadOnly decodes b as exactly one TLV with the given tag.
func derReadOnly(b []byte, tag byte) (derElem, error) {
	e, rest, err := derRead(b)
	if err != nil {
		return e, err
	}
	if e.tag != tag {
		return e, errDER
	}
	if len(rest) != 0 {
		return e, errTrailing
	}
	return e, nil
}

// derAppend appends the TLV (tag, body) to dst.
func derAppend(dst []byte, tag byte, body ...[]byte) []byte {
	n := 0
	for _, b := range body {
		n += len(b)
	}
	dst = append(dst, tag)
	dst = derAppendLen(dst, n)
	for _, b := range body {
		dst = append(dst, b...)
	}
	return dst
}

func derAppendLen(dst []byte, n int) []byte {
	switch {
	case n < 0x80:
		return append(dst, byte(n))
	case n <= 0xff:
		return append(dst, 0x81, byte(n))
	case n <= 0xffff:
		return append(dst, 0x82, byte(n>>8), byte(n))
	case n <= 0xffffff:
		return append(dst, 0x83, byte(n>>16), byte(n>>8), byte(n))
	default:
		return append(dst, 0x84, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
}
