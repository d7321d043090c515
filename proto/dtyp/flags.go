package dtyp

import (
	"strconv"
	"strings"
)

// flagName names one bit (or a group of bits) of a flag word.
type flagName struct {
	bits uint64
	name string
}

// flagString returns the names of the bits of v found in names joined by '|',
// followed by any remaining bits in hex; "0" when v is zero.
func flagString(v uint64, names []flagName) string {
	if v == 0 {
		return "0"
	}
	var b strings.Builder
	for _, n := range names {
		if v&n.bits == n.bits {
			if b.Len() > 0 {
				b.WriteByte('|')
			}
			b.WriteString(n.name)
			v &^= n.bits
		}
	}
	if v != 0 {
		if b.Len() > 0 {
			b.WriteByte('|')
		}
		b.WriteString("0x")
		b.WriteString(strings.ToUpper(strconv.FormatUint(v, 16)))
	}
	return b.String()
}
