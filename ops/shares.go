package ops

import (
	"context"
	"fmt"

	"github.com/gosmb/gosmb/proto/dcerpc"
)

// SharedDevice is one share of a server, like pysmb's SharedDevice.
type SharedDevice struct {
	Name    string
	Type    uint32 // STYPE_* with the SPECIAL and TEMPORARY modifier bits
	Comment string
}

// Share types (the low bits of Type). See [MS-SRVS] 2.2.2.4.
const (
	ShareTypeDisk    = dcerpc.ShareTypeDiskTree
	ShareTypePrinter = dcerpc.ShareTypePrintQ
	ShareTypeDevice  = dcerpc.ShareTypeDevice
	ShareTypeIPC     = dcerpc.ShareTypeIPC
)

// BaseType returns the base type: Type without the SPECIAL, TEMPORARY and
// cluster bits.
func (d SharedDevice) BaseType() uint32 { return dcerpc.ShareInfo1{Type: d.Type}.BaseType() }

// IsSpecial reports an administrative share (IPC$, C$, ...).
func (d SharedDevice) IsSpecial() bool { return dcerpc.ShareInfo1{Type: d.Type}.IsSpecial() }

// IsTemporary reports a temporary share.
func (d SharedDevice) IsTemporary() bool { return dcerpc.ShareInfo1{Type: d.Type}.IsTemporary() }

// ListShares asks the server's srvsvc pipe for its shares (NetrShareEnum,
// level 1). s must be the IPC$ share; server is the name the request
// carries (host name or address).
func (s *Share) ListShares(ctx context.Context, server string) ([]SharedDevice, error) {
	p, err := s.OpenPipe(ctx, "srvsvc")
	if err != nil {
		return nil, err
	}
	defer p.f.closeQuietly()

	const bindCall, enumCall = 1, 2
	bind, err := dcerpc.NewBind(bindCall, dcerpc.SrvsvcSyntax).Append(nil)
	if err != nil {
		return nil, err
	}
	reply, err := p.Transact(ctx, bind)
	if err != nil {
		return nil, err
	}
	ack, err := dcerpc.DecodeBindReply(reply)
	if err != nil {
		return nil, fmt.Errorf("gosmb: list shares: bind srvsvc: %w", err)
	}
	if err := ack.Accepted(0); err != nil {
		return nil, fmt.Errorf("gosmb: list shares: bind srvsvc: %w", err)
	}
	stub := dcerpc.EncodeNetrShareEnumRequest(server, 1, dcerpc.MaxPreferredLength)
	frags, err := dcerpc.SplitRequest(enumCall, 0, dcerpc.OpnumNetrShareEnum, stub, dcerpc.DefaultMaxFrag)
	if err != nil {
		return nil, err
	}
	for _, fr := range frags[:len(frags)-1] {
		if err := p.f.writeAll(ctx, fr); err != nil {
			return nil, err
		}
	}
	ra := dcerpc.NewReassembler(enumCall, 0)
	msg, err := p.Transact(ctx, frags[len(frags)-1])
	for {
		if err != nil {
			return nil, err
		}
		done, aerr := ra.Add(msg)
		if aerr != nil {
			return nil, fmt.Errorf("gosmb: list shares: %w", aerr)
		}
		if done {
			break
		}
		msg, err = p.ReadMessage(ctx)
	}
	var res dcerpc.NetrShareEnumResponse
	if err := res.Decode(ra.Stub()); err != nil {
		return nil, fmt.Errorf("gosmb: list shares: %w", err)
	}
	if err := res.Err(); err != nil {
		return nil, fmt.Errorf("gosmb: list shares: %w", err)
	}
	out := make([]SharedDevice, len(res.Shares))
	for i, sh := range res.Shares {
		out[i] = SharedDevice{Name: sh.Name, Type: sh.Type, Comment: sh.Comment}
	}
	return out, nil
}

// writeAll writes b at offset 0 (pipes ignore offsets) in one WRITE.
func (f *File) writeAll(ctx context.Context, b []byte) error {
	resp, err := f.sendWrite(ctx, 0, b).Wait(ctx)
	if err != nil {
		return err
	}
	return f.writeReply(resp, len(b))
}
