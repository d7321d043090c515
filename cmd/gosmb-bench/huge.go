package main

import (
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gosmb/gosmb/internal/sambatest"
)

// Scenario g checks that memory stays bounded by the transfer window, not
// the file size: one download and one upload of a -huge-size (10 GiB)
// sparse file. Only gosmb is measured; the row to read is peak RSS.
//
// The server for g keeps its share on disk, not tmpfs: the upload writes
// the whole size, which would otherwise sit in RAM. Sparse files cost
// neither disk nor RAM to read, and read back as zeros.

const hugeName = "huge.bin"

// zeroHash is the sum (verify.go) of size zero bytes.
func zeroHash(size int64) string {
	h := newSum()
	buf := make([]byte, 1<<20)
	for size > 0 {
		n := min(size, int64(len(buf)))
		h.Write(buf[:n])
		size -= n
	}
	return hex.EncodeToString(h.Sum(nil))
}

// sparseFile makes path a hole of size bytes.
func sparseFile(path string, size int64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := f.Truncate(size); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func (b *bench) scenarioG() error {
	size := b.cfg.hugeSize
	srv, err := sambatest.Launch(sambatest.Config{})
	if err != nil {
		return err
	}
	defer srv.Close()
	b.servers = append(b.servers, srv)
	defer func() { b.servers = b.servers[:len(b.servers)-1] }()
	b.logf("smbd pid %d on %s for g (share on disk: %s)", srv.PID, srv.Addr, srv.ShareDir)
	if b.cfg.rtt > 0 {
		p, err := startProxy(srv, b.cfg.rtt)
		if err != nil {
			return err
		}
		b.proxies = append(b.proxies, p)
	}
	if err := sparseFile(filepath.Join(srv.ShareDir, hugeName), size); err != nil {
		return fmt.Errorf("sparse fixture: %w", err)
	}
	src := filepath.Join(b.fx.work, hugeName)
	if err := sparseFile(src, size); err != nil {
		return fmt.Errorf("sparse upload source: %w", err)
	}
	defer os.Remove(src)
	b.logf("hashing %s of zeros", fmtSize(size))
	want := zeroHash(size)

	paths, hashes := []string{hugeName}, []string{want}
	put := func(r int) (sample, error) {
		target := fmt.Sprintf("up-huge-%d.bin", r)
		local := filepath.Join(srv.ShareDir, target)
		defer os.Remove(local)
		j := newJob(srv, "put", false)
		j.Paths, j.Sources, j.Concurrency = []string{target}, []string{src}, 1
		return b.gosmbSample(j, func(res *jobResult) error {
			if res.Bytes != size {
				return fmt.Errorf("VERIFY FAILED gosmb put: StoreFile reports %d bytes, want %d", res.Bytes, size)
			}
			return verifyFile("gosmb put", local, want, size)
		})
	}
	title := fmt.Sprintf("%s sparse file (memory bound)", fmtSize(size))
	runs := fmt.Sprintf("; %d run(s) (-huge-runs)", b.cfg.hugeRuns)
	return b.measureRuns(b.cfg.hugeRuns, "g", title, "MB/s", float64(size)/1e6, []client{
		{name: cGosmb, scenario: "g.get", title: "download " + title, how: gosmbDefaultHow + ", into " + sumName() + "; share on disk" + runs, run: b.gosmbGet(srv, false, paths, hashes, size, 1, nil)},
		{name: cGosmb, scenario: "g.put", title: "upload " + title, how: gosmbDefaultHow + ", from a sparse tmpfs file; share on disk" + runs, run: put},
	})
}
