package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gosmb/gosmb"
	"github.com/gosmb/gosmb/future"
	"github.com/gosmb/gosmb/proto/ntstatus"
)

// parallel bounds the files a recursive transfer moves at once (all on
// one connection).
const parallel = 16

func init() {
	commands = append(commands,
		&command{
			name: "get", args: "[-r] URL [LOCAL|-] | URL... DIR  [--offset N] [--length N]",
			summary: "download files (to stdout with -); several URLs go into DIR concurrently; -r copies a directory tree",
			setFlags: func(fs *flag.FlagSet, o *cmdOpts) {
				fs.BoolVar(&o.recursive, "r", false, "copy a directory and everything in it (like cp -r)")
				fs.Var(&o.offset, "offset", "start reading at byte `N` (one file only)")
				fs.Var(&o.length, "length", "read at most `N` bytes (one file only)")
			},
			run: runGet,
		},
		&command{
			name: "put", args: "[-r] LOCAL|- URL | LOCAL... URL  [--offset N] [--truncate]",
			summary: "upload files (from stdin with -); -r copies a directory tree",
			setFlags: func(fs *flag.FlagSet, o *cmdOpts) {
				fs.BoolVar(&o.recursive, "r", false, "copy a directory and everything in it (like cp -r)")
				fs.Var(&o.offset, "offset", "write from byte `N` of the remote file, keeping the rest (one file only)")
				fs.BoolVar(&o.truncate, "truncate", false, "with --offset, empty the remote file before writing (bytes before --offset then read as zeros)")
			},
			run: runPut,
		},
	)
}

// summary collects what a get or put moved, for --json.
type summary struct {
	start time.Time
	mu    sync.Mutex
	items []transferItem
	// dataOnStdout: the file itself went to stdout (get URL -), so the
	// JSON summary goes to stderr instead of into the data.
	dataOnStdout bool
}

func newSummary() *summary { return &summary{start: time.Now()} }

func (s *summary) add(it transferItem) {
	s.mu.Lock()
	s.items = append(s.items, it)
	s.mu.Unlock()
}

// report prints the summary with --json; without it a successful
// transfer prints nothing (like cp).
func (e *env) report(s *summary) error {
	if !e.g.json {
		return nil
	}
	out := transferJSON{Seconds: time.Since(s.start).Seconds(), Transfers: s.items}
	if out.Transfers == nil {
		out.Transfers = []transferItem{}
	}
	sort.Slice(out.Transfers, func(i, j int) bool { return out.Transfers[i].Source < out.Transfers[j].Source })
	for _, it := range s.items {
		out.Bytes += it.Bytes
	}
	out.Files = len(s.items)
	if s.dataOnStdout {
		return writeJSON(e.stderr, out)
	}
	return writeJSON(e.stdout, out)
}

// download is one file on its way into a temporary file next to its
// destination; finish renames it into place or removes it.
type download struct {
	u   *gosmb.URL
	dst string
	tmp *os.File
	f   *future.Future[gosmb.FileTransfer]
}

// startDownload creates the temporary file and starts the transfer.
func (e *env) startDownload(c *gosmb.Client, u *gosmb.URL, rpath, dst string, offset, length int64, p *progress) (*download, error) {
	tmp, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".*.gosmb-part")
	if err != nil {
		return nil, err
	}
	d := &download{u: u, dst: dst, tmp: tmp}
	d.f = c.RetrieveFileFromOffset(e.ctx, u.Share, rpath, tmp, offset, length, p.option()...)
	return d, nil
}

// finish waits for the transfer; on success the temporary file becomes
// dst, on failure it is removed, so nothing half-written is left.
func (d *download) finish(e *env) (int64, error) {
	ft, err := wait(e.ctx, d.f)
	if cerr := d.tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		mode := fs.FileMode(0o644)
		if fi, serr := os.Stat(d.dst); serr == nil && fi.Mode().IsRegular() {
			mode = fi.Mode().Perm()
		}
		err = os.Chmod(d.tmp.Name(), mode)
	}
	if err == nil {
		err = os.Rename(d.tmp.Name(), d.dst)
	}
	if err != nil {
		os.Remove(d.tmp.Name())
		return 0, err
	}
	return ft.Bytes, nil
}

