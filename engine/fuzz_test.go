package engine

import (
	"context"
	"net"
	"testing"

	"github.com/gosmb/gosmb/proto/ntstatus"
	"github.com/gosmb/gosmb/proto/smb2"
)

// FuzzHandleFrame feeds arbitrary frames to the receive path (protocol id
// check, TRANSFORM lookup, compound splitting, header decoding, dispatch
// to pending requests) and requires that it never panics: a bad frame is
// an error that closes the connection, nothing else.
func FuzzHandleFrame(f *testing.F) {
	resp := func(mid uint64, status ntstatus.Status, flags smb2.HeaderFlags, next uint32, body []byte) []byte {
		h := smb2.Header{Command: smb2.CommandEcho, Status: status, Flags: smb2.FlagServerToRedir | flags, MessageID: mid, NextCommand: next, Credits: 1}
		return append(h.Append(nil), body...)
	}
	f.Add(resp(0, ntstatus.Success, 0, 0, []byte{4, 0, 0, 0}))
	f.Add(resp(1, ntstatus.Pending, smb2.FlagAsyncCommand, 0, []byte{9, 0, 0, 0, 0, 0, 0, 0, 0}))
	chain := resp(0, ntstatus.Success, 0, 72, []byte{4, 0, 0, 0, 0, 0, 0, 0})
	chain = append(chain, resp(1, ntstatus.Success, 0, 0, []byte{4, 0, 0, 0})...)
	f.Add(chain)
	f.Add(resp(^uint64(0), ntstatus.Success, 0, 0, make([]byte, 24)))
	f.Add(append(smb2.TransformProtocolID[:], make([]byte, 60)...))
	f.Add([]byte{0xFF, 'S', 'M', 'B', 0x72})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, frame []byte) {
		cli, srv := net.Pipe()
		defer srv.Close()
		c := New(cli, Config{})
		defer c.Close()
		// Two requests pending so that dispatch finds something.
		c.credits.acct.avail = 2
		go func() { // drain what the client writes
			b := make([]byte, 4096)
			for {
				if _, err := srv.Read(b); err != nil {
					return
				}
			}
		}()
		f0 := c.Send(context.Background(), echoReq(1))
		c.Send(context.Background(), echoReq(2))
		fb := getFrame(len(frame))
		copy(fb.b, frame)
		err := c.handleFrame(fb)
		fb.release()
		if err != nil {
			c.closeWithError(&ConnError{Err: err})
		}
		if r, err := f0.Result(); err == nil && r != nil {
			_ = r.Body // a delivered response is well formed enough to read
			r.Release()
		}
	})
}
