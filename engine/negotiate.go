package engine

import (
	"time"

	"github.com/gosmb/gosmb/proto/smb2"
)

// Negotiated is the outcome of SMB2 NEGOTIATE.
type Negotiated struct {
	Dialect         smb2.Dialect
	ServerGUID      [16]byte
	SecurityMode    uint16
	Capabilities    uint32
	MaxTransactSize uint32
	MaxReadSize     uint32
	MaxWriteSize    uint32
	SystemTime      time.Time
	SecurityBuffer  []byte // the server's SPNEGO hint
	Cipher          uint16 // 3.1.1 negotiated cipher, 0 if none
	SigningAlg      uint16 // 3.1.1 negotiated signing algorithm
	SigningRequired bool   // the server requires signing
}
