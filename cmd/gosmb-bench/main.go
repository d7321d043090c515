// Command gosmb-bench measures gosmb against Samba's own smbclient, in one
// run, on a throwaway Samba whose share lives on tmpfs. It needs root and
// Samba (smbd and smbclient) installed:
//
//	go run ./cmd/gosmb-bench                      # everything, 1 GiB, 3 runs
//	go run ./cmd/gosmb-bench -size 64MiB -runs 1  # a quick look
//	go run ./cmd/gosmb-bench -scenarios a,b -cpuprofile /tmp/prof
//
// Scenarios: (a) download one big file, (b) upload it, (c) many small
// files: upload, list, download, (d) GetAttributes, (e) many medium files
// downloaded concurrently, (f) (a) signed and encrypted. Clients: gosmb
// with its defaults; gosmb with one request in flight ("gosmb-1"); smbclient
// with its defaults; smbclient with the block size (-b) that measured best.
// Every byte moved is verified (a checksum against the source, -verify)
// and a mismatch fails the run. docs/benchmarks.md explains the columns and has results.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gosmb/gosmb/internal/sambatest"
	"github.com/gosmb/gosmb/ops"
)

type config struct {
	size       int64
	parSize    int64
	parFiles   int
	smallSize  int64
	smallFiles int
	statOps    int
	conc       int
	runs       int
	calibRuns  int
	scenarios  map[string]bool
	json       bool
	cpuprofile string
	blockSizes []int64
	timeout    time.Duration
	rtt        time.Duration
	baseRuns   int
	hugeSize   int64
	hugeRuns   int
	args       []string
}

var allScenarios = []string{"a", "b", "c", "d", "e", "f", "g"}

func main() {
	if len(os.Args) > 1 && os.Args[1] == childArg {
		os.Exit(childMain())
	}
	cfg, err := parseFlags()
	if err != nil {
		fmt.Fprintln(os.Stderr, "gosmb-bench:", err)
		os.Exit(2)
	}
	if err := run(cfg); err != nil {
		fmt.Fprintln(os.Stderr, "gosmb-bench: FAILED:", err)
		os.Exit(1)
	}
}