func runGet(e *env, o *cmdOpts, args []string) error {
	if o.recursive {
		return getRecursive(e, o, args)
	}
	if len(args) == 0 {
		return usagef("want a URL")
	}
	var srcs []string
	dst := ""
	switch {
	case len(args) == 1:
		srcs = args
	case isURL(args[len(args)-1]):
		return usagef("the last argument must be a local file or directory (or - for stdout)")
	default:
		srcs, dst = args[:len(args)-1], args[len(args)-1]
	}
	us := make([]*gosmb.URL, len(srcs))
	for i, s := range srcs {
		u, err := parseURL(s)
		if err != nil {
			return err
		}
		if err := needShare(u); err != nil {
			return err
		}
		if remotePath(u) == "" {
			return usagef("%s is a share, not a file (use get -r)", u)
		}
		us[i] = u
	}
	length := int64(-1)
	if o.length.set {
		length = o.length.v
	}
	if len(us) > 1 {
		if o.offset.set || o.length.set {
			return usagef("--offset and --length take one file")
		}
		if dst == "-" {
			return usagef("several files cannot go to stdout")
		}
		if fi, err := os.Stat(dst); err != nil || !fi.IsDir() {
			return usagef("with several URLs the last argument must be an existing directory")
		}
	}
	s := newSummary()
	p := e.startProgress()
	err := e.getFiles(us, dst, o.offset.v, length, p, s)
	p.finish()
	if err != nil {
		return err
	}
	return e.report(s)
}

// getFiles downloads every URL at once (one connection per server) into
// dst: a file name, a directory, "-" for stdout or "" for the current
// directory.
func (e *env) getFiles(us []*gosmb.URL, dst string, offset, length int64, p *progress, s *summary) error {
	if p != nil {
		// Sizes for the progress line, asked alongside the transfers.
		defer e.expectSizes(us, offset, length, p)()
	}
	if dst == "-" {
		s.dataOnStdout = true
		u := us[0]
		c, err := e.client(u)
		if err != nil {
			return err
		}
		ft, err := wait(e.ctx, c.RetrieveFileFromOffset(e.ctx, u.Share, remotePath(u), e.stdout, offset, length, p.option()...))
		if err != nil {
			return err
		}
		s.add(transferItem{Source: u.String(), Destination: "-", Bytes: ft.Bytes, Offset: offset})
		return nil
	}
	dsts := make([]string, len(us))
	seen := map[string]bool{}
	for i, u := range us {
		d := dst
		if d == "" {
			d = baseName(u)
		} else if fi, err := os.Stat(d); err == nil && fi.IsDir() {
			d = filepath.Join(d, baseName(u))
		}
		if seen[d] {
			return usagef("two URLs would both be saved as %s", d)
		}
		seen[d] = true
		dsts[i] = d
	}
	ds := make([]*download, 0, len(us))
	var errs []error
	for i, u := range us {
		c, err := e.client(u)
		if err != nil {
			errs = append(errs, err)
			break
		}
		d, err := e.startDownload(c, u, remotePath(u), dsts[i], offset, length, p)
		if err != nil {
			errs = append(errs, err)
			break
		}
		ds = append(ds, d)
	}
	for _, d := range ds {
		n, err := d.finish(e)
		if err != nil {
			if len(us) > 1 {
				err = &wrapErr{prefix: d.u.String(), err: err}
			}
			errs = append(errs, err)
			continue
		}
		s.add(transferItem{Source: d.u.String(), Destination: d.dst, Bytes: n, Offset: offset})
	}
	return errors.Join(errs...)
}

