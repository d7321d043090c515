package engine

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/gosmb/gosmb/internal/smbcrypto"
	"github.com/gosmb/gosmb/proto/ntstatus"
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
	Cipher          uint16 // negotiated cipher (3.1.1 context, or AES-128-CCM for 3.0/3.0.2 with CapEncryption); 0 if none
	SigningAlg      uint16 // signing algorithm for this dialect
	SigningRequired bool   // the server requires signing

	preauth smbcrypto.PreauthHash // 3.1.1: hash over NEGOTIATE request and response
	// What the client offered, for FSCTL_VALIDATE_NEGOTIATE_INFO.
	clientGUID     [16]byte
	clientSecMode  uint16
	clientCaps     uint32
	offeredDialect []smb2.Dialect
}

// AllDialects is every SMB2/3 dialect gosmb speaks, oldest first.
var AllDialects = []smb2.Dialect{smb2.Dialect202, smb2.Dialect210, smb2.Dialect300, smb2.Dialect302, smb2.Dialect311}

// NegotiateOptions selects what the client offers.
type NegotiateOptions struct {
	// Dialects to offer; empty means AllDialects.
	Dialects []smb2.Dialect
	// ClientGUID identifies the client; zero means a random one.
	ClientGUID [16]byte
	// RequireSigning sets SMB2_NEGOTIATE_SIGNING_REQUIRED.
	RequireSigning bool
	// Ciphers in order of preference (3.1.1). Empty means GCM first:
	// AES-128-GCM, AES-256-GCM, AES-128-CCM, AES-256-CCM.
	Ciphers []uint16
	// SigningAlgorithms in order of preference (3.1.1). Empty means
	// AES-GMAC, AES-CMAC, HMAC-SHA256.
	SigningAlgorithms []uint16
	// ServerName goes in the 3.1.1 netname context.
	ServerName string
}

// ErrNoCommonDialect is wrapped when the server picks none of the dialects
// offered (or answers with one we did not offer).
var ErrNoCommonDialect = errors.New("gosmb: no common SMB dialect")

// Negotiate runs SMB2 NEGOTIATE. It must be the first request on the
// connection and must not run concurrently with anything else.
func (c *Conn) Negotiate(ctx context.Context, opts NegotiateOptions) (*Negotiated, error) {
	dialects := opts.Dialects
	if len(dialects) == 0 {
		dialects = AllDialects
	}
	ciphers := opts.Ciphers
	if len(ciphers) == 0 {
		ciphers = []uint16{smb2.CipherAES128GCM, smb2.CipherAES256GCM, smb2.CipherAES128CCM, smb2.CipherAES256CCM}
	}
	signAlgs := opts.SigningAlgorithms
	if len(signAlgs) == 0 {
		signAlgs = []uint16{smb2.SigningAESGMAC, smb2.SigningAESCMAC, smb2.SigningHMACSHA256}
	}
	req := smb2.NegotiateRequest{
		SecurityMode: smb2.SigningEnabled,
		Capabilities: smb2.CapLargeMTU | smb2.CapEncryption,
		ClientGUID:   opts.ClientGUID,
		Dialects:     dialects,
	}
	if opts.RequireSigning {
		req.SecurityMode |= smb2.SigningRequired
	}
	if req.ClientGUID == ([16]byte{}) {
		rand.Read(req.ClientGUID[:])
	}
	offers311 := slices.Contains(dialects, smb2.Dialect311)
	if offers311 {
		salt := make([]byte, 32)
		rand.Read(salt)
		pre := smb2.PreauthIntegrityCapabilities{HashAlgorithms: []uint16{smb2.HashSHA512}, Salt: salt}
		enc := smb2.EncryptionCapabilities{Ciphers: ciphers}
		sig := smb2.SigningCapabilities{SigningAlgorithms: signAlgs}
		for _, m := range []interface {
			Context() (smb2.NegotiateContext, error)
		}{&pre, &enc, &sig} {
			nc, err := m.Context()
			if err != nil {
				return nil, err
			}
			req.Contexts = append(req.Contexts, nc)
		}
		if opts.ServerName != "" {
			nn := smb2.NetnameNegotiateContextID{NetName: opts.ServerName}
			nc, err := nn.Context()
			if err != nil {
				return nil, err
			}
			req.Contexts = append(req.Contexts, nc)
		}
	}
	body, err := req.Append(nil)
	if err != nil {
		return nil, err
	}
	var sent []byte
	resp, err := c.Send(ctx, &Request{
		Header: smb2.Header{Command: smb2.CommandNegotiate},
		Body:   body,
		OnSent: func(msg []byte) { sent = append([]byte(nil), msg...) },
	}).Wait(ctx)
	if err != nil {
		return nil, err
	}
	if st := resp.Status(); st != ntstatus.Success {
		if st == ntstatus.NotSupported || st == ntstatus.InvalidParameter {
			return nil, fmt.Errorf("%w: server answered NEGOTIATE with %s", ErrNoCommonDialect, st)
		}
		return nil, &StatusError{Op: "negotiate", Status: st}
	}
	var nr smb2.NegotiateResponse
	if err := nr.Decode(resp.Body); err != nil {
		return nil, &ProtocolError{Msg: "NEGOTIATE response", Err: err}
	}
	if !slices.Contains(dialects, nr.DialectRevision) {
		return nil, fmt.Errorf("%w: server chose %s, offered %v", ErrNoCommonDialect, nr.DialectRevision, dialects)
	}
	n := &Negotiated{
		Dialect:         nr.DialectRevision,
		ServerGUID:      nr.ServerGUID,
		SecurityMode:    nr.SecurityMode,
		Capabilities:    nr.Capabilities,
		MaxTransactSize: nr.MaxTransactSize,
		MaxReadSize:     nr.MaxReadSize,
		MaxWriteSize:    nr.MaxWriteSize,
		SystemTime:      smb2.FiletimeToTime(nr.SystemTime),
		SecurityBuffer:  nr.SecurityBuffer,
		SigningRequired: nr.SecurityMode&smb2.SigningRequired != 0,
		clientGUID:      req.ClientGUID,
		clientSecMode:   req.SecurityMode,
		clientCaps:      req.Capabilities,
		offeredDialect:  dialects,
	}
	switch {
	case n.Dialect == smb2.Dialect311:
		n.SigningAlg = smb2.SigningAESCMAC // when the server sends no signing context
		if err := n.applyContexts(nr.Contexts, ciphers, signAlgs); err != nil {
			return nil, err
		}
		n.preauth = n.preauth.Update(sent).Update(resp.Raw)
	case n.Dialect.IsSMB3():
		n.SigningAlg = smb2.SigningAESCMAC
		if n.Capabilities&smb2.CapEncryption != 0 {
			n.Cipher = smb2.CipherAES128CCM
		}
	default:
		n.SigningAlg = smb2.SigningHMACSHA256
	}
	c.neg.Store(n)
	return n, nil
}