func parseFlags() (*config, error) {
	cfg := &config{args: os.Args[1:]}
	size := flag.String("size", "1GiB", "size of the big file for (a), (b), (f)")
	parSize := flag.String("par-size", "32MiB", "size of each file in (e)")
	smallSize := flag.String("small-size", "16KiB", "size of each file in (c)")
	hugeSize := flag.String("huge-size", "10GiB", "size of the sparse file (g) downloads and uploads to check that memory stays bounded")
	flag.IntVar(&cfg.hugeRuns, "huge-runs", 1, "measured runs of (g)")
	scen := flag.String("scenarios", strings.Join(allScenarios, ","), "scenarios to run, comma separated: a,b,c,d,e,f,g")
	gChunk := flag.String("gosmb-chunk", "0", "gosmb client's Transfer.ChunkSize (0: library default, 1 MiB READ and 4 MiB WRITE)")
	gWindow := flag.String("gosmb-window", "0", "gosmb client's Transfer.Window (0: library default, 16 MiB down, 8 MiB up under 4 ms RTT, else 16 MiB)")
	gConn := flag.String("gosmb-conn-window", "0", "gosmb client's Transfer.ConnWindow (0: library default, 64 MiB)")
	gConnRead := flag.String("gosmb-conn-read-window", "0", "gosmb client's Transfer.ConnReadWindow (0: library default, 16 MiB)")
	bs := flag.String("smbclient-b", "4MiB,16MiB,64MiB", "smbclient -b (transfer window) values tried for smbclient-best, besides the default")
	flag.IntVar(&poolConns, "pool-conns", 2, "Options.Connections of the gosmb-pool client in (c), (d), (e); 0 leaves that client out")
	flag.BoolVar(&gosmbNoBatching, "gosmb-no-batching", false, "set Options.NoBatching on every gosmb client (compounds that wait for the socket together are not merged into one frame)")
	flag.IntVar(&gosmbConns, "gosmb-conns", 0, "gosmb client's Options.Connections (0: library default, one connection)")
	verify := flag.String("verify", verifyCRC, "the sum every transferred byte is checked with: crc (CRC-32C and CRC-32, in hardware) or sha256")
	flag.IntVar(&cfg.parFiles, "par-files", 32, "number of files in (e), all downloaded at once")
	flag.IntVar(&cfg.smallFiles, "small-files", 1000, "number of files in (c)")
	flag.IntVar(&cfg.statOps, "stat-ops", 5000, "GetAttributes calls in (d), one per file")
	flag.IntVar(&cfg.conc, "concurrency", 64, "gosmb operations in flight at once in (c) and (d)")
	flag.IntVar(&cfg.runs, "runs", 3, "measured runs per scenario and client (the median is reported)")
	flag.IntVar(&cfg.calibRuns, "calib-runs", 2, "runs per candidate when choosing smbclient's best -b")
	flag.IntVar(&cfg.baseRuns, "baseline-runs", 3, "runs of a command-less smbclient (-c pwd) whose median is its fixed cost, measured again for each estimated sample")
	flag.BoolVar(&cfg.json, "json", false, "print the results as JSON instead of markdown tables")
	flag.StringVar(&cfg.cpuprofile, "cpuprofile", "", "directory: after the measured runs, run gosmb once more per scenario under the CPU profiler and write <scenario>.pprof there")
	flag.DurationVar(&cfg.rtt, "rtt", 0, "round-trip time to add: clients reach smbd through a proxy that delays each direction by rtt/2 (0: direct loopback)")
	flag.DurationVar(&cfg.timeout, "timeout", 10*time.Minute, "limit for one measurement (a stall fails the run)")
	flag.Parse()
	if flag.NArg() != 0 {
		return nil, fmt.Errorf("unexpected arguments %q", flag.Args())
	}
	var err error
	if verifyKind, err = parseVerify(*verify); err != nil {
		return nil, err
	}
	for _, p := range []struct {
		s   string
		dst *int64
	}{{*size, &cfg.size}, {*parSize, &cfg.parSize}, {*smallSize, &cfg.smallSize}, {*hugeSize, &cfg.hugeSize}} {
		if *p.dst, err = parseSize(p.s); err != nil {
			return nil, err
		}
	}
	for _, p := range []struct {
		s   string
		dst *int
	}{{*gChunk, &gosmbTransfer.ChunkSize}, {*gWindow, &gosmbTransfer.Window}, {*gConn, &gosmbTransfer.ConnWindow}, {*gConnRead, &gosmbTransfer.ConnReadWindow}} {
		n, err := parseSize(p.s)
		if err != nil {
			return nil, err
		}
		*p.dst = int(n)
	}
	for _, s := range strings.Split(*bs, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		n, err := parseSize(s)
		if err != nil {
			return nil, err
		}
		cfg.blockSizes = append(cfg.blockSizes, n)
	}
	cfg.scenarios = map[string]bool{}
	for _, s := range strings.Split(*scen, ",") {
		s = strings.TrimSpace(s)
		if !slices.Contains(allScenarios, s) {
			return nil, fmt.Errorf("unknown scenario %q (want some of %s)", s, strings.Join(allScenarios, ","))
		}
		cfg.scenarios[s] = true
	}
	if cfg.runs < 1 || cfg.calibRuns < 1 || cfg.baseRuns < 1 || cfg.parFiles < 1 || cfg.smallFiles < 1 || cfg.statOps < 1 || cfg.conc < 1 || cfg.hugeRuns < 1 {
		return nil, fmt.Errorf("counts must be at least 1")
	}
	if cfg.size < 1 || cfg.parSize < 1 || cfg.smallSize < 1 {
		return nil, fmt.Errorf("sizes must be at least 1 byte")
	}
	if gosmbTransfer != (ops.Options{}) {
		gosmbDefaultHow = fmt.Sprintf("Transfer{ChunkSize: %d, Window: %d, ConnWindow: %d, ConnReadWindow: %d} (0: default)",
			gosmbTransfer.ChunkSize, gosmbTransfer.Window, gosmbTransfer.ConnWindow, gosmbTransfer.ConnReadWindow)
	}
	if gosmbNoBatching {
		gosmbDefaultHow += ", NoBatching"
	}
	return cfg, nil
}

