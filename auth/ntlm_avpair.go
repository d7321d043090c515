package auth

import (
	"encoding/binary"
	"errors"
	"strconv"
)

// AvID identifies an AV_PAIR. See [MS-NLMP] 2.2.2.1.
type AvID uint16

// AvID values.
const (
	AvEOL             AvID = 0x0000 // MsvAvEOL
	AvNbComputerName  AvID = 0x0001 // MsvAvNbComputerName
	AvNbDomainName    AvID = 0x0002 // MsvAvNbDomainName
	AvDNSComputerName AvID = 0x0003 // MsvAvDnsComputerName
	AvDNSDomainName   AvID = 0x0004 // MsvAvDnsDomainName
	AvDNSTreeName     AvID = 0x0005 // MsvAvDnsTreeName
	AvFlags           AvID = 0x0006 // MsvAvFlags
	AvTimestamp       AvID = 0x0007 // MsvAvTimestamp
	AvSingleHost      AvID = 0x0008 // MsvAvSingleHost
	AvTargetName      AvID = 0x0009 // MsvAvTargetName
	AvChannelBindings AvID = 0x000a // MsvAvChannelBindings
)

var avNames = [...]string{"MsvAvEOL", "MsvAvNbComputerName", "MsvAvNbDomainName",
	"MsvAvDnsComputerName", "MsvAvDnsDomainName", "MsvAvDnsTreeName", "MsvAvFlags",
	"MsvAvTimestamp", "MsvAvSingleHost", "MsvAvTargetName", "MsvAvChannelBindings"}

// String returns the spec name.
func (id AvID) String() string {
	if int(id) < len(avNames) {
		return avNames[id]
	}
	return "AvId(0x" + strconv.FormatUint(uint64(id), 16) + ")"
}

// MsvAvFlags bits.
const (
	AvFlagConstrained  = 0x1 // the server's account authentication is constrained
	AvFlagMICPresent   = 0x2 // the AUTHENTICATE_MESSAGE carries a MIC
	AvFlagSPNUntrusted = 0x4
)

// AVPair is one attribute/value pair of a target info list.
type AVPair struct {
	ID    AvID
	Value []byte
}

var (
	errNoEOL    = errors.New("AV_PAIR list not terminated by MsvAvEOL")
	errAvLength = errors.New("wrong AV_PAIR value length")
)

// ParseAVPairs decodes an AV_PAIR list up to its MsvAvEOL, which is not
// included in the result. Values alias b. A list without MsvAvEOL is an
// error; bytes after it are ignored. MsvAvFlags and MsvAvTimestamp must
// have their fixed lengths.
func ParseAVPairs(b []byte) ([]AVPair, error) {
	const name = "CHALLENGE_MESSAGE"
	var pairs []AVPair
	for {
		if len(b) < 4 {
			return nil, tokenErr(name, "TargetInfo", errNoEOL)
		}
		id := AvID(binary.LittleEndian.Uint16(b))
		n := int(binary.LittleEndian.Uint16(b[2:]))
		b = b[4:]
		if id == AvEOL {
			return pairs, nil
		}
		if n > len(b) {
			return nil, tokenErr(name, "TargetInfo "+id.String(), errTruncated)
		}
		switch {
		case id == AvFlags && n != 4, id == AvTimestamp && n != 8:
			return nil, tokenErr(name, "TargetInfo "+id.String(), errAvLength)
		}
		pairs = append(pairs, AVPair{ID: id, Value: b[:n:n]})
		b = b[n:]
	}
}

// AppendAVPairs appends the pairs and a terminating MsvAvEOL to dst.
// Pairs with ID AvEOL are skipped.
func AppendAVPairs(dst []byte, pairs []AVPair) []byte {
	for _, p := range pairs {
		if p.ID == AvEOL {
			continue
		}
		dst = binary.LittleEndian.AppendUint16(dst, uint16(p.ID))
		dst = binary.LittleEndian.AppendUint16(dst, uint16(len(p.Value)))
		dst = append(dst, p.Value...)
	}
	return append(dst, 0, 0, 0, 0)
}

// findAV returns the first pair with the given ID.
func findAV(pairs []AVPair, id AvID) ([]byte, bool) {
	for _, p := range pairs {
		if p.ID == id {
			return p.Value, true
		}
	}
	return nil, false
}
