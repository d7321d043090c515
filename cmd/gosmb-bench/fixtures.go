package main

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
)

// fixtures are the source files, made once per invocation on tmpfs
// (/dev/shm) and hard-linked into each server's share, so a 1 GiB file costs
// 1 GiB of RAM however many servers read it. Upload targets always get fresh
// names: a truncating write through a hard link would destroy the source.
type fixtures struct {
	work string // /dev/shm/gosmb-bench-*: sources and smbclient's download dirs

	big     string // local path of the big file (upload source, download fixture)
	bigSize int64
	bigHash string

	parNames  []string // share-relative: par/f00.bin …
	parLocal  []string
	parSize   int64
	parHashes []string

	smallNames  []string // base names: f0000.bin …
	smallDir    string   // local dir holding them (mput source)
	smallSize   int64
	smallHashes []string

	metaNames []string // share-relative: meta/m0000 … with size = index
}

const (
	bigName  = "big.bin"
	parDir   = "par"
	smallSrc = "small-src"
	metaDir  = "meta"
)

func newFixtures(cfg *config) (*fixtures, error) {
	work, err := os.MkdirTemp("/dev/shm", "gosmb-bench-")
	if err != nil {
		return nil, fmt.Errorf("work dir on tmpfs: %w", err)
	}
	f := &fixtures{work: work, bigSize: cfg.size, parSize: cfg.parSize, smallSize: cfg.smallSize}
	f.big = filepath.Join(work, bigName)
	if f.bigHash, err = writeRandom(f.big, cfg.size, 1); err != nil {
		return nil, err
	}
	if err := os.Mkdir(filepath.Join(work, parDir), 0o755); err != nil {
		return nil, err
	}
	for i := range cfg.parFiles {
		name := fmt.Sprintf("%s/f%02d.bin", parDir, i)
		local := filepath.Join(work, name)
		h, err := writeRandom(local, cfg.parSize, uint64(100+i))
		if err != nil {
			return nil, err
		}
		f.parNames, f.parLocal, f.parHashes = append(f.parNames, name), append(f.parLocal, local), append(f.parHashes, h)
	}
	f.smallDir = filepath.Join(work, smallSrc)
	if err := os.Mkdir(f.smallDir, 0o755); err != nil {
		return nil, err
	}
	for i := range cfg.smallFiles {
		name := fmt.Sprintf("f%04d.bin", i)
		h, err := writeRandom(filepath.Join(f.smallDir, name), cfg.smallSize, uint64(10000+i))
		if err != nil {
			return nil, err
		}
		f.smallNames, f.smallHashes = append(f.smallNames, name), append(f.smallHashes, h)
	}
	for i := range cfg.statOps {
		f.metaNames = append(f.metaNames, fmt.Sprintf("%s/m%04d", metaDir, i))
	}
	return f, nil
}

func (f *fixtures) close() error { return os.RemoveAll(f.work) }

// install puts the fixtures into a share directory: the big file always;
// the par, small and meta sets too when full is set.
func (f *fixtures) install(shareDir string, full bool) error {
	if err := linkOrCopy(f.big, filepath.Join(shareDir, bigName)); err != nil {
		return err
	}
	if !full {
		return nil
	}
	for _, d := range []string{parDir, smallSrc, metaDir} {
		if err := os.MkdirAll(filepath.Join(shareDir, d), 0o755); err != nil {
			return err
		}
	}
	for i, name := range f.parNames {
		if err := linkOrCopy(f.parLocal[i], filepath.Join(shareDir, name)); err != nil {
			return err
		}
	}
	for _, name := range f.smallNames {
		if err := linkOrCopy(filepath.Join(f.smallDir, name), filepath.Join(shareDir, smallSrc, name)); err != nil {
			return err
		}
	}
	zeros := make([]byte, len(f.metaNames))
	for i, name := range f.metaNames {
		if err := os.WriteFile(filepath.Join(shareDir, name), zeros[:i], 0o644); err != nil {
			return err
		}
	}
	return nil
}

// writeRandom writes size pseudo-random bytes (ChaCha8, seeded) to path and
// returns their sum (verify.go).
func writeRandom(path string, size int64, seed uint64) (string, error) {
	var s [32]byte
	binary.LittleEndian.PutUint64(s[:], seed)
	src := rand.NewChaCha8(s)
	fh, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return "", err
	}
	h := newSum()
	buf := make([]byte, 1<<20)
	for left := size; left > 0; {
		n := int64(len(buf))
		if left < n {
			n = left
		}
		src.Read(buf[:n])
		h.Write(buf[:n])
		if _, err := fh.Write(buf[:n]); err != nil {
			fh.Close()
			return "", err
		}
		left -= n
	}
	if err := fh.Close(); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func linkOrCopy(src, dst string) error {
	if err := os.Link(src, dst); err == nil {
		return nil
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// hashFile returns the sum (verify.go) of a local file and its size.
func hashFile(path string) (string, int64, error) {
	fh, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer fh.Close()
	h := newSum()
	n, err := io.Copy(h, fh)
	if err != nil {
		return "", n, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// verifyFile fails unless path holds exactly the bytes with hash want.
func verifyFile(what, path, want string, size int64) error {
	got, n, err := hashFile(path)
	if err != nil {
		return fmt.Errorf("VERIFY %s: %w", what, err)
	}
	if n != size || got != want {
		return fmt.Errorf("VERIFY FAILED %s: %s has %d bytes %s %s, want %d bytes %s %s", what, path, n, sumName(), got, size, sumName(), want)
	}
	return nil
}

// verifyDir checks that dir holds exactly the small fixtures.
func (f *fixtures) verifySmallDir(what, dir string) error {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("VERIFY %s: %w", what, err)
	}
	if len(ents) != len(f.smallNames) {
		return fmt.Errorf("VERIFY FAILED %s: %s has %d entries, want %d", what, dir, len(ents), len(f.smallNames))
	}
	for i, name := range f.smallNames {
		if err := verifyFile(what, filepath.Join(dir, name), f.smallHashes[i], f.smallSize); err != nil {
			return err
		}
	}
	return nil
}
