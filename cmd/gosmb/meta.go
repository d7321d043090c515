package main

import (
	"errors"
	"flag"
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/gosmb/gosmb"
	"github.com/gosmb/gosmb/future"
	"github.com/gosmb/gosmb/proto/ntstatus"
)

func init() {
	commands = append(commands,
		&command{
			name: "shares", args: "URL",
			summary: "list the shares of the server smb://HOST/",
			run:     runShares,
		},
		&command{
			name: "ls", args: "URL [--pattern P] [--search MASK] [-a]",
			summary: "list a directory; a wildcard in the last path component is the pattern",
			setFlags: func(fs *flag.FlagSet, o *cmdOpts) {
				fs.StringVar(&o.pattern, "pattern", "", "server-side name `PATTERN`, e.g. *.txt (default *)")
				fs.StringVar(&o.search, "search", "", "attribute filter `MASK`, a number, e.g. 0x10 for directories only (default: everything)")
				fs.BoolVar(&o.all, "a", false, "include . and ..")
			},
			run: runLs,
		},
		&command{
			name: "stat", args: "URL",
			summary: "show the attributes of a file or directory",
			run:     runStat,
		},
		&command{
			name: "rm", args: "URL... [-r]",
			summary: "delete files; wildcards are allowed in the last path component",
			setFlags: func(fs *flag.FlagSet, o *cmdOpts) {
				fs.BoolVar(&o.recursive, "r", false, "also delete matching directories with their contents")
			},
			run: runRm,
		},
		&command{
			name: "mkdir", args: "URL... [-p]",
			summary: "create directories",
			setFlags: func(fs *flag.FlagSet, o *cmdOpts) {
				fs.BoolVar(&o.parents, "p", false, "create missing parents; an existing directory is not an error")
			},
			run: runMkdir,
		},
		&command{
			name: "rmdir", args: "URL...",
			summary: "delete empty directories",
			run:     runRmdir,
		},
		&command{
			name: "mv", args: "URL NEWPATH [--replace]",
			summary: "rename within a share; NEWPATH is relative to the share (a trailing / moves into that directory)",
			setFlags: func(fs *flag.FlagSet, o *cmdOpts) {
				fs.BoolVar(&o.replace, "replace", false, "overwrite an existing target")
			},
			run: runMv,
		},
		&command{
			name: "acl", args: "URL [--sacl]",
			summary: "show the security descriptor: owner, group and DACL",
			setFlags: func(fs *flag.FlagSet, o *cmdOpts) {
				fs.BoolVar(&o.sacl, "sacl", false, "also ask for the SACL (needs the privilege on the server)")
			},
			run: runACL,
		},
		&command{
			name: "snapshots", args: "URL",
			summary: "list the snapshots (previous versions) of a file or directory",
			run:     runSnapshots,
		},
		&command{
			name: "echo", args: "URL TEXT... [-c COUNT]",
			summary: "send SMB2 ECHO and print TEXT with the round-trip time, like ping",
			setFlags: func(fs *flag.FlagSet, o *cmdOpts) {
				fs.IntVar(&o.count, "c", 1, "send `COUNT` echoes, one second apart")
			},
			run: runEcho,
		},
	)
}

// oneURL parses the single URL argument of a command.
func oneURL(args []string) (*gosmb.URL, error) {
	if len(args) != 1 {
		return nil, usagef("want one URL, got %d arguments", len(args))
	}
	return parseURL(args[0])
}

func runShares(e *env, _ *cmdOpts, args []string) error {
	u, err := oneURL(args)
	if err != nil {
		return err
	}
	c, err := e.client(u)
	if err != nil {
		return err
	}
	shares, err := wait(e.ctx, c.ListShares(e.ctx))
	if err != nil {
		return err
	}
	if e.g.json {
		out := make([]shareJSON, 0, len(shares))
		for _, s := range shares {
			out = append(out, shareJSON{Name: s.Name, Type: shareTypeName(s), Comment: s.Comment, IsSpecial: s.IsSpecial(), IsTemporary: s.IsTemporary()})
		}
		return writeJSON(e.stdout, out)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "NAME\tTYPE\tCOMMENT\n")
	for _, s := range shares {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", s.Name, shareTypeName(s), s.Comment)
	}
	return tw.Flush()
}

