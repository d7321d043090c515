package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gosmb/gosmb"
	"github.com/gosmb/gosmb/future"
	"github.com/gosmb/gosmb/ops"
	"github.com/gosmb/gosmb/proto/smb2"
)

// childArg, as the first argument, makes the binary run one gosmb job
// (read as JSON from stdin) and print its result as JSON: every gosmb
// measurement runs in its own process so that its peak RSS can be read
// from wait4's rusage, like smbclient's.
const childArg = "__gosmb-bench-child"

// job is one gosmb measurement.
type job struct {
	Kind        string // "get", "put", "list", "stat", "stat-burst"
	Addr        string
	User        string
	Password    string
	Share       string
	MaxDialect  string // "" or "3.0" …
	Sign        bool   // Signing: SignRequired
	Encrypt     bool
	OneInFlight bool        // Transfer {1 MiB, 1 MiB} and Concurrency 1
	Transfer    ops.Options // for the gosmb client (-gosmb-chunk, -gosmb-window); zero: defaults
	Concurrency int         // operations in flight at once (files, GetAttributes)
	Connections int         // gosmb Options.Connections (-gosmb-conns); 0: one
	NoBatching  bool        // gosmb Options.NoBatching (-gosmb-no-batching)
	Paths       []string
	Sources     []string // put: local files, one per path
	Dir         string   // list
	CPUProfile  string   // write a CPU profile of the timed part here
	Verify      string   // the sum downloads are verified with (-verify)
	Timeout     time.Duration
}

// jobResult is what the child reports.
type jobResult struct {
	Dial  time.Duration // Dial + tree connect
	Xfer  time.Duration // the operations only
	Close time.Duration // Close (LOGOFF)

	Bytes  int64
	Hashes []string // get: the sum (verify.go) per path
	Sizes  []int64  // stat: EndOfFile per path
	Names  []string // list

	Session string // dialect, signing, encryption as negotiated

	// Go runtime figures over the timed part.
	Mallocs    uint64
	TotalAlloc uint64
	NumGC      uint32
	PauseTotal time.Duration
	HeapSys    uint64

	PeakRSSKiB int64 // VmHWM of this process at the end (see rss.go)
}

func childMain() int {
	var j job
	if err := json.NewDecoder(os.Stdin).Decode(&j); err != nil {
		fmt.Fprintln(os.Stderr, "gosmb-bench child: job:", err)
		return 2
	}
	k, err := parseVerify(j.Verify)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gosmb-bench child: job:", err)
		return 2
	}
	verifyKind = k
	res, err := j.run()
	if err != nil {
		fmt.Fprintf(os.Stderr, "gosmb-bench child (%s): %v\n", j.Kind, err)
		return 1
	}
	if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
		fmt.Fprintln(os.Stderr, "gosmb-bench child:", err)
		return 1
	}
	return 0
}

func (j *job) run() (*jobResult, error) {
	if j.Timeout == 0 {
		j.Timeout = 10 * time.Minute
	}
	ctx, cancel := context.WithTimeout(context.Background(), j.Timeout)
	defer cancel()
	opts := &gosmb.Options{User: j.User, Password: j.Password, Encrypt: j.Encrypt}
	if j.Sign {
		opts.Signing = gosmb.SignRequired
	}
	if j.MaxDialect != "" {
		d, err := gosmb.ParseDialect(j.MaxDialect)
		if err != nil {
			return nil, err
		}
		opts.MaxDialect = d
	}
	conc := max(j.Concurrency, 1)
	opts.Transfer = j.Transfer
	opts.Connections = j.Connections
	opts.NoBatching = j.NoBatching
	if j.OneInFlight {
		opts.Transfer = ops.Options{ChunkSize: 1 << 20, Window: 1 << 20}
		conc = 1
	}

	res := &jobResult{}
	t0 := time.Now()
	c, err := gosmb.Dial(ctx, j.Addr, opts)
	if err != nil {
		return nil, fmt.Errorf("dial: %w", err)
	}
	closed := false
	defer func() {
		if !closed {
			c.Close()
		}
	}()
	if _, err := c.ConnectShare(ctx, j.Share).Wait(ctx); err != nil {
		return nil, fmt.Errorf("tree connect: %w", err)
	}
	res.Dial = time.Since(t0)
	res.Session = sessionInfo(c)
	if j.Sign && !c.Session().Signed() {
		return nil, errors.New("signing asked for but the session is not signed")
	}
	if j.Encrypt && !c.Session().Encrypted() {
		return nil, errors.New("encryption asked for but the session is not encrypted")
	}

	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if j.CPUProfile != "" {
		pf, err := os.Create(j.CPUProfile)
		if err != nil {
			return nil, err
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return nil, err
		}
	}
	t1 := time.Now()
	err = j.operate(ctx, c, conc, res)
	res.Xfer = time.Since(t1)
	if j.CPUProfile != "" {
		pprof.StopCPUProfile()
	}
	if err != nil {
		return nil, err
	}
	runtime.ReadMemStats(&after)
	res.Mallocs = after.Mallocs - before.Mallocs
	res.TotalAlloc = after.TotalAlloc - before.TotalAlloc
	res.NumGC = after.NumGC - before.NumGC
	res.PauseTotal = time.Duration(after.PauseTotalNs - before.PauseTotalNs)
	res.HeapSys = after.HeapSys

	t2 := time.Now()
	closed = true
	if err := c.Close(); err != nil {
		return nil, fmt.Errorf("close: %w", err)
	}
	res.Close = time.Since(t2)
	if res.PeakRSSKiB, err = vmHWM("self"); err != nil {
		return nil, err
	}
	return res, nil
}

