package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/gosmb/gosmb"
	"github.com/gosmb/gosmb/ops"
)

// globals are the flags every command accepts.
type globals struct {
	minDialect, maxDialect string
	sign                   string
	encrypt                bool
	ntlmv1                 bool
	anonymous              bool
	timeout                time.Duration
	json                   bool
	progress               bool
	chunk, window          sizeFlag

	// Set by check.
	min, max gosmb.Dialect
	signing  gosmb.SigningPolicy
}

// register adds the global flags to fs with their current values as
// defaults, so registering them on a command's flag set after the
// top-level parse keeps what was given before the command.
func (g *globals) register(fs *flag.FlagSet) {
	fs.StringVar(&g.minDialect, "min-dialect", g.minDialect, "lowest SMB `DIALECT` to offer: 2.0.2, 2.1, 3.0, 3.0.2 or 3.1.1")
	fs.StringVar(&g.maxDialect, "max-dialect", g.maxDialect, "highest SMB `DIALECT` to offer: 2.0.2, 2.1, 3.0, 3.0.2 or 3.1.1")
	fs.StringVar(&g.sign, "sign", g.sign, "signing `POLICY`: never, supported or required (default: sign when either side requires it)")
	fs.BoolVar(&g.encrypt, "encrypt", g.encrypt, "encrypt the session (SMB 3.x)")
	fs.BoolVar(&g.ntlmv1, "ntlmv1", g.ntlmv1, "authenticate with NTLMv1 (the server must allow it)")
	fs.BoolVar(&g.anonymous, "anonymous", g.anonymous, "log on anonymously (null session), ignoring any user in the URL")
	fs.DurationVar(&g.timeout, "timeout", g.timeout, "time `LIMIT` for the whole command, e.g. 30s (0: none)")
	fs.BoolVar(&g.json, "json", g.json, "print results as JSON")
	fs.BoolVar(&g.progress, "progress", g.progress, "print transfer progress to stderr (get, put)")
	fs.Var(&g.chunk, "chunk", "`SIZE` of one READ/WRITE request, e.g. 1M or 64K (default 1M for READ and 4M for WRITE, capped by the server)")
	fs.Var(&g.window, "window", "`SIZE` one transfer keeps in flight, e.g. 16M (default 16M down; 8M up on a connection under 4ms RTT, else 16M)")
}

// check validates the global flags and fills min, max and signing.
func (g *globals) check() error {
	var err error
	if g.minDialect != "" {
		if g.min, err = gosmb.ParseDialect(g.minDialect); err != nil {
			return fmt.Errorf("--min-dialect: %w", err)
		}
	}
	if g.maxDialect != "" {
		if g.max, err = gosmb.ParseDialect(g.maxDialect); err != nil {
			return fmt.Errorf("--max-dialect: %w", err)
		}
	}
	if g.min != 0 && g.max != 0 && g.min > g.max {
		return fmt.Errorf("--min-dialect %s is above --max-dialect %s", g.minDialect, g.maxDialect)
	}
	switch strings.ToLower(g.sign) {
	case "", "auto", "when-required":
		g.signing = gosmb.SignWhenRequired
	case "never", "off":
		g.signing = gosmb.SignNever
	case "supported", "when-supported":
		g.signing = gosmb.SignWhenSupported
	case "required", "always":
		g.signing = gosmb.SignRequired
	default:
		return fmt.Errorf("--sign %q: want never, supported or required", g.sign)
	}
	if g.chunk.v > math.MaxInt32 || g.window.v > math.MaxInt32 {
		return fmt.Errorf("--chunk and --window must be below 2G")
	}
	return nil
}

// options returns the Dial options the flags ask for, without credentials.
func (g *globals) options() gosmb.Options {
	return gosmb.Options{
		MinDialect: g.min,
		MaxDialect: g.max,
		Signing:    g.signing,
		Encrypt:    g.encrypt,
		NTLMv1:     g.ntlmv1,
		Transfer:   ops.Options{ChunkSize: int(g.chunk.v), Window: int(g.window.v)},
	}
}

// cmdOpts holds the per-command flags; each command registers the ones
// it takes.
type cmdOpts struct {
	recursive bool
	offset    sizeFlag
	length    sizeFlag
	truncate  bool
	pattern   string
	search    string
	all       bool
	replace   bool
	parents   bool
	count     int
	sacl      bool
}

// sizeFlag is a byte count: a number with an optional K, M, G or T suffix
// (powers of 1024; "KiB", "KB" and "k" mean the same).
type sizeFlag struct {
	v   int64
	set bool
}

func (s *sizeFlag) String() string {
	if s == nil || !s.set {
		return ""
	}
	return strconv.FormatInt(s.v, 10)
}

func (s *sizeFlag) Set(v string) error {
	n, err := parseSize(v)
	if err != nil {
		return err
	}
	s.v, s.set = n, true
	return nil
}

// parseSize parses "65536", "64K", "64KiB", "1M", "1mb", "2G".
func parseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := 0
	for i < len(t) && '0' <= t[i] && t[i] <= '9' {
		i++
	}
	num, suffix := t[:i], strings.ToUpper(t[i:])
	if num == "" {
		return 0, fmt.Errorf("invalid size %q", s)
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("invalid size %q", s)
	}
	suffix = strings.TrimSuffix(suffix, "B")
	suffix = strings.TrimSuffix(suffix, "I")
	shift := 0
	switch suffix {
	case "":
	case "K":
		shift = 10
	case "M":
		shift = 20
	case "G":
		shift = 30
	case "T":
		shift = 40
	default:
		return 0, fmt.Errorf("invalid size %q (use a number with an optional K, M, G or T suffix)", s)
	}
	if n > math.MaxInt64>>shift {
		return 0, fmt.Errorf("size %q too large", s)
	}
	return n << shift, nil
}

func newFlagSet(name string, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(out)
	return fs
}

// parseInterspersed parses fs from args in which flags and positional
// arguments may be mixed ("get URL out.txt --offset 10"): it moves the
// flags, with the values of non-boolean ones, in front. "--" ends the
// flags; "-" alone is an argument (stdin or stdout).
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			pos = append(pos, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-")
		if strings.Contains(name, "=") {
			continue
		}
		f := fs.Lookup(name)
		if f == nil {
			continue // Parse reports it
		}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			continue
		}
		if i+1 < len(args) {
			i++
			flags = append(flags, args[i])
		}
	}
	if err := fs.Parse(flags); err != nil {
		return nil, err
	}
	return append(fs.Args(), pos...), nil
}

// printFlags lists the flags of fs that keep selects, as --name.
func printFlags(w io.Writer, fs *flag.FlagSet, keep func(*flag.Flag) bool) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fs.VisitAll(func(f *flag.Flag) {
		if !keep(f) {
			return
		}
		name, use := flag.UnquoteUsage(f)
		arg := "--" + f.Name
		if len(f.Name) == 1 {
			arg = "-" + f.Name
		}
		if name != "" {
			arg += " " + name
		}
		fmt.Fprintf(tw, "  %s\t%s\n", arg, use)
	})
	tw.Flush()
}