func hasWildcard(s string) bool { return strings.ContainsAny(s, "*?") }

func runLs(e *env, o *cmdOpts, args []string) error {
	u, err := oneURL(args)
	if err != nil {
		return err
	}
	if err := needShare(u); err != nil {
		return err
	}
	var search uint32
	if o.search != "" {
		v, err := strconv.ParseUint(o.search, 0, 32)
		if err != nil {
			return usagef("--search %q: want a number such as 0x10", o.search)
		}
		search = uint32(v)
	}
	dir, pattern := remotePath(u), o.pattern
	if base := path.Base(dir); dir != "" && hasWildcard(base) {
		if pattern != "" {
			return usagef("both a wildcard in the URL and --pattern")
		}
		dir, pattern = strings.TrimSuffix(strings.TrimSuffix(dir, base), "/"), base
	}
	if pattern == "" {
		pattern = "*"
	}
	c, err := e.client(u)
	if err != nil {
		return err
	}
	files, err := wait(e.ctx, c.ListPath(e.ctx, u.Share, dir, search, pattern))
	if errors.Is(err, ntstatus.NotADirectory) && o.pattern == "" {
		// ls of a file shows the file.
		var f gosmb.SharedFile
		if f, err = wait(e.ctx, c.GetAttributes(e.ctx, u.Share, dir)); err == nil {
			files = []gosmb.SharedFile{f}
		}
	}
	if err != nil {
		return err
	}
	kept := files[:0]
	for _, f := range files {
		if !o.all && (f.Name == "." || f.Name == "..") {
			continue
		}
		kept = append(kept, f)
	}
	files = kept
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	if e.g.json {
		out := make([]fileJSON, 0, len(files))
		for i := range files {
			out = append(out, toFileJSON(&files[i]))
		}
		return writeJSON(e.stdout, out)
	}
	width := 1
	for i := range files {
		width = max(width, len(strconv.FormatInt(files[i].Size, 10)))
	}
	for i := range files {
		f := &files[i]
		name := f.Name
		if f.IsDirectory() {
			name += "/"
		}
		fmt.Fprintf(e.stdout, "%s  %*d  %s  %s\n", attrLetters(f.Attributes), width, f.Size,
			f.LastWriteTime.Local().Format("2006-01-02 15:04"), name)
	}
	return nil
}

func runStat(e *env, _ *cmdOpts, args []string) error {
	u, err := oneURL(args)
	if err != nil {
		return err
	}
	if err := needShare(u); err != nil {
		return err
	}
	c, err := e.client(u)
	if err != nil {
		return err
	}
	f, err := wait(e.ctx, c.GetAttributes(e.ctx, u.Share, remotePath(u)))
	if err != nil {
		return err
	}
	if f.Name == "" {
		f.Name = baseName(u)
	}
	if e.g.json {
		return writeJSON(e.stdout, toFileJSON(&f))
	}
	kind := "file"
	if f.IsDirectory() {
		kind = "directory"
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "name:\t%s\n", f.Name)
	if f.ShortName != "" {
		fmt.Fprintf(tw, "short name:\t%s\n", f.ShortName)
	}
	fmt.Fprintf(tw, "type:\t%s\n", kind)
	fmt.Fprintf(tw, "size:\t%d\n", f.Size)
	fmt.Fprintf(tw, "allocated:\t%d\n", f.AllocSize)
	fmt.Fprintf(tw, "attributes:\t0x%08x %s\n", f.Attributes, attrString(f.Attributes))
	fmt.Fprintf(tw, "created:\t%s\n", humanTime(f.CreateTime))
	fmt.Fprintf(tw, "accessed:\t%s\n", humanTime(f.LastAccessTime))
	fmt.Fprintf(tw, "modified:\t%s\n", humanTime(f.LastWriteTime))
	fmt.Fprintf(tw, "changed:\t%s\n", humanTime(f.ChangeTime))
	if f.FileID != 0 {
		fmt.Fprintf(tw, "file id:\t%d\n", f.FileID)
	}
	return tw.Flush()
}

