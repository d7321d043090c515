package gosmb_test

import (
	"context"
	"errors"
	"io/fs"
	"os/exec"
	"testing"
	"time"
	"unicode/utf16"

	"golang.org/x/crypto/md4"

	"github.com/gosmb/gosmb"
	"github.com/gosmb/gosmb/internal/sambatest"
	"github.com/gosmb/gosmb/proto/ntstatus"
)

func ntHash(password string) []byte {
	h := md4.New()
	for _, u := range utf16.Encode([]rune(password)) {
		h.Write([]byte{byte(u), byte(u >> 8)})
	}
	return h.Sum(nil)
}

func TestGuestLogon(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{Guest: true})
	c := dial(t, srv, gosmb.Options{User: "no-such-user", Password: "whatever"})
	if !c.Session().IsGuest() {
		t.Fatal("unknown user with map to guest = Bad User: session is not guest")
	}
	if c.Session().Signed() {
		t.Fatal("a guest session cannot sign, yet Signed() is true")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := c.ConnectShare(ctx, srv.GuestShare).Wait(ctx); err != nil {
		t.Fatalf("guest share: %v", err)
	}
	roundTrip(t, c, srv, srv.GuestShare, srv.GuestDir, 64<<10)
}

// With RefuseGuest, a logon the server turns into a guest session fails,
// and a real logon on the same server still works.
func TestRefuseGuest(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{Guest: true})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := gosmb.Dial(ctx, srv.Addr, &gosmb.Options{User: "no-such-user", Password: "whatever", RefuseGuest: true})
	var ae *gosmb.AuthError
	if err == nil {
		c.Close()
	}
	if !errors.As(err, &ae) || !errors.Is(err, gosmb.ErrGuestRefused) {
		t.Fatalf("guest fallback with RefuseGuest: %v, want an *AuthError matching ErrGuestRefused", err)
	}
	c = dial(t, srv, gosmb.Options{User: srv.User, Password: srv.Password, RefuseGuest: true})
	if c.Session().IsGuest() {
		t.Fatal("a real user's session is guest")
	}
}

// A server that requires signing cannot sign a guest session: the logon
// it turns into one fails (as Windows refuses it), even without
// RefuseGuest, while an anonymous logon asked for still works.
func TestGuestRefusedWhenServerRequiresSigning(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{Guest: true, Signing: "mandatory"})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := gosmb.Dial(ctx, srv.Addr, &gosmb.Options{User: "no-such-user", Password: "whatever"})
	if err == nil {
		c.Close()
	}
	var ae *gosmb.AuthError
	if !errors.As(err, &ae) || !errors.Is(err, gosmb.ErrSigningUnavailable) {
		t.Fatalf("guest fallback on a server that requires signing: %v, want an *AuthError matching ErrSigningUnavailable", err)
	}
	a := dial(t, srv, gosmb.Options{Anonymous: true})
	if _, err := a.ListShares(ctx).Wait(ctx); err != nil {
		t.Fatalf("ListShares on an anonymous session: %v", err)
	}
	u := dial(t, srv, gosmb.Options{})
	if !u.Session().Signed() {
		t.Fatal("the user's session on a server that requires signing is not signed")
	}
}

func TestAnonymousIPC(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	c := dial(t, srv, gosmb.Options{Anonymous: true})
	if !c.Session().IsAnonymous() || c.Session().Signed() {
		t.Fatalf("anonymous logon: IsAnonymous %v Signed %v (flags %#x)", c.Session().IsAnonymous(), c.Session().Signed(), c.Session().Flags)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	sh, err := c.ConnectShare(ctx, "IPC$").Wait(ctx)
	if err != nil {
		t.Fatalf("IPC$ on a null session: %v", err)
	}
	if sh.Type != 2 {
		t.Fatalf("IPC$ share type %d, want 2 (pipe)", sh.Type)
	}
	if _, err := c.Echo(ctx).Wait(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestNTLMv1WhenServerAllowsIt(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{NTLMAuth: "yes"})
	c := dial(t, srv, gosmb.Options{User: srv.User, Password: srv.Password, NTLMv1: true})
	roundTrip(t, c, srv, srv.Share, srv.ShareDir, 128<<10)
}

func TestNTLMv1RefusedByDefaultServer(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{}) // Samba's default: ntlmv2-only
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := gosmb.Dial(ctx, srv.Addr, &gosmb.Options{User: srv.User, Password: srv.Password, NTLMv1: true})
	var ae *gosmb.AuthError
	if !errors.As(err, &ae) || ae.Status != ntstatus.LogonFailure {
		t.Fatalf("NTLMv1 against an NTLMv2-only server: %v, want AuthError STATUS_LOGON_FAILURE", err)
	}
}

func TestPassTheHash(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{Signing: "mandatory"})
	c := dial(t, srv, gosmb.Options{User: srv.User, NTHash: ntHash(srv.Password)})
	if !c.Session().Signed() {
		t.Fatal("not signed")
	}
	roundTrip(t, c, srv, srv.Share, srv.ShareDir, 64<<10)
}

