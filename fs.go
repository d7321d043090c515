package gosmb

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"
)

// FS returns an io/fs view of share: fs.FS, fs.ReadDirFS, fs.StatFS and
// fs.ReadFileFS, so fs.WalkDir, fs.Glob and fstest.TestFS work. Paths are
// slash-separated and unrooted, as io/fs requires ("." is the share root).
// Its methods run under context.Background().
func (c *Client) FS(share string) fs.FS { return &shareFS{c: c, share: share} }

type shareFS struct {
	c     *Client
	share string
}

var (
	_ fs.ReadDirFS  = (*shareFS)(nil)
	_ fs.StatFS     = (*shareFS)(nil)
	_ fs.ReadFileFS = (*shareFS)(nil)
)

func (s *shareFS) remote(op, name string) (string, error) {
	// io/fs paths use only '/'; a backslash would be a path separator
	// to the server, so a name holding one names no file of this FS.
	if !fs.ValidPath(name) || strings.Contains(name, `\`) {
		return "", &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	if name == "." {
		return "", nil
	}
	return name, nil
}

func pathErr(op, name string, err error) error {
	return &fs.PathError{Op: op, Path: name, Err: err}
}

func (s *shareFS) Stat(name string) (fs.FileInfo, error) {
	p, err := s.remote("stat", name)
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	sf, err := s.c.GetAttributes(ctx, s.share, p).Wait(ctx)
	if err != nil {
		return nil, pathErr("stat", name, err)
	}
	sf.Name = path.Base(name)
	return fileInfo{sf}, nil
}

func (s *shareFS) ReadDir(name string) ([]fs.DirEntry, error) {
	p, err := s.remote("readdir", name)
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	es, err := s.c.ListPath(ctx, s.share, p, SearchDefault, "*").Wait(ctx)
	if err != nil {
		return nil, pathErr("readdir", name, err)
	}
	out := make([]fs.DirEntry, 0, len(es))
	for _, e := range es {
		if e.Name == "." || e.Name == ".." {
			continue
		}
		out = append(out, fs.FileInfoToDirEntry(fileInfo{e}))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out, nil
}

func (s *shareFS) ReadFile(name string) ([]byte, error) {
	p, err := s.remote("readfile", name)
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	var b strings.Builder
	if _, err := s.c.RetrieveFile(ctx, s.share, p, &b).Wait(ctx); err != nil {
		return nil, pathErr("readfile", name, err)
	}
	return []byte(b.String()), nil
}

func (s *shareFS) Open(name string) (fs.File, error) {
	p, err := s.remote("open", name)
	if err != nil {
		return nil, err
	}
	info, err := s.Stat(name)
	if err != nil {
		return nil, pathErr("open", name, errors.Unwrap(err))
	}
	if info.IsDir() {
		return &dirFile{fs: s, name: name, info: info}, nil
	}
	ctx := context.Background()
	f, err := s.c.Open(ctx, s.share, p).Wait(ctx)
	if err != nil {
		return nil, pathErr("open", name, err)
	}
	return &fsFile{File: f, info: info}, nil
}

// fsFile is a regular file opened through the FS: its Stat reports the
// io/fs name (the base of the path it was opened with).
type fsFile struct {
	*File
	info fs.FileInfo
}

func (f *fsFile) Stat() (fs.FileInfo, error) { return f.info, nil }

// dirFile is a directory opened through the FS.
type dirFile struct {
	fs      *shareFS
	name    string
	info    fs.FileInfo
	entries []fs.DirEntry
	read    bool
	pos     int
	closed  bool
}

func (d *dirFile) Stat() (fs.FileInfo, error) { return d.info, nil }
func (d *dirFile) Read([]byte) (int, error) {
	return 0, pathErr("read", d.name, errIsDir)
}
func (d *dirFile) Close() error {
	if d.closed {
		return pathErr("close", d.name, fs.ErrClosed)
	}
	d.closed = true
	return nil
}

func (d *dirFile) ReadDir(n int) ([]fs.DirEntry, error) {
	if d.closed {
		return nil, pathErr("readdir", d.name, fs.ErrClosed)
	}
	if !d.read {
		es, err := d.fs.ReadDir(d.name)
		if err != nil {
			return nil, err
		}
		d.entries, d.read = es, true
	}
	rest := d.entries[d.pos:]
	if n <= 0 {
		d.pos = len(d.entries)
		return rest, nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	if n > len(rest) {
		n = len(rest)
	}
	d.pos += n
	return rest[:n], nil
}

// fileInfo adapts a SharedFile to fs.FileInfo. Sys returns the SharedFile.
type fileInfo struct{ sf SharedFile }

func (i fileInfo) Name() string       { return i.sf.Name }
func (i fileInfo) Size() int64        { return i.sf.Size }
func (i fileInfo) ModTime() time.Time { return i.sf.LastWriteTime }
func (i fileInfo) IsDir() bool        { return i.sf.IsDirectory() }
func (i fileInfo) Sys() any           { return i.sf }
func (i fileInfo) Mode() fs.FileMode {
	m := fs.FileMode(0o644)
	if i.sf.IsReadOnly() {
		m = 0o444
	}
	if i.sf.IsDirectory() {
		m = fs.ModeDir | 0o755
	}
	return m
}
