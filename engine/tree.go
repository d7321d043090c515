package engine

import (
	"context"
	"errors"
	"fmt"

	"github.com/gosmb/gosmb/future"
	"github.com/gosmb/gosmb/proto/ntstatus"
	"github.com/gosmb/gosmb/proto/smb2"
)

// Tree is a connected share (SMB2 TREE_CONNECT).
type Tree struct {
	ID      uint32
	Session *Session
	Path    string // \\server\share

	ShareType     uint8
	ShareFlags    uint32
	Capabilities  uint32
	MaximalAccess uint32

	encrypt bool // the share demands encryption (SMB2_SHAREFLAG_ENCRYPT_DATA)
}

// shareFlagEncryptData is SMB2_SHAREFLAG_ENCRYPT_DATA. See [MS-SMB2] 2.2.10.
const shareFlagEncryptData = 0x00008000

// TreeConnect connects to the share at path, \\server\share.
func (s *Session) TreeConnect(ctx context.Context, path string) (*Tree, error) {
	body, err := (&smb2.TreeConnectRequest{Path: path}).Append(nil)
	if err != nil {
		return nil, err
	}
	resp, err := s.conn.Send(ctx, &Request{
		Header:  smb2.Header{Command: smb2.CommandTreeConnect},
		Body:    body,
		Session: s,
	}).Wait(ctx)
	if err != nil {
		return nil, err
	}
	if st := resp.Status(); st != ntstatus.Success {
		return nil, &StatusError{Op: "tree connect", Path: path, Status: st}
	}
	var tr smb2.TreeConnectResponse
	if err := tr.Decode(resp.Body); err != nil {
		return nil, &ProtocolError{Msg: "TREE_CONNECT response", Err: err}
	}
	t := &Tree{
		ID:            resp.Header.TreeID,
		Session:       s,
		Path:          path,
		ShareType:     uint8(tr.ShareType),
		ShareFlags:    tr.ShareFlags,
		Capabilities:  tr.Capabilities,
		MaximalAccess: tr.MaximalAccess,
	}
	if tr.ShareFlags&shareFlagEncryptData != 0 && !s.encryptAll {
		if s.sealer == nil {
			t.Disconnect(ctx)
			return nil, fmt.Errorf("%w: share %s requires encryption", ErrEncryptionUnavailable, path)
		}
		t.encrypt = true
	}
	if n := s.conn.neg.Load(); (n.Dialect == smb2.Dialect300 || n.Dialect == smb2.Dialect302) && s.signer != nil && !s.validated.Load() {
		if err := t.validateNegotiate(ctx); err != nil {
			if !errors.Is(err, ErrDowngrade) {
				t.Disconnect(ctx)
			}
			return nil, err
		}
		s.validated.Store(true)
	}
	return t, nil
}

// Encrypted reports whether requests on this tree are encrypted.
func (t *Tree) Encrypted() bool { return t.encrypt || t.Session.encryptAll }

// Send sends a request on this tree: TreeID, session, signing and
// encryption filled in.
func (t *Tree) Send(ctx context.Context, cmd smb2.Command, body []byte, creditCharge uint16) *future.Future[*Response] {
	return t.Session.conn.Send(ctx, t.Request(cmd, body, creditCharge))
}

// Disconnect sends TREE_DISCONNECT.
func (t *Tree) Disconnect(ctx context.Context) error {
	body, _ := (&smb2.TreeDisconnectRequest{}).Append(nil)
	resp, err := t.Send(ctx, smb2.CommandTreeDisconnect, body, 0).Wait(ctx)
	if err != nil {
		return err
	}
	if st := resp.Status(); st != ntstatus.Success {
		return &StatusError{Op: "tree disconnect", Path: t.Path, Status: st}
	}
	return nil
}

// Request builds a request on this tree: TreeID, session and encryption
// filled in, ready for Conn.Send or SendCompound.
func (t *Tree) Request(cmd smb2.Command, body []byte, creditCharge uint16) *Request {
	return &Request{
		Header:       smb2.Header{Command: cmd, TreeID: t.ID},
		Body:         body,
		CreditCharge: creditCharge,
		Session:      t.Session,
		Encrypt:      t.encrypt,
		diskShare:    smb2.ShareType(t.ShareType) == smb2.ShareTypeDisk,
	}
}

// SendCompound sends reqs (built with Request) as one related compound
// chain: later requests act on the FileId the first one opened when they
// name smb2.FileIDAny.
func (t *Tree) SendCompound(ctx context.Context, reqs ...*Request) []*future.Future[*Response] {
	return t.Session.conn.SendCompound(ctx, reqs, true)
}