// expectSizes asks for the size of every URL at once and tells p how
// many bytes to expect as the answers come in. The returned function
// waits for the answers.
func (e *env) expectSizes(us []*gosmb.URL, offset, length int64, p *progress) func() {
	var wg sync.WaitGroup
	for _, u := range us {
		c, err := e.client(u)
		if err != nil {
			continue // the transfer reports it
		}
		f := c.GetAttributes(e.ctx, u.Share, remotePath(u))
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, err := wait(e.ctx, f)
			if err != nil || st.IsDirectory() {
				return
			}
			n := max(st.Size-offset, 0)
			if length >= 0 {
				n = min(n, length)
			}
			p.expect(n)
		}()
	}
	return wg.Wait
}

// safeName rejects a directory entry name that would escape the local
// directory it is written to.
func safeName(name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, `/\`) || strings.ContainsRune(name, 0) {
		return fmt.Errorf("refusing unsafe name %q from the server", name)
	}
	return nil
}

func getRecursive(e *env, o *cmdOpts, args []string) error {
	if len(args) < 1 || len(args) > 2 {
		return usagef("want URL [DIR]")
	}
	if o.offset.set || o.length.set {
		return usagef("--offset and --length do not go with -r")
	}
	u, err := parseURL(args[0])
	if err != nil {
		return err
	}
	if err := needShare(u); err != nil {
		return err
	}
	dstArg := "."
	if len(args) == 2 {
		dstArg = args[1]
	}
	if dstArg == "-" || isURL(dstArg) {
		return usagef("get -r needs a local directory")
	}
	c, err := e.client(u)
	if err != nil {
		return err
	}
	root := remotePath(u)
	if root != "" {
		st, err := wait(e.ctx, c.GetAttributes(e.ctx, u.Share, root))
		if err != nil {
			return err
		}
		if !st.IsDirectory() {
			s := newSummary()
			p := e.startProgress()
			err := e.getFiles([]*gosmb.URL{u}, dstArg, 0, -1, p, s)
			p.finish()
			if err != nil {
				return err
			}
			return e.report(s)
		}
	}
	local := dstArg
	if fi, err := os.Stat(dstArg); err == nil && fi.IsDir() {
		local = filepath.Join(dstArg, baseName(u))
	}
	if err := os.Mkdir(local, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
		return err
	}

	type entry struct {
		remote, local string
		size          int64
	}
	// List level by level, each level's directories all at once, making
	// the local directories as they are found.
	var files []entry
	level := []entry{{remote: root, local: local}}
	for len(level) > 0 {
		futs := make([]*future.Future[[]gosmb.SharedFile], len(level))
		for i, d := range level {
			futs[i] = c.ListPath(e.ctx, u.Share, d.remote, 0, "*")
		}
		var next []entry
		var errs []error
		for i, f := range futs {
			list, err := wait(e.ctx, f)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			for _, sf := range list {
				if sf.Name == "." || sf.Name == ".." {
					continue
				}
				if err := safeName(sf.Name); err != nil {
					errs = append(errs, err)
					continue
				}
				en := entry{remote: joinRemote(level[i].remote, sf.Name), local: filepath.Join(level[i].local, sf.Name), size: sf.Size}
				if sf.IsDirectory() {
					if err := os.Mkdir(en.local, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
						errs = append(errs, err)
						continue
					}
					next = append(next, en)
				} else {
					files = append(files, en)
				}
			}
		}
		if err := errors.Join(errs...); err != nil {
			return err
		}
		level = next
	}

	s := newSummary()
	p := e.startProgress()
	for _, f := range files {
		p.expect(f.size)
	}
	err = forEachBounded(e.ctx, len(files), parallel, func(i int) error {
		f := files[i]
		fu := withPath(u, f.remote)
		d, err := e.startDownload(c, fu, f.remote, f.local, 0, -1, p)
		if err != nil {
			return err
		}
		n, err := d.finish(e)
		if err != nil {
			return &wrapErr{prefix: fu.String(), err: err}
		}
		s.add(transferItem{Source: fu.String(), Destination: f.local, Bytes: n})
		return nil
	})
	p.finish()
	if err != nil {
		return err
	}
	return e.report(s)
}

// forEachBounded runs fn(0..n-1) with at most parallel running at once and
// returns every error joined. Once ctx ends no new call starts.
func forEachBounded(ctx context.Context, n, parallel int, fn func(i int) error) error {
	var (
		wg   sync.WaitGroup
		sem  = make(chan struct{}, parallel)
		mu   sync.Mutex
		errs []error
	)
	fail := func(err error) {
		mu.Lock()
		errs = append(errs, err)
		mu.Unlock()
	}
	for i := 0; i < n; i++ {
		if ctx.Err() != nil {
			fail(ctx.Err())
			break
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := fn(i); err != nil {
				fail(err)
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

func runPut(e *env, o *cmdOpts, args []string) error {
	if o.recursive {
		return putRecursive(e, o, args)
	}
	if len(args) < 2 {
		return usagef("want LOCAL (or -) and URL")
	}
	if o.truncate && !o.offset.set {
		return usagef("--truncate goes with --offset (put without --offset always replaces the file)")
	}
	srcs := args[:len(args)-1]
	u, err := parseURL(args[len(args)-1])
	if err != nil {
		return err
	}
	if err := needShare(u); err != nil {
		return err
	}
	for _, s := range srcs {
		if isURL(s) {
			return usagef("put copies local files to one URL; %s is not local", redactURL(s))
		}
	}
	if len(srcs) > 1 && o.offset.set {
		return usagef("--offset takes one file")
	}
	c, err := e.client(u)
	if err != nil {
		return err
	}
	rp := remotePath(u)
	intoDir := rp == "" || strings.HasSuffix(u.Path, "/") || len(srcs) > 1
	if !intoDir {
		st, err := wait(e.ctx, c.GetAttributes(e.ctx, u.Share, rp))
		intoDir = err == nil && st.IsDirectory()
	}
	type upload struct {
		src, remote string
		file        *os.File
		f           *future.Future[int64]
	}
	ups := make([]*upload, 0, len(srcs))
	for _, src := range srcs {
		remote := rp
		if intoDir {
			if src == "-" {
				return usagef("put - needs a URL naming the remote file, not a directory")
			}
			remote = joinRemote(rp, filepath.Base(src))
		}
		ups = append(ups, &upload{src: src, remote: remote})
	}
	s := newSummary()
	p := e.startProgress()
	defer p.finish()
	var errs []error
	for _, up := range ups {
		var r io.Reader = e.stdin
		if up.src != "-" {
			f, err := os.Open(up.src)
			if err != nil {
				errs = append(errs, err)
				break
			}
			if fi, err := f.Stat(); err == nil {
				if fi.IsDir() {
					f.Close()
					errs = append(errs, fmt.Errorf("%s is a directory (use put -r)", up.src))
					break
				}
				p.expect(fi.Size())
			}
			up.file, r = f, f
		}
		if o.offset.set {
			up.f = c.StoreFileFromOffset(e.ctx, u.Share, up.remote, r, o.offset.v, o.truncate, p.option()...)
		} else {
			up.f = c.StoreFile(e.ctx, u.Share, up.remote, r, p.option()...)
		}
	}
	for _, up := range ups {
		if up.f == nil {
			continue
		}
		n, err := wait(e.ctx, up.f)
		if up.file != nil {
			up.file.Close()
		}
		ru := withPath(u, up.remote)
		if err != nil {
			if len(ups) > 1 {
				err = &wrapErr{prefix: up.src, err: err}
			}
			errs = append(errs, err)
			continue
		}
		it := transferItem{Source: up.src, Destination: ru.String(), Bytes: n}
		if o.offset.set {
			it.Bytes, it.Offset = n-o.offset.v, o.offset.v
		}
		s.add(it)
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	p.finish()
	return e.report(s)
}

func putRecursive(e *env, o *cmdOpts, args []string) error {
	if len(args) != 2 {
		return usagef("want DIR and URL")
	}
	if o.offset.set || o.truncate {
		return usagef("--offset and --truncate do not go with -r")
	}
	src := args[0]
	if isURL(src) {
		return usagef("put -r copies a local directory to a URL; %s is not local", redactURL(src))
	}
	u, err := parseURL(args[1])
	if err != nil {
		return err
	}
	if err := needShare(u); err != nil {
		return err
	}
	fi, err := os.Stat(src)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		o.recursive = false
		return runPut(e, o, args)
	}
	abs, err := filepath.Abs(src)
	if err != nil {
		return err
	}
	// Like cp -r: a symbolic link named on the command line is followed
	// (a walk would not enter it); the copy keeps the link's name.
	if li, err := os.Lstat(src); err == nil && li.Mode()&fs.ModeSymlink != 0 {
		if src, err = filepath.EvalSymlinks(src); err != nil {
			return err
		}
	}
	c, err := e.client(u)
	if err != nil {
		return err
	}
	// cp -r: into an existing directory goes a copy named like src;
	// otherwise the URL becomes the copy.
	root := remotePath(u)
	if root == "" {
		root = filepath.Base(abs)
	} else {
		st, err := wait(e.ctx, c.GetAttributes(e.ctx, u.Share, root))
		switch {
		case err == nil && st.IsDirectory():
			root = joinRemote(root, filepath.Base(abs))
		case err == nil:
			return fmt.Errorf("%s exists and is not a directory", u)
		case !errors.Is(err, ntstatus.ObjectNameNotFound):
			return err
		}
	}

	type entry struct {
		local, remote string
		size          int64
	}
	var dirs [][]string // remote directories by depth below root
	var files []entry
	err = filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		if rel == "." {
			return nil
		}
		remote := joinRemote(root, filepath.ToSlash(rel))
		switch {
		case d.IsDir():
			depth := strings.Count(filepath.ToSlash(rel), "/")
			for len(dirs) <= depth {
				dirs = append(dirs, nil)
			}
			dirs[depth] = append(dirs[depth], remote)
		case d.Type().IsRegular():
			info, err := d.Info()
			if err != nil {
				return err
			}
			files = append(files, entry{local: p, remote: remote, size: info.Size()})
		default:
			fmt.Fprintf(e.stderr, "gosmb: put: skipping %s: not a regular file\n", p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	// Directories level by level, each level at once; existing ones are
	// kept (merge, like cp -r into an existing tree).
	mkdirs := func(ds []string) error {
		futs := make([]*future.Future[struct{}], len(ds))
		for i, d := range ds {
			futs[i] = c.CreateDirectory(e.ctx, u.Share, d)
		}
		var errs []error
		for _, f := range futs {
			if _, err := wait(e.ctx, f); err != nil && !errors.Is(err, ntstatus.ObjectNameCollision) {
				errs = append(errs, err)
			}
		}
		return errors.Join(errs...)
	}
	if err := mkdirs([]string{root}); err != nil {
		return err
	}
	for _, level := range dirs {
		if err := mkdirs(level); err != nil {
			return err
		}
	}

	s := newSummary()
	p := e.startProgress()
	for _, f := range files {
		p.expect(f.size)
	}
	err = forEachBounded(e.ctx, len(files), parallel, func(i int) error {
		f := files[i]
		fh, err := os.Open(f.local)
		if err != nil {
			return err
		}
		defer fh.Close()
		ru := withPath(u, f.remote)
		n, err := wait(e.ctx, c.StoreFile(e.ctx, u.Share, f.remote, fh, p.option()...))
		if err != nil {
			return &wrapErr{prefix: f.local, err: err}
		}
		s.add(transferItem{Source: f.local, Destination: ru.String(), Bytes: n})
		return nil
	})
	p.finish()
	if err != nil {
		return err
	}
	return e.report(s)
}