// manyURLs parses one or more URL arguments that must name something
// inside a share.
func manyURLs(args []string) ([]*gosmb.URL, error) {
	if len(args) == 0 {
		return nil, usagef("want at least one URL")
	}
	us := make([]*gosmb.URL, len(args))
	for i, a := range args {
		u, err := parseURL(a)
		if err != nil {
			return nil, err
		}
		if err := needShare(u); err != nil {
			return nil, err
		}
		if remotePath(u) == "" {
			return nil, usagef("%s: the URL names the share itself, not something in it", u)
		}
		us[i] = u
	}
	return us, nil
}

// each starts op for every URL at once and waits for all of them,
// returning their errors joined and prefixed with the URL when there is
// more than one.
func each(e *env, us []*gosmb.URL, op func(c *gosmb.Client, u *gosmb.URL) *future.Future[struct{}]) error {
	fs := make([]*future.Future[struct{}], len(us))
	for i, u := range us {
		c, err := e.client(u)
		if err != nil {
			return err
		}
		fs[i] = op(c, u)
	}
	var errs []error
	for i, f := range fs {
		if _, err := wait(e.ctx, f); err != nil {
			if len(us) > 1 {
				err = &wrapErr{prefix: us[i].String(), err: err}
			}
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func runRm(e *env, o *cmdOpts, args []string) error {
	us, err := manyURLs(args)
	if err != nil {
		return err
	}
	return each(e, us, func(c *gosmb.Client, u *gosmb.URL) *future.Future[struct{}] {
		p := remotePath(u)
		// A plain directory name without -r fails with
		// STATUS_FILE_IS_A_DIRECTORY.
		return c.DeleteFiles(e.ctx, u.Share, p, o.recursive)
	})
}

func runMkdir(e *env, o *cmdOpts, args []string) error {
	us, err := manyURLs(args)
	if err != nil {
		return err
	}
	if !o.parents {
		return each(e, us, func(c *gosmb.Client, u *gosmb.URL) *future.Future[struct{}] {
			return c.CreateDirectory(e.ctx, u.Share, remotePath(u))
		})
	}
	return each(e, us, func(c *gosmb.Client, u *gosmb.URL) *future.Future[struct{}] {
		return future.Go(func() (struct{}, error) {
			return struct{}{}, mkdirAll(e, c, u.Share, remotePath(u))
		})
	})
}

// mkdirAll creates p and its missing parents; existing directories are
// fine, an existing file is not (like mkdir -p: "File exists").
func mkdirAll(e *env, c *gosmb.Client, share, p string) error {
	parts := strings.Split(p, "/")
	for i := range parts {
		d := strings.Join(parts[:i+1], "/")
		_, err := wait(e.ctx, c.CreateDirectory(e.ctx, share, d))
		if errors.Is(err, ntstatus.ObjectNameCollision) {
			st, serr := wait(e.ctx, c.GetAttributes(e.ctx, share, d))
			switch {
			case serr != nil:
				err = serr
			case st.IsDirectory():
				err = nil
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func runRmdir(e *env, _ *cmdOpts, args []string) error {
	us, err := manyURLs(args)
	if err != nil {
		return err
	}
	return each(e, us, func(c *gosmb.Client, u *gosmb.URL) *future.Future[struct{}] {
		return c.DeleteDirectory(e.ctx, u.Share, remotePath(u))
	})
}

func runMv(e *env, o *cmdOpts, args []string) error {
	if len(args) != 2 {
		return usagef("want URL and NEWPATH, got %d arguments", len(args))
	}
	us, err := manyURLs(args[:1])
	if err != nil {
		return err
	}
	u := us[0]
	target := args[1]
	if isURL(target) {
		t, err := parseURL(target)
		if err != nil {
			return err
		}
		if !strings.EqualFold(t.Host, u.Host) || t.Port != u.Port || !strings.EqualFold(t.Share, u.Share) {
			return usagef("NEWPATH %s is on another server or share; mv renames within one share", t)
		}
		target = t.Path
	}
	target = strings.ReplaceAll(target, `\`, "/")
	if strings.HasSuffix(target, "/") || strings.Trim(target, "/") == "" {
		target = joinRemote(strings.Trim(target, "/"), baseName(u))
	}
	target = strings.Trim(target, "/")
	var opts []gosmb.CallOption
	if o.replace {
		opts = append(opts, gosmb.WithReplace())
	}
	c, err := e.client(u)
	if err != nil {
		return err
	}
	_, err = wait(e.ctx, c.Rename(e.ctx, u.Share, remotePath(u), target, opts...))
	return err
}

func runACL(e *env, o *cmdOpts, args []string) error {
	u, err := oneURL(args)
	if err != nil {
		return err
	}
	if err := needShare(u); err != nil {
		return err
	}
	c, err := e.client(u)
	if err != nil {
		return err
	}
	sd, err := wait(e.ctx, c.GetSecurity(e.ctx, u.Share, remotePath(u), o.sacl))
	if err != nil {
		return err
	}
	if e.g.json {
		out := aclJSON{Owner: sidString(sd.Owner), Group: sidString(sd.Group), DACL: toACEsJSON(sd.DACL)}
		if o.sacl {
			out.SACL = toACEsJSON(sd.SACL)
		}
		return writeJSON(e.stdout, out)
	}
	fmt.Fprintf(e.stdout, "owner: %s\ngroup: %s\n", sidString(sd.Owner), sidString(sd.Group))
	printACL := func(name string, a []aceJSON, null bool) {
		switch {
		case null:
			fmt.Fprintf(e.stdout, "%s: none\n", name)
			return
		case len(a) == 0:
			fmt.Fprintf(e.stdout, "%s: empty (denies everyone)\n", name)
			return
		}
		fmt.Fprintf(e.stdout, "%s:\n", name)
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		for _, ace := range a {
			flags := strings.Join(ace.Flags, "|")
			if flags == "" {
				flags = "-"
			}
			fmt.Fprintf(tw, "  %s\t%s\t0x%08x\t%s\n", strings.TrimSuffix(ace.Type, "_ACE_TYPE"), ace.SID, ace.Mask, flags)
		}
		tw.Flush()
	}
	printACL("dacl", toACEsJSON(sd.DACL), sd.DACL == nil)
	if o.sacl {
		printACL("sacl", toACEsJSON(sd.SACL), sd.SACL == nil)
	}
	return nil
}

func runSnapshots(e *env, _ *cmdOpts, args []string) error {
	u, err := oneURL(args)
	if err != nil {
		return err
	}
	if err := needShare(u); err != nil {
		return err
	}
	c, err := e.client(u)
	if err != nil {
		return err
	}
	ts, err := wait(e.ctx, c.ListSnapshots(e.ctx, u.Share, remotePath(u)))
	if err != nil {
		return err
	}
	if e.g.json {
		out := make([]string, 0, len(ts))
		for _, t := range ts {
			out = append(out, t.UTC().Format(timeLayout))
		}
		return writeJSON(e.stdout, out)
	}
	for _, t := range ts {
		fmt.Fprintf(e.stdout, "%s  %s\n", t.UTC().Format("@GMT-2006.01.02-15.04.05"), t.Local().Format(time.RFC3339))
	}
	return nil
}

// echoJSON is one echo with --json.
type echoJSON struct {
	Text       string  `json:"text"`
	Server     string  `json:"server"`
	Seq        int     `json:"seq"`
	RTTSeconds float64 `json:"rtt_seconds"`
}

func runEcho(e *env, o *cmdOpts, args []string) error {
	if len(args) < 2 {
		return usagef("want URL and TEXT")
	}
	if o.count < 1 {
		return usagef("-c must be at least 1")
	}
	u, err := parseURL(args[0])
	if err != nil {
		return err
	}
	text := strings.Join(args[1:], " ")
	c, err := e.client(u)
	if err != nil {
		return err
	}
	for i := 1; i <= o.count; i++ {
		if i > 1 {
			select {
			case <-e.ctx.Done():
				return e.ctx.Err()
			case <-time.After(time.Second):
			}
		}
		start := time.Now()
		if _, err := wait(e.ctx, c.Echo(e.ctx)); err != nil {
			return err
		}
		rtt := time.Since(start)
		if e.g.json {
			if err := writeJSON(e.stdout, echoJSON{Text: text, Server: u.Addr(), Seq: i, RTTSeconds: rtt.Seconds()}); err != nil {
				return err
			}
			continue
		}
		fmt.Fprintf(e.stdout, "%s: from %s seq=%d time=%.3f ms\n", text, u.Addr(), i, float64(rtt.Microseconds())/1000)
	}
	return nil
}