func (j *job) operate(ctx context.Context, c *gosmb.Client, conc int, res *jobResult) error {
	var total atomic.Int64
	switch j.Kind {
	case "get":
		res.Hashes = make([]string, len(j.Paths))
		err := parallel(ctx, len(j.Paths), conc, func(ctx context.Context, i int) error {
			h := newSum()
			ft, err := c.RetrieveFile(ctx, j.Share, j.Paths[i], h).Wait(ctx)
			if err != nil {
				return fmt.Errorf("RetrieveFile %s: %w", j.Paths[i], err)
			}
			res.Hashes[i] = hex.EncodeToString(h.Sum(nil))
			total.Add(ft.Bytes)
			return nil
		})
		res.Bytes = total.Load()
		return err
	case "put":
		err := parallel(ctx, len(j.Paths), conc, func(ctx context.Context, i int) error {
			f, err := os.Open(j.Sources[i])
			if err != nil {
				return err
			}
			defer f.Close()
			n, err := c.StoreFile(ctx, j.Share, j.Paths[i], f).Wait(ctx)
			if err != nil {
				return fmt.Errorf("StoreFile %s: %w", j.Paths[i], err)
			}
			total.Add(n)
			return nil
		})
		res.Bytes = total.Load()
		return err
	case "list":
		files, err := c.ListPath(ctx, j.Share, j.Dir, 0, "*").Wait(ctx)
		if err != nil {
			return fmt.Errorf("ListPath %s: %w", j.Dir, err)
		}
		for _, f := range files {
			res.Names = append(res.Names, f.Name)
		}
		return nil
	case "stat-burst":
		// Every GetAttributes launched at once from this one goroutine:
		// what the library itself costs with that many under way.
		futs := make([]*future.Future[gosmb.SharedFile], len(j.Paths))
		for i, p := range j.Paths {
			futs[i] = c.GetAttributes(ctx, j.Share, p)
		}
		res.Sizes = make([]int64, len(j.Paths))
		for i, f := range futs {
			sf, err := f.Wait(ctx)
			if err != nil {
				return fmt.Errorf("GetAttributes %s: %w", j.Paths[i], err)
			}
			res.Sizes[i] = sf.Size
		}
		return nil
	case "stat":
		res.Sizes = make([]int64, len(j.Paths))
		return parallel(ctx, len(j.Paths), conc, func(ctx context.Context, i int) error {
			f, err := c.GetAttributes(ctx, j.Share, j.Paths[i]).Wait(ctx)
			if err != nil {
				return fmt.Errorf("GetAttributes %s: %w", j.Paths[i], err)
			}
			res.Sizes[i] = f.Size
			return nil
		})
	}
	return fmt.Errorf("unknown job kind %q", j.Kind)
}

// parallel runs fn(0..n-1) with at most conc calls at once and returns the
// first error; the first failure cancels the rest.
func parallel(ctx context.Context, n, conc int, fn func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var next atomic.Int64
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for range min(conc, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				if err := fn(ctx, i); err != nil {
					once.Do(func() { first = err; cancel(err) })
					return
				}
			}
		}()
	}
	wg.Wait()
	if first == nil && ctx.Err() != nil {
		return context.Cause(ctx)
	}
	return first
}

func sessionInfo(c *gosmb.Client) string {
	s := c.Session()
	out := "SMB " + c.Dialect().String()
	if s.Signed() {
		out += ", signed " + smb2.SigningAlgorithmName(s.SigningAlgorithm())
	}
	if s.Encrypted() {
		out += ", encrypted " + smb2.CipherName(s.Cipher())
	}
	return out
}

// runChild runs j in a child process of this binary and returns its result
// and its wall time.
func runChild(ctx context.Context, j *job) (*jobResult, time.Duration, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, 0, err
	}
	in, err := json.Marshal(j)
	if err != nil {
		return nil, 0, err
	}
	cmd := exec.CommandContext(ctx, exe, childArg)
	cmd.Stdin = bytes.NewReader(in)
	var out, errb bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = io.MultiWriter(os.Stderr, &errb)
	t0 := time.Now()
	err = cmd.Run()
	wall := time.Since(t0)
	if err != nil {
		return nil, wall, fmt.Errorf("gosmb child %s: %w: %s", j.Kind, err, bytes.TrimSpace(errb.Bytes()))
	}
	var res jobResult
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		return nil, wall, fmt.Errorf("gosmb child %s: result: %w", j.Kind, err)
	}
	return &res, wall, nil
}