func TestPasswordFunc(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	calls := 0
	c := dial(t, srv, gosmb.Options{User: srv.User, PasswordFunc: func() (string, error) {
		calls++
		return srv.Password, nil
	}})
	if calls == 0 {
		t.Fatal("PasswordFunc never called")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := c.Echo(ctx).Wait(ctx); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("vault sealed")
	_, err := gosmb.Dial(ctx, srv.Addr, &gosmb.Options{User: srv.User, PasswordFunc: func() (string, error) { return "", boom }})
	if !errors.Is(err, boom) {
		t.Fatalf("Dial with a failing PasswordFunc: %v, want its error", err)
	}
}

func TestDomainAndWorkstation(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	c := dial(t, srv, gosmb.Options{User: srv.User, Password: srv.Password, Domain: srv.Workgroup, Workstation: "GOSMBCLIENT"})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := c.Echo(ctx).Wait(ctx); err != nil {
		t.Fatal(err)
	}
}

// pdbedit runs Samba's account tool against the test server's passdb.
func pdbedit(t *testing.T, srv *sambatest.Server, args ...string) {
	t.Helper()
	out, err := exec.Command("pdbedit", append([]string{"-s", srv.ConfPath}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("pdbedit %v: %v\n%s", args, err, out)
	}
}

func TestAccountStateErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		args  []string
		wants []ntstatus.Status
	}{
		{"disabled", []string{"-c", "[D]", "-u", "root"}, []ntstatus.Status{ntstatus.AccountDisabled}},
		{"expired account", []string{"--kickoff-time=1", "-u", "root"}, []ntstatus.Status{ntstatus.AccountExpired}},
		{"password must change", nil, []ntstatus.Status{ntstatus.PasswordMustChange, ntstatus.PasswordExpired}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := sambatest.Start(t, sambatest.Config{})
			if tc.args != nil {
				pdbedit(t, srv, tc.args...)
			} else {
				out, err := exec.Command("net", "-s", srv.ConfPath, "sam", "set", "pwdmustchangenow", srv.User, "yes").CombinedOutput()
				if err != nil {
					t.Fatalf("net sam set pwdmustchangenow: %v\n%s", err, out)
				}
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_, err := gosmb.Dial(ctx, srv.Addr, &gosmb.Options{User: srv.User, Password: srv.Password})
			var ae *gosmb.AuthError
			if !errors.As(err, &ae) {
				t.Fatalf("Dial: %v, want *AuthError", err)
			}
			ok := false
			for _, w := range tc.wants {
				ok = ok || ae.Status == w
			}
			if !ok {
				t.Fatalf("status %s, want one of %v", ae.Status, tc.wants)
			}
		})
	}
}

func TestTreeConnectAccessDenied(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{ExtraShare: []string{"invalid users = root"}})
	c := dial(t, srv, gosmb.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := c.ConnectShare(ctx, srv.Share).Wait(ctx)
	var se *gosmb.StatusError
	if !errors.As(err, &se) || se.Status != ntstatus.AccessDenied || !errors.Is(err, fs.ErrPermission) {
		t.Fatalf("tree connect to a share the user may not use: %v, want STATUS_ACCESS_DENIED", err)
	}
	// Other shares still work on the same session.
	if _, err := c.ConnectShare(ctx, srv.ROShare).Wait(ctx); err != nil {
		t.Fatal(err)
	}
}

// After the server has dropped a session, a signed connection reports
// what the server said (STATUS_USER_SESSION_DELETED), not tampering: the
// server has no key left to sign its answer with.
func TestSignedRequestAfterLogoff(t *testing.T) {
	for _, max := range []string{"SMB2_10", "SMB3_11"} {
		t.Run(max, func(t *testing.T) {
			srv := sambatest.Start(t, sambatest.Config{Signing: "mandatory", MaxProtocol: max})
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			c := dialTest(ctx, t, srv.Addr, &gosmb.Options{User: srv.User, Password: srv.Password})
			sess := c.Session()
			if !sess.Signed() {
				t.Fatal("session not signed")
			}
			tree, err := sess.TreeConnect(ctx, `\\127.0.0.1\`+srv.Share)
			if err != nil {
				t.Fatal(err)
			}
			if err := sess.Logoff(ctx); err != nil {
				t.Fatal(err)
			}
			err = tree.Disconnect(ctx)
			var se *gosmb.StatusError
			if !errors.As(err, &se) || se.Status != ntstatus.UserSessionDeleted || errors.Is(err, gosmb.ErrBadSignature) {
				t.Fatalf("tree disconnect after logoff: %v, want STATUS_USER_SESSION_DELETED", err)
			}
		})
	}
}
