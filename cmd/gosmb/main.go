// Command gosmb is a command-line SMB client built on package gosmb.
//
//	gosmb [global flags] COMMAND [flags] ARGS
//
// A remote location is a URL
//
//	smb://[DOMAIN;]USER[:PASSWORD]@[NBNAME,]HOST[:PORT]/SHARE/PATH
//
// percent-encoded where needed; the password may instead come from the
// environment variable GOSMB_PASSWORD. Without a user, gosmb logs on
// anonymously. Run "gosmb help" for the commands, and see docs/cli.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gosmb/gosmb"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit statuses.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// passwordEnv names the environment variable read when a URL has no
// password.
const passwordEnv = "GOSMB_PASSWORD"

// command is one gosmb subcommand.
type command struct {
	name     string
	args     string // synopsis of the arguments, for usage
	summary  string
	setFlags func(fs *flag.FlagSet, o *cmdOpts)
	run      func(e *env, o *cmdOpts, args []string) error
}

var commands []*command

func lookupCommand(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

// run is the whole program: it parses args (without the program name),
// runs the command and returns the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	stderr = &lockedWriter{w: stderr}
	var g globals
	top := newFlagSet("gosmb", stderr)
	g.register(top)
	top.Usage = func() { usage(top.Output(), &g) }
	if err := top.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	rest := top.Args()
	if len(rest) == 0 {
		usage(stderr, &g)
		return exitUsage
	}
	name := rest[0]
	if name == "help" {
		if len(rest) > 1 {
			if c := lookupCommand(rest[1]); c != nil {
				fs, _ := c.flagSet(&g, stdout)
				fs.SetOutput(stdout)
				fs.Usage()
				return exitOK
			}
		}
		usage(stdout, &g)
		return exitOK
	}
	c := lookupCommand(name)
	if c == nil {
		fmt.Fprintf(stderr, "gosmb: unknown command %q (run \"gosmb help\")\n", name)
		return exitUsage
	}
	fs, o := c.flagSet(&g, stderr)
	pos, err := parseInterspersed(fs, rest[1:])
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if err := g.check(); err != nil {
		fmt.Fprintf(stderr, "gosmb: %s: %v\n", name, err)
		return exitUsage
	}

	if g.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, g.timeout)
		defer cancel()
	}
	e := &env{ctx: ctx, g: &g, cmd: name, stdin: stdin, stdout: stdout, stderr: stderr}
	err = c.run(e, o, pos)
	e.closeClients()
	if err == nil {
		return exitOK
	}
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "gosmb: %s: %s\n", name, ue.msg)
		fmt.Fprintf(stderr, "usage: gosmb %s %s\n", c.name, c.args)
		return exitUsage
	}
	e.printErr(err)
	return exitError
}

// flagSet returns the command's flag set: its own flags plus the global
// ones, so that those may also follow the command name.
func (c *command) flagSet(g *globals, out io.Writer) (*flag.FlagSet, *cmdOpts) {
	fs := newFlagSet("gosmb "+c.name, out)
	o := &cmdOpts{}
	if c.setFlags != nil {
		c.setFlags(fs, o)
	}
	own := map[string]bool{}
	fs.VisitAll(func(f *flag.Flag) { own[f.Name] = true })
	g.register(fs)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "usage: gosmb %s %s\n\n%s\n", c.name, c.args, c.summary)
		if len(own) > 0 {
			fmt.Fprintf(w, "\nflags:\n")
			printFlags(w, fs, func(f *flag.Flag) bool { return own[f.Name] })
		}
		fmt.Fprintf(w, "\nglobal flags (also accepted before the command):\n")
		printFlags(w, fs, func(f *flag.Flag) bool { return !own[f.Name] })
	}
	return fs, o
}

func usage(w io.Writer, g *globals) {
	fmt.Fprintf(w, `usage: gosmb [flags] COMMAND [flags] ARGS

A remote location is smb://[DOMAIN;]USER[:PASSWORD]@[NBNAME,]HOST[:PORT]/SHARE/PATH,
percent-encoded; the password may instead come from $%s. Without a user,
gosmb logs on anonymously. Flags may appear anywhere among the arguments.

commands:
`, passwordEnv)
	cs := append([]*command(nil), commands...)
	sort.Slice(cs, func(i, j int) bool { return cs[i].name < cs[j].name })
	for _, c := range cs {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.args)
		fmt.Fprintf(w, "  %-10s   %s\n", "", c.summary)
	}
	fmt.Fprintf(w, "\nglobal flags:\n")
	fs := newFlagSet("gosmb", w)
	var g2 globals
	g2.register(fs)
	printFlags(w, fs, func(*flag.Flag) bool { return true })
	fmt.Fprintf(w, "\nRun \"gosmb help COMMAND\" for a command's flags.\n")
}

// usageError is a command line that makes no sense; run prints it with
// the command's synopsis and exits with status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error {
	return &usageError{msg: fmt.Sprintf(format, a...)}
}

// env is what a command runs with.
type env struct {
	ctx    context.Context
	g      *globals
	cmd    string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer

	mu      sync.Mutex // guards clients
	clients map[string]*gosmb.Client
}

// printErr writes err as "gosmb: COMMAND: message", one line per joined
// error.
func (e *env) printErr(err error) {
	msg := errText(err)
	if errors.Is(err, context.DeadlineExceeded) && e.g.timeout > 0 {
		msg += fmt.Sprintf(" (--timeout %v exceeded)", e.g.timeout)
	}
	for _, line := range strings.Split(msg, "\n") {
		fmt.Fprintf(e.stderr, "gosmb: %s: %s\n", e.cmd, line)
	}
}

// errText is err's message without the "gosmb: " prefix the library puts
// on its errors (the command line adds its own). Joined errors keep one
// message per line.
func errText(err error) string {
	lines := strings.Split(err.Error(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(l, "gosmb: ")
	}
	return strings.Join(lines, "\n")
}

// lockedWriter serialises writes (progress lines and errors share stderr).
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// settle is how long a command waits, after its context ends, for an
// operation to wind down (so that nothing still writes to a file the
// command is about to remove).
const settle = 5 * time.Second
