package gosmb_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gosmb/gosmb"
	"github.com/gosmb/gosmb/internal/sambatest"
)

func TestGetSecurity(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	os.WriteFile(filepath.Join(srv.ShareDir, "sec.txt"), []byte("x"), 0o644)
	c := dial(t, srv, gosmb.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	sd, err := c.GetSecurity(ctx, srv.Share, "sec.txt", false).Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sd.Owner == nil || sd.Group == nil {
		t.Fatalf("descriptor without owner or group: %+v", sd)
	}
	if sd.DACL == nil || len(sd.DACL.ACEs) == 0 {
		t.Fatalf("descriptor without a DACL: %+v", sd)
	}
	// Samba maps the Unix owner root to a SID; it must print as S-1-...
	if s := sd.Owner.String(); len(s) < 5 || s[:4] != "S-1-" {
		t.Fatalf("owner SID %q", s)
	}
	t.Logf("owner %s group %s, %d ACEs", sd.Owner, sd.Group, len(sd.DACL.ACEs))
	dir, err := c.GetSecurity(ctx, srv.Share, "", false).Wait(ctx)
	if err != nil || dir.DACL == nil {
		t.Fatalf("share root security: %+v %v", dir, err)
	}
}

// A server whose MaxTransactSize is below the usual first buffer (4 KiB)
// is asked for no more than it allows.
func TestGetSecuritySmallMaxTransact(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{ExtraGlobal: []string{"smb2 max trans = 1024"}})
	os.WriteFile(filepath.Join(srv.ShareDir, "sec.txt"), []byte("x"), 0o644)
	c := dial(t, srv, gosmb.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if m := c.Negotiated().MaxTransactSize; m != 1024 {
		t.Fatalf("MaxTransactSize %d, want 1024", m)
	}
	sd, err := c.GetSecurity(ctx, srv.Share, "sec.txt", false).Wait(ctx)
	if err != nil || sd.Owner == nil || sd.DACL == nil {
		t.Fatalf("security descriptor: %+v, %v; want one with an owner and a DACL", sd, err)
	}
	f, err := c.Open(ctx, srv.Share, "sec.txt").Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if fi, err := f.StatContext(ctx); err != nil || fi.Size != 1 {
		t.Fatalf("stat: %+v, %v; want size 1", fi, err)
	}
}

func TestListSnapshots(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{Snapshots: true})
	times := []time.Time{
		time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 3, 15, 12, 30, 45, 0, time.UTC),
	}
	os.WriteFile(filepath.Join(srv.ShareDir, "doc.txt"), []byte("now"), 0o644)
	for i, ts := range times {
		dir, err := srv.Snapshot(ts)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "doc.txt"), []byte{byte('0' + i)}, 0o644)
	}
	c := dial(t, srv, gosmb.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	got, err := c.ListSnapshots(ctx, srv.Share, "doc.txt").Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(times) {
		t.Fatalf("snapshots %v, want %v", got, times)
	}
	for i := range times {
		if !got[i].Equal(times[i]) || got[i].Location() != time.UTC {
			t.Fatalf("snapshot %d: %v, want %v in UTC", i, got[i], times[i])
		}
	}
	// Read the file as of each snapshot, and as of now.
	for i, ts := range times {
		var b bytes.Buffer
		if _, err := c.RetrieveFile(ctx, srv.Share, "doc.txt", &b, gosmb.WithSnapshot(ts)).Wait(ctx); err != nil {
			t.Fatalf("retrieve as of %v: %v", ts, err)
		}
		if b.String() != string(rune('0'+i)) {
			t.Fatalf("as of %v: %q, want %q", ts, b.String(), string(rune('0'+i)))
		}
	}
	var now bytes.Buffer
	if _, err := c.RetrieveFile(ctx, srv.Share, "doc.txt", &now).Wait(ctx); err != nil || now.String() != "now" {
		t.Fatalf("current version: %q %v", now.String(), err)
	}
}

func TestListShares(t *testing.T) {
	srv := sambatest.Start(t, sambatest.Config{})
	for _, anon := range []bool{false, true} {
		c := dial(t, srv, gosmb.Options{Anonymous: anon})
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		shares, err := c.ListShares(ctx).Wait(ctx)
		cancel()
		if err != nil {
			t.Fatalf("anonymous=%v: %v", anon, err)
		}
		byName := map[string]gosmb.SharedDevice{}
		for _, s := range shares {
			byName[s.Name] = s
		}
		sh, ok := byName[srv.Share]
		if !ok || sh.BaseType() != gosmb.ShareTypeDisk || sh.IsSpecial() {
			t.Fatalf("anonymous=%v: shares %+v lack the disk share %q", anon, shares, srv.Share)
		}
		ipc, ok := byName["IPC$"]
		if !ok || !ipc.IsSpecial() || ipc.BaseType() != gosmb.ShareTypeIPC {
			t.Fatalf("anonymous=%v: IPC$ %+v", anon, ipc)
		}
	}
}
