package engine

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/gosmb/gosmb/auth"
	"github.com/gosmb/gosmb/proto/ntstatus"
	"github.com/gosmb/gosmb/proto/smb2"
)

// negotiateFake answers the client's NEGOTIATE with dialect d, signing
// enabled and not required.
func negotiateFake(t *testing.T, c *Conn, s *fakeServer, d smb2.Dialect) {
	t.Helper()
	negotiateFakeMode(t, c, s, d, smb2.SigningEnabled)
}

// negotiateFakeMode is negotiateFake with the server's SecurityMode.
func negotiateFakeMode(t *testing.T, c *Conn, s *fakeServer, d smb2.Dialect, mode uint16) {
	t.Helper()
	go func() {
		req := s.next()
		nr := smb2.NegotiateResponse{DialectRevision: d, SecurityMode: mode,
			MaxTransactSize: 1 << 20, MaxReadSize: 1 << 20, MaxWriteSize: 1 << 20}
		if d == smb2.Dialect311 {
			p := smb2.PreauthIntegrityCapabilities{HashAlgorithms: []uint16{smb2.HashSHA512}, Salt: make([]byte, 32)}
			nc, _ := p.Context()
			nr.Contexts = append(nr.Contexts, nc)
		}
		b, _ := nr.Append(nil)
		s.respond(req, ntstatus.Success, 64, b)
	}()
	if _, err := c.Negotiate(context.Background(), NegotiateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// succeedAtOnce answers the first SESSION_SETUP with STATUS_SUCCESS, no
// token, no flags and no signature: what an impostor who knows no password
// can send.
func succeedAtOnce(s *fakeServer) { succeedAtOnceWith(s, 0) }

// succeedAtOnceWith is succeedAtOnce with the given SessionFlags.
func succeedAtOnceWith(s *fakeServer, flags uint16) {
	go func() {
		req := s.next()
		req.h.SessionID = 0x1234
		b, _ := (&smb2.SessionSetupResponse{SessionFlags: flags}).Append(nil)
		s.respond(req, ntstatus.Success, 64, b)
	}()
}

// A server's success before the client has authenticated makes no
// session: not for NTLM in SPNEGO (which knows it has not finished), and
// not for a mechanism that cannot say so but yields no session key.
func TestSessionSetupRefusesSuccessBeforeAuthentication(t *testing.T) {
	for _, d := range []smb2.Dialect{smb2.Dialect210, smb2.Dialect302, smb2.Dialect311} {
		t.Run(d.String(), func(t *testing.T) {
			c, s := newFake(t, Config{})
			negotiateFake(t, c, s, d)
			mech, err := auth.NewNTLM(auth.NTLMConfig{User: "alice", Password: "secret"})
			if err != nil {
				t.Fatal(err)
			}
			succeedAtOnce(s)
			sess, err := c.SessionSetup(context.Background(), SessionOptions{Auth: auth.NewSPNEGO(mech)})
			if !errors.Is(err, auth.ErrIncomplete) {
				t.Fatalf("session %+v, %v; want an error matching auth.ErrIncomplete", sess, err)
			}
		})
	}
	for _, mode := range []uint16{smb2.SigningEnabled, smb2.SigningEnabled | smb2.SigningRequired} {
		t.Run(fmt.Sprintf("no key, security mode %#x", mode), func(t *testing.T) {
			c, s := newFake(t, Config{})
			negotiateFakeMode(t, c, s, smb2.Dialect302, mode)
			succeedAtOnce(s)
			sess, err := c.SessionSetup(context.Background(), SessionOptions{Auth: &keylessAuth{}})
			var ae *AuthError
			if !errors.As(err, &ae) || !errors.Is(err, auth.ErrIncomplete) {
				t.Fatalf("session %+v, %v; want an *AuthError matching auth.ErrIncomplete", sess, err)
			}
		})
	}
}

// keylessAuth is a mechanism that never says whether it is done and never
// has a key.
type keylessAuth struct{}

func (*keylessAuth) Start() ([]byte, error)      { return []byte{1}, nil }
func (*keylessAuth) Step([]byte) ([]byte, error) { return []byte{2}, nil }
func (*keylessAuth) Finish([]byte) error         { return nil }
func (*keylessAuth) SessionKey() []byte          { return nil }

// keyedAuth is a mechanism that is done after one token and yields a key,
// whatever the server sent: it stands for a logon with credentials whose
// final reply someone on the path has altered.
type keyedAuth struct{}

func (*keyedAuth) Start() ([]byte, error)      { return []byte{1}, nil }
func (*keyedAuth) Step([]byte) ([]byte, error) { return []byte{2}, nil }
func (*keyedAuth) Finish([]byte) error         { return nil }
func (*keyedAuth) SessionKey() []byte          { return make([]byte, 16) }

// A logon with credentials that the (unauthenticated) final reply turns
// into a null session, or into a guest session although the server said
// it requires signing, would have no key and so nothing signed: it is
// refused even without RefuseGuest.
func TestLogonDowngradedToKeylessIsRefused(t *testing.T) {
	for _, d := range []smb2.Dialect{smb2.Dialect210, smb2.Dialect302, smb2.Dialect311} {
		for _, tc := range []struct {
			name  string
			mode  uint16
			flags uint16
			want  error
		}{
			{"null", smb2.SigningEnabled, SessionFlagIsNull, ErrUnexpectedNullSession},
			{"null, signing required", smb2.SigningEnabled | smb2.SigningRequired, SessionFlagIsNull, ErrUnexpectedNullSession},
			{"guest, signing required", smb2.SigningEnabled | smb2.SigningRequired, SessionFlagIsGuest, ErrSigningUnavailable},
		} {
			t.Run(d.String()+"/"+tc.name, func(t *testing.T) {
				c, s := newFake(t, Config{})
				negotiateFakeMode(t, c, s, d, tc.mode)
				succeedAtOnceWith(s, tc.flags)
				sess, err := c.SessionSetup(context.Background(), SessionOptions{Auth: &keyedAuth{}})
				var ae *AuthError
				if !errors.As(err, &ae) || !errors.Is(err, tc.want) {
					t.Fatalf("session %+v, %v; want an *AuthError matching %v", sess, err, tc.want)
				}
			})
		}
	}
	// An anonymous logon asked for is a null session, and stays allowed.
	t.Run("anonymous", func(t *testing.T) {
		c, s := newFake(t, Config{})
		negotiateFake(t, c, s, smb2.Dialect302)
		succeedAtOnceWith(s, SessionFlagIsNull)
		if _, err := c.SessionSetup(context.Background(), SessionOptions{Auth: &keylessAuth{}, Anonymous: true}); err != nil {
			t.Fatalf("anonymous logon: %v", err)
		}
	})
}