// parseSize reads "1GiB", "64MiB", "16KiB", "1G", "512k" or plain bytes.
func parseSize(s string) (int64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		suf string
		m   int64
	}{{"gib", 1 << 30}, {"mib", 1 << 20}, {"kib", 1 << 10}, {"g", 1 << 30}, {"m", 1 << 20}, {"k", 1 << 10}, {"b", 1}} {
		if strings.HasSuffix(t, u.suf) {
			t, mult = strings.TrimSuffix(t, u.suf), u.m
			break
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(t), 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return n * mult, nil
}

func fmtSize(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}

func run(cfg *config) error {
	if os.Geteuid() != 0 {
		return fmt.Errorf("run as root (smbd needs it)")
	}
	if err := sambatest.Available(); err != nil {
		return fmt.Errorf("%w (install Samba: apt-get install -y samba smbclient)", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	b := &bench{cfg: cfg, ctx: ctx, meta: newMeta(cfg)}
	defer func() {
		for _, p := range b.proxies {
			p.Close()
		}
	}()
	b.logf("making fixtures on tmpfs (big file %s, %d × %s, %d × %s, %d metadata files)",
		fmtSize(cfg.size), cfg.parFiles, fmtSize(cfg.parSize), cfg.smallFiles, fmtSize(cfg.smallSize), cfg.statOps)
	fx, err := newFixtures(cfg)
	if fx != nil {
		defer fx.close()
	}
	if err != nil {
		return err
	}
	b.fx = fx

	if b.plain, err = b.launch(sambatest.Config{ShareOnTmpfs: true}, true); err != nil {
		return err
	}
	defer b.plain.Close()
	if cfg.scenarios["f"] {
		if b.sign, err = b.launch(sambatest.Config{ShareOnTmpfs: true, Signing: "mandatory"}, false); err != nil {
			return err
		}
		defer b.sign.Close()
		if b.enc, err = b.launch(sambatest.Config{ShareOnTmpfs: true, Encrypt: "required", EncryptionAlgorithms: "AES-128-GCM"}, false); err != nil {
			return err
		}
		defer b.enc.Close()
	}
	if err := b.measureBaseline(); err != nil {
		return err
	}

	steps := []struct {
		id string
		fn func() error
	}{
		{"a", b.scenarioA}, {"b", b.scenarioB}, {"c", b.scenarioC},
		{"d", b.scenarioD}, {"e", b.scenarioE}, {"f", b.scenarioF},
		{"g", b.scenarioG},
	}
	for _, s := range steps {
		if !cfg.scenarios[s.id] {
			continue
		}
		if err := s.fn(); err != nil {
			return fmt.Errorf("scenario %s: %w", s.id, err)
		}
	}
	b.meta.finish()
	if cfg.json {
		return b.printJSON(os.Stdout)
	}
	b.printMarkdown(os.Stdout)
	return nil
}

func (b *bench) launch(c sambatest.Config, full bool) (*sambatest.Server, error) {
	srv, err := sambatest.Launch(c)
	if err != nil {
		return nil, err
	}
	if err := b.fx.install(srv.ShareDir, full); err != nil {
		srv.Close()
		return nil, fmt.Errorf("installing fixtures: %w", err)
	}
	b.servers = append(b.servers, srv)
	b.logf("smbd pid %d on %s (signing %q, encrypt %q, share %s)", srv.PID, srv.Addr, c.Signing, c.Encrypt, srv.ShareDir)
	if b.cfg.rtt > 0 {
		p, err := startProxy(srv, b.cfg.rtt)
		if err != nil {
			srv.Close()
			return nil, err
		}
		b.proxies = append(b.proxies, p)
		b.logf("clients reach it through %s, which adds %v of round-trip time", dialAddr(srv), b.cfg.rtt)
	}
	return srv, nil
}
