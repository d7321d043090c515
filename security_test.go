package gosmb_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/gosmb/gosmb"
	"github.com/gosmb/gosmb/internal/sambatest"
	"github.com/gosmb/gosmb/proto/smb2"
)

var protocols = []struct {
	samba string
	want  gosmb.Dialect
	sign  uint16 // signing algorithm gosmb must end up with
}{
	{"SMB2_02", gosmb.SMB202, smb2.SigningHMACSHA256},
	{"SMB2_10", gosmb.SMB210, smb2.SigningHMACSHA256},
	{"SMB3_00", gosmb.SMB300, smb2.SigningAESCMAC},
	{"SMB3_02", gosmb.SMB302, smb2.SigningAESCMAC},
	{"SMB3_11", gosmb.SMB311, smb2.SigningAESGMAC},
}

// smallTrip is a size that takes the small paths both ways: one WRITE
// with its CLOSE right behind, and one CREATE+READ+CLOSE compound.
const smallTrip = 40009

// roundTrip writes size random bytes to a new file through c and reads
// them back, comparing every byte; it also checks the bytes on disk.
func roundTrip(t *testing.T, c *gosmb.Client, srv *sambatest.Server, share, dir string, size int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	data := make([]byte, size)
	rand.Read(data)
	name := fmt.Sprintf("rt-%d.bin", time.Now().UnixNano())
	n, err := c.StoreFile(ctx, share, name, bytes.NewReader(data)).Wait(ctx)
	if err != nil {
		t.Fatalf("StoreFile: %v", err)
	}
	if n != int64(size) {
		t.Fatalf("StoreFile wrote %d bytes, want %d", n, size)
	}
	var buf bytes.Buffer
	res, err := c.RetrieveFile(ctx, share, name, &buf).Wait(ctx)
	if err != nil {
		t.Fatalf("RetrieveFile: %v", err)
	}
	if res.Bytes != int64(size) || !bytes.Equal(buf.Bytes(), data) {
		t.Fatalf("read back %d bytes (reported %d), want the %d written", buf.Len(), res.Bytes, size)
	}
	if dir != "" {
		onDisk := readLocal(t, dir, name)
		if !bytes.Equal(onDisk, data) {
			t.Fatalf("file on the server's disk differs from what was uploaded")
		}
	}
}

// TestDialectMatrix: for each server max protocol, connect, report the
// dialect, write and read back a few MiB.
func TestDialectMatrix(t *testing.T) {
	for _, p := range protocols {
		t.Run(p.samba, func(t *testing.T) {
			srv := sambatest.Start(t, sambatest.Config{MaxProtocol: p.samba})
			c := dial(t, srv, gosmb.Options{})
			if got := c.Dialect(); got != p.want {
				t.Fatalf("negotiated %s, want %s", got, p.want)
			}
			t.Logf("negotiated SMB %s, signed=%v encrypted=%v", c.Dialect(), c.Session().Signed(), c.Session().Encrypted())
			roundTrip(t, c, srv, srv.Share, srv.ShareDir, 3<<20+12345)
			roundTrip(t, c, srv, srv.Share, srv.ShareDir, smallTrip)
		})
	}
}

// TestSigningMandatoryMatrix: with server signing = mandatory every
// dialect signs, with the algorithm the dialect calls for, and every
// response is verified (a failed check would fail the transfer).
func TestSigningMandatoryMatrix(t *testing.T) {
	for _, p := range protocols {
		t.Run(p.samba, func(t *testing.T) {
			srv := sambatest.Start(t, sambatest.Config{MaxProtocol: p.samba, Signing: "mandatory"})
			c := dial(t, srv, gosmb.Options{})
			s := c.Session()
			if !s.Signed() {
				t.Fatalf("session not signed against a server that mandates signing")
			}
			if s.SigningAlgorithm() != p.sign {
				t.Fatalf("signing with %s, want %s", smb2.SigningAlgorithmName(s.SigningAlgorithm()), smb2.SigningAlgorithmName(p.sign))
			}
			t.Logf("SMB %s signs with %s", c.Dialect(), smb2.SigningAlgorithmName(s.SigningAlgorithm()))
			roundTrip(t, c, srv, srv.Share, srv.ShareDir, 2<<20+7)
			roundTrip(t, c, srv, srv.Share, srv.ShareDir, smallTrip)
		})
	}
}

