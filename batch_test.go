package gosmb_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"sync"
	"testing"
	"time"

	"github.com/gosmb/gosmb"
	"github.com/gosmb/gosmb/internal/sambatest"
)

// TestMergedCompoundsOnSamba runs hundreds of GetAttributes, small
// downloads and small uploads at once, so that the engine merges their
// CREATE … CLOSE chains into shared compound frames, and checks every
// answer: a missing file next to existing ones in the same frame is still
// "not found" on its own, sizes and contents match, signatures verify
// and encrypted frames decrypt. Each dialect family and protection the
// engine signs or seals differently is covered.
func TestMergedCompoundsOnSamba(t *testing.T) {
	variants := []struct {
		name string
		cfg  sambatest.Config
		opts gosmb.Options
	}{
		{"smb311", sambatest.Config{}, gosmb.Options{}},
		{"smb202", sambatest.Config{MaxProtocol: "SMB2_02"}, gosmb.Options{}},
		{"signed-smb300", sambatest.Config{Signing: "mandatory", MaxProtocol: "SMB3_00"}, gosmb.Options{}},
		{"signed-smb311", sambatest.Config{Signing: "mandatory"}, gosmb.Options{}},
		{"encrypted", sambatest.Config{}, gosmb.Options{Encrypt: true}},
	}
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			srv := sambatest.Start(t, v.cfg)
			c := dial(t, srv, v.opts)
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			const files = 40
			content := func(i int) []byte { return bytes.Repeat([]byte{byte('a' + i%26)}, 100+i) }
			if _, err := c.CreateDirectory(ctx, srv.Share, "m").Wait(ctx); err != nil {
				t.Fatal(err)
			}
			for i := range files {
				if _, err := c.StoreFile(ctx, srv.Share, fmt.Sprintf("m/f%02d", i), bytes.NewReader(content(i))).Wait(ctx); err != nil {
					t.Fatal(err)
				}
			}
			before := c.Session().Conn().Stats()
			var wg sync.WaitGroup
			errs := make(chan error, 600)
			for i := range 600 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					name := fmt.Sprintf("m/f%02d", i%files)
					switch {
					case i%6 == 5:
						_, err := c.GetAttributes(ctx, srv.Share, fmt.Sprintf("m/missing%d", i)).Wait(ctx)
						if !errors.Is(err, fs.ErrNotExist) {
							errs <- fmt.Errorf("stat of a missing file %d: %v", i, err)
						}
					case i%6 == 4:
						var b bytes.Buffer
						_, err := c.RetrieveFile(ctx, srv.Share, name, &b).Wait(ctx)
						if err != nil || !bytes.Equal(b.Bytes(), content(i%files)) {
							errs <- fmt.Errorf("retrieve %s: %v, %d bytes", name, err, b.Len())
						}
					case i%6 == 3:
						up := fmt.Sprintf("m/up%03d", i)
						data := bytes.Repeat([]byte(up), 50)
						if _, err := c.StoreFile(ctx, srv.Share, up, bytes.NewReader(data)).Wait(ctx); err != nil {
							errs <- fmt.Errorf("store %s: %v", up, err)
							return
						}
						a, err := c.GetAttributes(ctx, srv.Share, up).Wait(ctx)
						if err != nil || a.Size != int64(len(data)) {
							errs <- fmt.Errorf("stat after store %s: %v, size %d", up, err, a.Size)
						}
					default:
						a, err := c.GetAttributes(ctx, srv.Share, name).Wait(ctx)
						if err != nil || a.Size != int64(len(content(i%files))) || a.Name != name[2:] {
							errs <- fmt.Errorf("stat %s: %v, %q size %d", name, err, a.Name, a.Size)
						}
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			st := c.Session().Conn().Stats()
			merged := st.MergedChains - before.MergedChains
			t.Logf("%d frames, %d chains sent merged", st.Frames-before.Frames, merged)
			if merged == 0 {
				t.Fatal("no chains were merged: the test did not exercise merged compounds")
			}
		})
	}
}
