package engine

import (
	"context"
	"errors"
	"fmt"

	"github.com/gosmb/gosmb/proto/ntstatus"
	"github.com/gosmb/gosmb/proto/smb2"
)

// ErrDowngrade reports that FSCTL_VALIDATE_NEGOTIATE_INFO found the
// negotiation altered on the wire (a man in the middle removed dialects or
// the signing requirement). The connection is closed.
var ErrDowngrade = errors.New("gosmb: negotiate validation failed: possible downgrade attack")

// validateNegotiate runs FSCTL_VALIDATE_NEGOTIATE_INFO on tree, as
// [MS-SMB2] 3.2.5.5 asks of 3.0 and 3.0.2 sessions that can sign: the
// request and its response are signed, so a NEGOTIATE tampered with in
// flight is caught. 3.1.1 gets the same protection from preauth integrity;
// 2.x has no such check.
func (t *Tree) validateNegotiate(ctx context.Context) error {
	s := t.Session
	c := s.conn
	n := c.neg.Load()
	in, err := (&smb2.ValidateNegotiateInfoRequest{
		Capabilities: n.clientCaps,
		GUID:         n.clientGUID,
		SecurityMode: n.clientSecMode,
		Dialects:     n.offeredDialect,
	}).Append(nil)
	if err != nil {
		return err
	}
	body, err := (&smb2.IoctlRequest{
		CtlCode:           smb2.FsctlValidateNegotiateInfo,
		FileID:            smb2.FileIDAny,
		Input:             in,
		MaxOutputResponse: 24,
		Flags:             smb2.IoctlFlagIsFsctl,
	}).Append(nil)
	if err != nil {
		return err
	}
	req := t.Request(smb2.CommandIoctl, body, 0)
	req.Sign = true
	resp, err := c.Send(ctx, req).Wait(ctx)
	if errors.Is(err, ErrBadSignature) {
		// A validation answer that fails verification is tampering
		// ([MS-SMB2] 3.2.5.14.12).
		return t.downgrade(err)
	}
	if err != nil {
		return err
	}
	switch st := resp.Status(); st {
	case ntstatus.Success:
	case ntstatus.NotSupported, ntstatus.InvalidDeviceRequest, ntstatus.FileClosed:
		// Servers that do not implement it answer so; the signed error
		// response is itself proof enough ([MS-SMB2] 3.2.5.14.12).
		return nil
	default:
		return t.downgrade(fmt.Errorf("server answered with %s", st))
	}
	var ir smb2.IoctlResponse
	if err := ir.Decode(resp.Body); err != nil {
		return t.downgrade(err)
	}
	var vr smb2.ValidateNegotiateInfoResponse
	if err := vr.Decode(ir.Output); err != nil {
		return t.downgrade(err)
	}
	if vr.Capabilities != n.Capabilities || vr.GUID != n.ServerGUID || vr.SecurityMode != n.SecurityMode || vr.Dialect != n.Dialect {
		return t.downgrade(fmt.Errorf("server reports caps %#x mode %#x dialect %s, negotiated caps %#x mode %#x dialect %s",
			vr.Capabilities, vr.SecurityMode, vr.Dialect, n.Capabilities, n.SecurityMode, n.Dialect))
	}
	return nil
}

// downgrade closes the connection: per [MS-SMB2] 3.2.5.14.12 the client
// MUST terminate it when validation fails.
func (t *Tree) downgrade(cause error) error {
	err := fmt.Errorf("%w: %v", ErrDowngrade, cause)
	t.Session.conn.closeWithError(&ConnError{Err: err})
	return err
}