func TestSigningNeverAgainstMandatoryServer(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{Signing: "mandatory"})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := gosmb.Dial(ctx, srv.Addr, &gosmb.Options{User: srv.User, Password: srv.Password, Signing: gosmb.SignNever})
	if !errors.Is(err, gosmb.ErrSigningRequired) {
		t.Fatalf("Dial with SignNever against a signing-mandatory server: %v, want ErrSigningRequired", err)
	}
}

// TestEncryptionRequiredCiphers: with smb encrypt = required, each of the
// four ciphers, chosen through the server's algorithm list.
func TestEncryptionRequiredCiphers(t *testing.T) {
	for _, tc := range []struct {
		samba  string
		cipher uint16
	}{
		{"AES-128-CCM", smb2.CipherAES128CCM},
		{"AES-128-GCM", smb2.CipherAES128GCM},
		{"AES-256-CCM", smb2.CipherAES256CCM},
		{"AES-256-GCM", smb2.CipherAES256GCM},
	} {
		t.Run(tc.samba, func(t *testing.T) {
			srv := sambatest.Start(t, sambatest.Config{Encrypt: "required", EncryptionAlgorithms: tc.samba})
			c := dial(t, srv, gosmb.Options{})
			s := c.Session()
			if !s.Encrypted() || s.Cipher() != tc.cipher {
				t.Fatalf("encrypted=%v cipher=%s, want encryption with %s", s.Encrypted(), smb2.CipherName(s.Cipher()), tc.samba)
			}
			roundTrip(t, c, srv, srv.Share, srv.ShareDir, 2<<20+3)
			roundTrip(t, c, srv, srv.Share, srv.ShareDir, smallTrip)
		})
	}
}

// TestEncryptionOnSMB30 covers 3.0's fixed AES-128-CCM.
func TestEncryptionOnSMB30(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{MaxProtocol: "SMB3_00", Encrypt: "required"})
	c := dial(t, srv, gosmb.Options{})
	if s := c.Session(); !s.Encrypted() || s.Cipher() != smb2.CipherAES128CCM {
		t.Fatalf("encrypted=%v cipher=%s on SMB 3.0", s.Encrypted(), smb2.CipherName(s.Cipher()))
	}
	roundTrip(t, c, srv, srv.Share, srv.ShareDir, 1<<20)
}

// TestPerShareEncryption: a share with smb encrypt = required on a server
// that does not encrypt sessions is reached encrypted, the others not.
func TestPerShareEncryption(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	c := dial(t, srv, gosmb.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	enc, err := c.ConnectShare(ctx, srv.EncShare).Wait(ctx)
	if err != nil {
		t.Fatalf("ConnectShare(%s): %v", srv.EncShare, err)
	}
	plain, err := c.ConnectShare(ctx, srv.Share).Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !enc.Encrypted || plain.Encrypted {
		t.Fatalf("encrypted share: %v, plain share: %v", enc.Encrypted, plain.Encrypted)
	}
	roundTrip(t, c, srv, srv.EncShare, srv.EncDir, 1<<20+1)
}

func TestEncryptionRequestedByClient(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	c := dial(t, srv, gosmb.Options{Encrypt: true})
	if !c.Session().Encrypted() {
		t.Fatal("Options.Encrypt did not encrypt the session")
	}
	roundTrip(t, c, srv, srv.Share, srv.ShareDir, 1<<20)
}

func TestEncryptionImpossibleOnSMB21(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{MaxProtocol: "SMB2_10"})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := gosmb.Dial(ctx, srv.Addr, &gosmb.Options{User: srv.User, Password: srv.Password, Encrypt: true})
	if !errors.Is(err, gosmb.ErrEncryptionUnavailable) {
		t.Fatalf("Encrypt on SMB 2.1: %v, want ErrEncryptionUnavailable", err)
	}
}

func TestNoCommonDialect(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{MaxProtocol: "SMB2_10"})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := gosmb.Dial(ctx, srv.Addr, &gosmb.Options{User: srv.User, Password: srv.Password, MinDialect: gosmb.SMB300})
	if !errors.Is(err, gosmb.ErrNoCommonDialect) {
		t.Fatalf("3.x only against a 2.1 server: %v, want ErrNoCommonDialect", err)
	}
}
