package ops

import (
	"context"
	"fmt"

	"github.com/gosmb/gosmb/proto/ntstatus"
	"github.com/gosmb/gosmb/proto/smb2"
)

// pipeBufferSize is the most one pipe read or transceive returns at once.
const pipeBufferSize = 64 << 10

// maxPipeMessage bounds one reassembled pipe message.
const maxPipeMessage = 16 << 20

// Pipe is an open named pipe on IPC$ carrying message-mode traffic
// (DCE/RPC).
type Pipe struct {
	f *File
}

// OpenPipe opens the named pipe name (for example "srvsvc") on this share,
// which must be IPC$.
func (s *Share) OpenPipe(ctx context.Context, name string) (*Pipe, error) {
	f, err := s.Open(ctx, name, OpenOptions{
		Access:      smb2.FileReadData | smb2.FileWriteData | smb2.FileReadEA | smb2.FileReadAttributes | smb2.ReadControl | smb2.Synchronize,
		Disposition: smb2.FileOpen,
		ShareAccess: smb2.FileShareRead | smb2.FileShareWrite,
	})
	if err != nil {
		return nil, retag(err, "open pipe")
	}
	return &Pipe{f: f}, nil
}

// Close closes the pipe.
func (p *Pipe) Close(ctx context.Context) error { return p.f.Close(ctx) }

// Transact writes one message and returns the whole reply message
// (FSCTL_PIPE_TRANSCEIVE, then READs while the server reports
// STATUS_BUFFER_OVERFLOW, i.e. more of the message is waiting).
func (p *Pipe) Transact(ctx context.Context, in []byte) ([]byte, error) {
	body, err := (&smb2.IoctlRequest{
		CtlCode:           smb2.FsctlPipeTransceive,
		FileID:            p.f.ID,
		Input:             in,
		MaxOutputResponse: pipeBufferSize,
		Flags:             smb2.IoctlFlagIsFsctl,
	}).Append(nil)
	if err != nil {
		return nil, err
	}
	resp, err := p.f.share.Tree.Send(ctx, smb2.CommandIoctl, body, creditChargeFor(max(len(in), pipeBufferSize))).Wait(ctx)
	if err != nil {
		return nil, err
	}
	st := resp.Status()
	if st != ntstatus.Success && st != ntstatus.BufferOverflow {
		return nil, statusErr("pipe transceive", p.f.Name, st)
	}
	var ir smb2.IoctlResponse
	if err := ir.Decode(resp.Body); err != nil {
		return nil, protoErr("IOCTL response", err)
	}
	out := append([]byte(nil), ir.Output...)
	for st == ntstatus.BufferOverflow {
		var more []byte
		more, st, err = p.read(ctx)
		if err != nil {
			return nil, err
		}
		out = append(out, more...)
		if err := pipeProgress(out, more); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ReadMessage returns the next whole message from the pipe.
func (p *Pipe) ReadMessage(ctx context.Context) ([]byte, error) {
	var out []byte
	for {
		b, st, err := p.read(ctx)
		if err != nil {
			return nil, err
		}
		out = append(out, b...)
		if st != ntstatus.BufferOverflow {
			if len(out) == 0 {
				// A message has bytes: a caller that reads on until its
				// message is whole would otherwise spin on these.
				return nil, protoErr("pipe message: empty read", nil)
			}
			return out, nil
		}
		if err := pipeProgress(out, b); err != nil {
			return nil, err
		}
	}
}

// read issues one READ; the status tells whether the message goes on.
func (p *Pipe) read(ctx context.Context) ([]byte, ntstatus.Status, error) {
	resp, err := p.f.sendRead(ctx, 0, pipeBufferSize).Wait(ctx)
	if err != nil {
		return nil, 0, err
	}
	st := resp.Status()
	if st != ntstatus.Success && st != ntstatus.BufferOverflow {
		return nil, st, statusErr("pipe read", p.f.Name, st)
	}
	var rr smb2.ReadResponse
	if err := rr.Decode(resp.Body); err != nil {
		return nil, st, protoErr("READ response", err)
	}
	return rr.Data, st, nil
}

// pipeProgress stops a server that keeps saying "more" without sending
// any, or sends more than a message may hold.
func pipeProgress(out, last []byte) error {
	if len(last) == 0 || len(out) > maxPipeMessage {
		return protoErr(fmt.Sprintf("pipe message: %d bytes, last read %d", len(out), len(last)), nil)
	}
	return nil
}
