package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gosmb/gosmb/internal/sambatest"
)

// smbRun is one smbclient process.
type smbRun struct {
	wall   time.Duration // process start to exit: exec, logon, commands, logoff
	rssKiB int64         // peak VmHWM seen (see rss.go)
	out    string        // stdout (unless it was given a sink) and stderr
	rate   float64       // bytes/s smbclient measured itself (the last "average"), 0 if none
}

// smbclientCmd describes one invocation.
type smbclientCmd struct {
	srv     *sambatest.Server
	extra   []string // options after SmbclientArgs
	command string   // -c; empty: commands come from stdin
	stdin   io.Reader
	stdout  io.Writer // sink for "get file -"; nil: captured in out
}

var averageRE = regexp.MustCompile(`\(average ([0-9.]+) (?:KiloBytes/sec|kb/s)\)`)

func (s smbclientCmd) args() []string {
	args := append(smbclientArgs(s.srv), s.extra...)
	if s.command != "" {
		args = append(args, "-c", s.command)
	}
	return args
}

func (s smbclientCmd) String() string {
	var b strings.Builder
	b.WriteString("smbclient")
	for _, a := range s.args() {
		if strings.ContainsAny(a, " ;*\\'\"") {
			a = "'" + a + "'"
		}
		b.WriteString(" " + a)
	}
	return b.String()
}

// start launches the process; wait finishes it.
func (s smbclientCmd) start(ctx context.Context) (*started, error) {
	cmd := exec.CommandContext(ctx, "smbclient", s.args()...)
	cmd.Env = append(os.Environ(), "LANG=C")
	cmd.Stdin = s.stdin
	var out bytes.Buffer
	if s.stdout != nil {
		cmd.Stdout = s.stdout
	} else {
		cmd.Stdout = &out
	}
	cmd.Stderr = &out
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return &started{cmd: cmd, out: &out, t0: t0, hwm: pollHWM(cmd.Process.Pid)}, nil
}

// started is a running smbclient.
type started struct {
	cmd *exec.Cmd
	out *bytes.Buffer
	t0  time.Time
	hwm *hwmPoller
}

func (s smbclientCmd) wait(p *started) (smbRun, error) {
	err := p.cmd.Wait()
	r := smbRun{wall: time.Since(p.t0), out: p.out.String(), rssKiB: p.hwm.finish()}
	if m := averageRE.FindAllStringSubmatch(r.out, -1); len(m) > 0 {
		if v, perr := strconv.ParseFloat(m[len(m)-1][1], 64); perr == nil {
			r.rate = v * 1024
		}
	}
	if err == nil && strings.Contains(r.out, "NT_STATUS_") {
		err = fmt.Errorf("NT_STATUS_ in output")
	}
	if err != nil {
		tail := r.out
		if len(tail) > 2000 {
			tail = "…" + tail[len(tail)-2000:]
		}
		return r, fmt.Errorf("%s: %w\n%s", s, err, tail)
	}
	return r, nil
}

func (s smbclientCmd) run(ctx context.Context) (smbRun, error) {
	p, err := s.start(ctx)
	if err != nil {
		return smbRun{}, err
	}
	return s.wait(p)
}

// smbclientVersion returns "Version 4.17.12-Debian" or the error text.
func smbclientVersion() string {
	out, err := exec.Command("smbclient", "--version").CombinedOutput()
	if err != nil {
		return "smbclient --version: " + err.Error()
	}
	return strings.TrimSpace(string(out))
}