// applyContexts reads the server's 3.1.1 negotiate contexts.
func (n *Negotiated) applyContexts(ctxs []smb2.NegotiateContext, ciphers, signAlgs []uint16) error {
	sawPreauth := false
	for _, nc := range ctxs {
		switch nc.Type {
		case smb2.ContextTypePreauthIntegrity:
			var p smb2.PreauthIntegrityCapabilities
			if err := p.Decode(nc.Data); err != nil {
				return &ProtocolError{Msg: "preauth integrity context", Err: err}
			}
			// [MS-SMB2] 3.2.5.2: the response MUST name exactly one
			// hash algorithm, one we offered.
			if len(p.HashAlgorithms) != 1 || p.HashAlgorithms[0] != smb2.HashSHA512 {
				return &ProtocolError{Msg: fmt.Sprintf("server chose preauth hash %v", p.HashAlgorithms)}
			}
			sawPreauth = true
		case smb2.ContextTypeEncryption:
			var e smb2.EncryptionCapabilities
			if err := e.Decode(nc.Data); err != nil {
				return &ProtocolError{Msg: "encryption context", Err: err}
			}
			if len(e.Ciphers) != 1 {
				return &ProtocolError{Msg: fmt.Sprintf("server chose %d ciphers", len(e.Ciphers))}
			}
			if e.Ciphers[0] != 0 && !slices.Contains(ciphers, e.Ciphers[0]) {
				return &ProtocolError{Msg: fmt.Sprintf("server chose cipher %s, not offered", smb2.CipherName(e.Ciphers[0]))}
			}
			n.Cipher = e.Ciphers[0]
		case smb2.ContextTypeSigning:
			var s smb2.SigningCapabilities
			if err := s.Decode(nc.Data); err != nil {
				return &ProtocolError{Msg: "signing context", Err: err}
			}
			if len(s.SigningAlgorithms) != 1 || !slices.Contains(signAlgs, s.SigningAlgorithms[0]) {
				return &ProtocolError{Msg: fmt.Sprintf("server chose signing algorithms %v", s.SigningAlgorithms)}
			}
			n.SigningAlg = s.SigningAlgorithms[0]
		}
	}
	if !sawPreauth {
		return &ProtocolError{Msg: "3.1.1 NEGOTIATE response without a preauth integrity context"}
	}
	return nil
}
