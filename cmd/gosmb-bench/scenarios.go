package main

import (
	"context"
	"encoding/hex"
	"fmt"
	"hash"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gosmb/gosmb/internal/sambatest"
)

// countingHash is the sink smbclient's "get file -" writes into.
type countingHash struct {
	h hash.Hash
	n int64
}

func newCountingHash() *countingHash { return &countingHash{h: newSum()} }

func (c *countingHash) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return c.h.Write(p)
}

func (c *countingHash) verify(what, want string, size int64) error {
	got := hex.EncodeToString(c.h.Sum(nil))
	if c.n != size || got != want {
		return fmt.Errorf("VERIFY FAILED %s: received %d bytes %s %s, want %d bytes %s %s", what, c.n, sumName(), got, size, sumName(), want)
	}
	return nil
}

func (b *bench) smbCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(b.ctx, b.cfg.timeout)
}

// checkGet verifies a gosmb download: every file's hash and the byte count.
func checkGet(what string, paths, hashes []string, size int64) func(res *jobResult) error {
	return func(res *jobResult) error {
		if len(res.Hashes) != len(paths) {
			return fmt.Errorf("VERIFY FAILED %s: %d hashes for %d files", what, len(res.Hashes), len(paths))
		}
		for i, p := range paths {
			if res.Hashes[i] != hashes[i] {
				return fmt.Errorf("VERIFY FAILED %s: %s downloaded with %s %s, want %s", what, p, sumName(), res.Hashes[i], hashes[i])
			}
		}
		if want := size * int64(len(paths)); res.Bytes != want {
			return fmt.Errorf("VERIFY FAILED %s: %d bytes downloaded, want %d", what, res.Bytes, want)
		}
		return nil
	}
}

// gosmbGet downloads paths from srv (all at once, or one by one for
// gosmb-1) and verifies them.
func (b *bench) gosmbGet(srv *sambatest.Server, one bool, paths, hashes []string, size int64, conc int, tune func(*job)) func(int) (sample, error) {
	return func(int) (sample, error) {
		j := newJob(srv, "get", one)
		j.Paths, j.Concurrency = paths, conc
		if tune != nil {
			tune(j)
		}
		return b.gosmbSample(j, checkGet("gosmb download", paths, hashes, size))
	}
}

// smbGet runs "get remote -" with stdout hashed as it arrives.
func (b *bench) smbGet(srv *sambatest.Server, extra []string, remote, want string, size int64) func(int) (sample, error) {
	return func(int) (sample, error) {
		ctx, cancel := b.smbCtx()
		defer cancel()
		h := newCountingHash()
		r, err := smbclientCmd{srv: srv, extra: extra, command: "get " + remote + " -", stdout: h}.run(ctx)
		if err != nil {
			return sample{}, err
		}
		if err := h.verify("smbclient get "+remote, want, size); err != nil {
			return sample{}, err
		}
		return b.smbclientSample(r, size, true)
	}
}

// smbPut uploads the big file under a fresh name and verifies it on the share.
func (b *bench) smbPut(extra []string, name string) func(int) (sample, error) {
	return func(r int) (sample, error) {
		ctx, cancel := b.smbCtx()
		defer cancel()
		target := fmt.Sprintf("up-%s-%d.bin", name, r)
		local := filepath.Join(b.plain.ShareDir, target)
		defer os.Remove(local)
		res, err := smbclientCmd{srv: b.plain, extra: extra, command: fmt.Sprintf("put %s %s", b.fx.big, target)}.run(ctx)
		if err != nil {
			return sample{}, err
		}
		if err := verifyFile("smbclient put", local, b.fx.bigHash, b.fx.bigSize); err != nil {
			return sample{}, err
		}
		return b.smbclientSample(res, b.fx.bigSize, true)
	}
}

func (b *bench) gosmbPut(one bool, name string) func(int) (sample, error) {
	return func(r int) (sample, error) {
		target := fmt.Sprintf("up-%s-%d.bin", name, r)
		local := filepath.Join(b.plain.ShareDir, target)
		defer os.Remove(local)
		j := newJob(b.plain, "put", one)
		j.Paths, j.Sources, j.Concurrency = []string{target}, []string{b.fx.big}, 1
		return b.gosmbSample(j, func(res *jobResult) error {
			if res.Bytes != b.fx.bigSize {
				return fmt.Errorf("VERIFY FAILED gosmb put: StoreFile reports %d bytes, want %d", res.Bytes, b.fx.bigSize)
			}
			return verifyFile("gosmb put", local, b.fx.bigHash, b.fx.bigSize)
		})
	}
}

type calibration struct {
	Direction string    `json:"direction"`
	Options   string    `json:"options"`
	MBps      []float64 `json:"mb_per_s"`
	Median    float64   `json:"median_mb_per_s"`
	Chosen    bool      `json:"chosen"`
}

// best measures smbclient's big-file get and put with each -b candidate
// and keeps the fastest of each.
func (b *bench) best() error {
	if b.bestDone {
		return nil
	}
	b.bestDone = true
	cands := [][]string{nil}
	for _, n := range b.cfg.blockSizes {
		cands = append(cands, []string{"-b", strconv.FormatInt(n, 10)})
	}
	for _, dir := range []string{"get", "put"} {
		cal := make([]calibration, len(cands))
		for r := range b.cfg.calibRuns {
			for i, c := range cands {
				var fn func(int) (sample, error)
				if dir == "get" {
					fn = b.smbGet(b.plain, c, bigName, b.fx.bigHash, b.fx.bigSize)
				} else {
					fn = b.smbPut(c, "calib")
				}
				s, err := fn(r)
				if err != nil {
					return fmt.Errorf("choosing smbclient's best options: %w", err)
				}
				cal[i].MBps = append(cal[i].MBps, float64(b.fx.bigSize)/1e6/s.Xfer.Seconds())
			}
		}
		bi := 0
		for i := range cal {
			cal[i].Direction, cal[i].Options = dir, optString(cands[i])
			cal[i].Median = median(cal[i].MBps)
			if cal[i].Median > cal[bi].Median {
				bi = i
			}
		}
		cal[bi].Chosen = true
		for _, c := range cal {
			b.logf("smbclient %s %-12s %v MB/s, median %.1f%s", dir, c.Options, fmtRates(c.MBps), c.Median, map[bool]string{true: "  <- best"}[c.Chosen])
		}
		b.calib = append(b.calib, cal...)
		if dir == "get" {
			b.bestGet = cands[bi]
		} else {
			b.bestPut = cands[bi]
		}
	}
	return nil
}

func optString(o []string) string {
	if len(o) == 0 {
		return "(default)"
	}
	return strings.Join(o, " ")
}

func fmtRates(v []float64) string {
	var s []string
	for _, x := range v {
		s = append(s, fmt.Sprintf("%.0f", x))
	}
	return strings.Join(s, " ")
}

// bestClient is the smbclient-best entry: an alias of the default row
// when the defaults measured best.
func bestClient(opts []string, fn func(int) (sample, error), how string) client {
	if len(opts) == 0 {
		return client{name: cSmbBest, how: "= smbclient (no -b measured faster)"}
	}
	return client{name: cSmbBest, how: optString(opts) + " " + how, run: fn}
}

var gosmbDefaultHow = "defaults (1 MiB READ, 4 MiB WRITE, 16 MiB window down, 8 MiB up under 4 ms RTT, 16 MiB of READs per connection)"

const gosmbOneHow = "Transfer{ChunkSize: 1 MiB, Window: 1 MiB}, one op at a time"

func (b *bench) scenarioA() error {
	if err := b.best(); err != nil {
		return err
	}
	fx := b.fx
	paths, hashes := []string{bigName}, []string{fx.bigHash}
	how := "-c 'get big.bin -' (stdout piped into " + sumName() + ")"
	clients := []client{
		{name: cGosmb, how: gosmbDefaultHow, run: b.gosmbGet(b.plain, false, paths, hashes, fx.bigSize, 1, nil)},
		{name: cGosmbOne, how: gosmbOneHow, run: b.gosmbGet(b.plain, true, paths, hashes, fx.bigSize, 1, nil)},
		{name: cSmbclient, how: how, run: b.smbGet(b.plain, nil, bigName, fx.bigHash, fx.bigSize)},
		bestClient(b.bestGet, b.smbGet(b.plain, b.bestGet, bigName, fx.bigHash, fx.bigSize), how),
	}
	if err := b.measure("a", "download "+fmtSize(fx.bigSize), "MB/s", float64(fx.bigSize)/1e6, clients); err != nil {
		return err
	}
	j := newJob(b.plain, "get", false)
	j.Paths, j.Concurrency = paths, 1
	return b.profile("a", j, checkGet("gosmb download", paths, hashes, fx.bigSize))
}

func (b *bench) scenarioB() error {
	if err := b.best(); err != nil {
		return err
	}
	fx := b.fx
	how := "-c 'put /dev/shm/…/big.bin up-….bin'"
	clients := []client{
		{name: cGosmb, how: gosmbDefaultHow, run: b.gosmbPut(false, cGosmb)},
		{name: cGosmbOne, how: gosmbOneHow, run: b.gosmbPut(true, cGosmbOne)},
		{name: cSmbclient, how: how, run: b.smbPut(nil, cSmbclient)},
		bestClient(b.bestPut, b.smbPut(b.bestPut, cSmbBest), how),
	}
	if err := b.measure("b", "upload "+fmtSize(fx.bigSize), "MB/s", float64(fx.bigSize)/1e6, clients); err != nil {
		return err
	}
	target := "up-profile.bin"
	defer os.Remove(filepath.Join(b.plain.ShareDir, target))
	j := newJob(b.plain, "put", false)
	j.Paths, j.Sources, j.Concurrency = []string{target}, []string{fx.big}, 1
	return b.profile("b", j, func(*jobResult) error {
		return verifyFile("gosmb put", filepath.Join(b.plain.ShareDir, target), fx.bigHash, fx.bigSize)
	})
}

func (b *bench) scenarioC() error {
	if err := b.best(); err != nil {
		return err
	}
	fx, srv, conc := b.fx, b.plain, b.cfg.conc
	n := len(fx.smallNames)
	what := fmt.Sprintf("%d × %s", n, fmtSize(fx.smallSize))
	concHow := fmt.Sprintf("defaults, %d files in flight", conc)

	// Upload: into a fresh directory per client and run.
	upDir := func(client string, r int) (string, string, error) {
		d := fmt.Sprintf("up-small-%s-%d", client, r)
		return d, filepath.Join(srv.ShareDir, d), os.Mkdir(filepath.Join(srv.ShareDir, d), 0o777)
	}
	gosmbUp := func(one bool, name string, conns int) func(int) (sample, error) {
		return func(r int) (sample, error) {
			d, local, err := upDir(name, r)
			if err != nil {
				return sample{}, err
			}
			defer os.RemoveAll(local)
			j := newJob(srv, "put", one)
			j.Concurrency = conc
			if conns > 0 {
				j.Connections = conns
			}
			for _, f := range fx.smallNames {
				j.Paths = append(j.Paths, d+"/"+f)
				j.Sources = append(j.Sources, filepath.Join(fx.smallDir, f))
			}
			return b.gosmbSample(j, func(res *jobResult) error {
				if want := fx.smallSize * int64(n); res.Bytes != want {
					return fmt.Errorf("VERIFY FAILED gosmb small put: %d bytes, want %d", res.Bytes, want)
				}
				return fx.verifySmallDir("gosmb small put", local)
			})
		}
	}
	smbUp := func(extra []string, name string) func(int) (sample, error) {
		return func(r int) (sample, error) {
			d, local, err := upDir(name, r)
			if err != nil {
				return sample{}, err
			}
			defer os.RemoveAll(local)
			ctx, cancel := b.smbCtx()
			defer cancel()
			res, err := smbclientCmd{srv: srv, extra: extra, command: fmt.Sprintf("prompt off; recurse on; lcd %s; cd %s; mput *", fx.smallDir, d)}.run(ctx)
			if err != nil {
				return sample{}, err
			}
			if err := fx.verifySmallDir("smbclient mput", local); err != nil {
				return sample{}, err
			}
			return b.smbclientSample(res, 0, false)
		}
	}
	mputHow := "-c 'prompt off; recurse on; lcd <src>; cd <dir>; mput *'"
	err := b.measure("c.up", "upload "+what, "files/s", float64(n), []client{
		{name: cGosmb, how: concHow, run: gosmbUp(false, cGosmb, 0)},
		{name: cGosmbPool, how: poolHow(concHow), run: gosmbUp(false, cGosmbPool, poolConns)},
		{name: cGosmbOne, how: gosmbOneHow, run: gosmbUp(true, cGosmbOne, 0)},
		{name: cSmbclient, how: mputHow, run: smbUp(nil, cSmbclient)},
		bestClient(b.bestPut, smbUp(b.bestPut, cSmbBest), mputHow),
	})
	if err != nil {
		return err
	}

	// List the directory of n files.
	checkNames := func(what string, names []string) error {
		have := map[string]bool{}
		for _, s := range names {
			have[s] = true
		}
		for _, f := range fx.smallNames {
			if !have[f] {
				return fmt.Errorf("VERIFY FAILED %s: %s missing from the listing (%d entries)", what, f, len(names))
			}
		}
		return nil
	}
	gosmbLs := func(one bool) func(int) (sample, error) {
		return func(int) (sample, error) {
			j := newJob(srv, "list", one)
			j.Dir = smallSrc
			return b.gosmbSample(j, func(res *jobResult) error {
				if len(res.Names) != n+2 {
					return fmt.Errorf("VERIFY FAILED gosmb list: %d entries, want %d", len(res.Names), n+2)
				}
				return checkNames("gosmb list", res.Names)
			})
		}
	}
	smbLs := func(int) (sample, error) {
		ctx, cancel := b.smbCtx()
		defer cancel()
		res, err := smbclientCmd{srv: srv, command: "ls " + smallSrc + "/*"}.run(ctx)
		if err != nil {
			return sample{}, err
		}
		var names []string
		for _, line := range strings.Split(res.out, "\n") {
			if f := strings.Fields(line); len(f) > 0 {
				names = append(names, f[0])
			}
		}
		if err := checkNames("smbclient ls", names); err != nil {
			return sample{}, err
		}
		return b.smbclientSample(res, 0, false)
	}
	err = b.measure("c.ls", "list "+what, "files/s", float64(n), []client{
		{name: cGosmb, how: "ListPath(dir, \"*\")", run: gosmbLs(false)},
		{name: cGosmbOne, how: gosmbOneHow, run: gosmbLs(true)},
		{name: cSmbclient, how: "-c 'ls small-src/*'", run: smbLs},
	})
	if err != nil {
		return err
	}

	// Download all n.
	var paths []string
	for _, f := range fx.smallNames {
		paths = append(paths, smallSrc+"/"+f)
	}
	smbGetAll := func(extra []string) func(int) (sample, error) {
		return func(r int) (sample, error) {
			dl := filepath.Join(fx.work, fmt.Sprintf("dl-%d", r))
			if err := os.Mkdir(dl, 0o755); err != nil {
				return sample{}, err
			}
			defer os.RemoveAll(dl)
			ctx, cancel := b.smbCtx()
			defer cancel()
			res, err := smbclientCmd{srv: srv, extra: extra, command: fmt.Sprintf("prompt off; recurse on; lcd %s; cd %s; mget *", dl, smallSrc)}.run(ctx)
			if err != nil {
				return sample{}, err
			}
			if err := fx.verifySmallDir("smbclient mget", dl); err != nil {
				return sample{}, err
			}
			return b.smbclientSample(res, 0, false)
		}
	}
	mgetHow := "-c 'prompt off; recurse on; lcd <tmpfs dir>; cd small-src; mget *'"
	err = b.measure("c.get", "download "+what, "files/s", float64(n), []client{
		{name: cGosmb, how: concHow + ", each into " + sumName(), run: b.gosmbGet(srv, false, paths, fx.smallHashes, fx.smallSize, conc, nil)},
		{name: cGosmbPool, how: poolHow(concHow + ", each into " + sumName()), run: b.gosmbGet(srv, false, paths, fx.smallHashes, fx.smallSize, conc, withPool)},
		{name: cGosmbOne, how: gosmbOneHow, run: b.gosmbGet(srv, true, paths, fx.smallHashes, fx.smallSize, conc, nil)},
		{name: cSmbclient, how: mgetHow, run: smbGetAll(nil)},
		bestClient(b.bestGet, smbGetAll(b.bestGet), mgetHow),
	})
	if err != nil {
		return err
	}
	if b.cfg.cpuprofile != "" {
		d, local, err := upDir("profile", 0)
		if err != nil {
			return err
		}
		defer os.RemoveAll(local)
		j := newJob(srv, "put", false)
		j.Concurrency = conc
		for _, f := range fx.smallNames {
			j.Paths = append(j.Paths, d+"/"+f)
			j.Sources = append(j.Sources, filepath.Join(fx.smallDir, f))
		}
		if err := b.profile("c.up", j, func(*jobResult) error { return fx.verifySmallDir("gosmb small put", local) }); err != nil {
			return err
		}
	}
	j := newJob(srv, "get", false)
	j.Paths, j.Concurrency = paths, conc
	return b.profile("c.get", j, checkGet("gosmb download", paths, fx.smallHashes, fx.smallSize))
}

var streamRE = regexp.MustCompile(`stream: \[::\$DATA\], (\d+) bytes`)

func (b *bench) scenarioD() error {
	fx, srv, conc := b.fx, b.plain, b.cfg.conc
	n := len(fx.metaNames)
	checkSizes := func(res *jobResult) error {
		if len(res.Sizes) != n {
			return fmt.Errorf("VERIFY FAILED gosmb GetAttributes: %d results, want %d", len(res.Sizes), n)
		}
		for i, s := range res.Sizes {
			if s != int64(i) {
				return fmt.Errorf("VERIFY FAILED gosmb GetAttributes %s: size %d, want %d", fx.metaNames[i], s, i)
			}
		}
		return nil
	}
	stat := func(one bool, conns int) func(int) (sample, error) {
		return func(int) (sample, error) {
			j := newJob(srv, "stat", one)
			j.Paths, j.Concurrency = fx.metaNames, conc
			if conns > 0 {
				j.Connections = conns
			}
			return b.gosmbSample(j, checkSizes)
		}
	}
	var script strings.Builder
	for _, p := range fx.metaNames {
		script.WriteString("allinfo " + p + "\n")
	}
	smb := func(int) (sample, error) {
		ctx, cancel := b.smbCtx()
		defer cancel()
		res, err := smbclientCmd{srv: srv, stdin: strings.NewReader(script.String())}.run(ctx)
		if err != nil {
			return sample{}, err
		}
		m := streamRE.FindAllStringSubmatch(res.out, -1)
		if len(m) != n {
			return sample{}, fmt.Errorf("VERIFY FAILED smbclient allinfo: %d answers, want %d", len(m), n)
		}
		for i := range m {
			if m[i][1] != strconv.Itoa(i) {
				return sample{}, fmt.Errorf("VERIFY FAILED smbclient allinfo %s: size %s, want %d", fx.metaNames[i], m[i][1], i)
			}
		}
		return b.smbclientSample(res, 0, false)
	}
	err := b.measure("d", fmt.Sprintf("%d GetAttributes", n), "ops/s", float64(n), []client{
		{name: cGosmb, how: fmt.Sprintf("GetAttributes, %d in flight", conc), run: stat(false, 0)},
		{name: cGosmbPool, how: poolHow(fmt.Sprintf("GetAttributes, %d in flight", conc)), run: stat(false, poolConns)},
		{name: cGosmbOne, how: "one at a time", run: stat(true, 0)},
		{name: cSmbclient, how: fmt.Sprintf("stdin script of %d 'allinfo meta/mNNNN' lines", n), run: smb},
	})
	if err != nil {
		return err
	}
	// d.burst: twice as many GetAttributes (each file twice), all
	// launched at once from one goroutine: what so many operations under
	// way cost the library (DESIGN.md §5: 10,000 on one connection in
	// bounded memory) and how fast it gets through them.
	burst := append(slices.Clone(fx.metaNames), fx.metaNames...)
	err = b.measure("d.burst", fmt.Sprintf("%d GetAttributes launched at once", len(burst)), "ops/s", float64(len(burst)), []client{
		{name: cGosmb, how: "every GetAttributes started before the first is waited for", run: func(int) (sample, error) {
			j := newJob(srv, "stat-burst", false)
			j.Paths = burst
			return b.gosmbSample(j, func(res *jobResult) error {
				if len(res.Sizes) != len(burst) {
					return fmt.Errorf("VERIFY FAILED gosmb GetAttributes burst: %d results, want %d", len(res.Sizes), len(burst))
				}
				for i, s := range res.Sizes {
					if s != int64(i%n) {
						return fmt.Errorf("VERIFY FAILED gosmb GetAttributes burst %s: size %d, want %d", burst[i], s, i%n)
					}
				}
				return nil
			})
		}},
	})
	if err != nil {
		return err
	}
	j := newJob(srv, "stat", false)
	j.Paths, j.Concurrency = fx.metaNames, conc
	return b.profile("d", j, checkSizes)
}

func (b *bench) scenarioE() error {
	if err := b.best(); err != nil {
		return err
	}
	fx, srv := b.fx, b.plain
	n := len(fx.parNames)
	smb := func(extra []string) func(int) (sample, error) {
		return func(int) (sample, error) {
			ctx, cancel := b.smbCtx()
			defer cancel()
			hs := make([]*countingHash, n)
			scs := make([]smbclientCmd, n)
			st := make([]*started, n)
			t0 := time.Now()
			for i, p := range fx.parNames {
				hs[i] = newCountingHash()
				scs[i] = smbclientCmd{srv: srv, extra: extra, command: "get " + p + " -", stdout: hs[i]}
				var err error
				if st[i], err = scs[i].start(ctx); err != nil {
					cancel()
					for k := range i {
						scs[k].wait(st[k])
					}
					return sample{}, err
				}
			}
			var first error
			var rss int64
			for i := range st {
				r, err := scs[i].wait(st[i])
				if err != nil && first == nil {
					first = err
				}
				rss += r.rssKiB
			}
			wall := time.Since(t0)
			if first != nil {
				return sample{}, first
			}
			for i, p := range fx.parNames {
				if err := hs[i].verify("smbclient get "+p, fx.parHashes[i], fx.parSize); err != nil {
					return sample{}, err
				}
			}
			fixed, err := b.fixedCost(n)
			if err != nil {
				return sample{}, err
			}
			return estimated(sample{Total: wall, RSSKiB: rss}, fixed), nil
		}
	}
	how := fmt.Sprintf("%d processes at once, each -c 'get par/fNN.bin -' into %s; RSS summed", n, sumName())
	err := b.measure("e", fmt.Sprintf("%d × %s concurrently", n, fmtSize(fx.parSize)), "MB/s", float64(fx.parSize)*float64(n)/1e6, []client{
		{name: cGosmb, how: fmt.Sprintf("defaults, %d RetrieveFile at once on one connection", n), run: b.gosmbGet(srv, false, fx.parNames, fx.parHashes, fx.parSize, n, nil)},
		{name: cGosmbPool, how: poolHow(fmt.Sprintf("%d RetrieveFile at once", n)), run: b.gosmbGet(srv, false, fx.parNames, fx.parHashes, fx.parSize, n, withPool)},
		{name: cGosmbOne, how: gosmbOneHow, run: b.gosmbGet(srv, true, fx.parNames, fx.parHashes, fx.parSize, n, nil)},
		{name: cSmbclient, how: how, run: smb(nil)},
		bestClient(b.bestGet, smb(b.bestGet), how),
	})
	if err != nil {
		return err
	}
	j := newJob(srv, "get", false)
	j.Paths, j.Concurrency = fx.parNames, n
	return b.profile("e", j, checkGet("gosmb download", fx.parNames, fx.parHashes, fx.parSize))
}

func (b *bench) scenarioF() error {
	if err := b.best(); err != nil {
		return err
	}
	fx := b.fx
	paths, hashes := []string{bigName}, []string{fx.bigHash}
	variants := []struct {
		id, title  string
		srv        *sambatest.Server
		maxDialect string
		sign, enc  bool
		smbExtra   []string
		want       string // in gosmb's session description
	}{
		{"f.plain", "download " + fmtSize(fx.bigSize) + ", plain (baseline for f)", b.plain, "", false, false, nil, "SMB 3.1.1"},
		{"f.sign", "download " + fmtSize(fx.bigSize) + ", signed, SMB 3.1.1", b.sign, "", true, false, []string{"--client-protection=sign"}, "signed AES-GMAC"},
		{"f.sign30", "download " + fmtSize(fx.bigSize) + ", signed, SMB 3.0", b.sign, "3.0", true, false, []string{"-m", "SMB3_00", "--client-protection=sign"}, "signed AES-CMAC"},
		{"f.enc", "download " + fmtSize(fx.bigSize) + ", encrypted AES-128-GCM", b.enc, "", false, true, []string{"--client-protection=encrypt"}, "encrypted AES-128-GCM"},
	}
	var clients []client
	for _, v := range variants {
		tune := func(j *job) { j.MaxDialect, j.Sign, j.Encrypt = v.maxDialect, v.sign, v.enc }
		gos := func(one bool) func(int) (sample, error) {
			fn := b.gosmbGet(v.srv, one, paths, hashes, fx.bigSize, 1, tune)
			return func(r int) (sample, error) {
				s, err := fn(r)
				if err == nil && !strings.Contains(s.Session, v.want) {
					err = fmt.Errorf("gosmb negotiated %q, want %q", s.Session, v.want)
				}
				return s, err
			}
		}
		how := strings.TrimPrefix(optString(v.smbExtra)+" ", "(default) ") + "-c 'get big.bin -'"
		best := append(append([]string(nil), b.bestGet...), v.smbExtra...)
		cs := []client{
			{name: cGosmb, how: gosmbDefaultHow, run: gos(false)},
			{name: cGosmbOne, how: gosmbOneHow, run: gos(true)},
			{name: cSmbclient, how: how, run: b.smbGet(v.srv, v.smbExtra, bigName, fx.bigHash, fx.bigSize)},
			bestClient(b.bestGet, b.smbGet(v.srv, best, bigName, fx.bigHash, fx.bigSize), how),
		}
		for i := range cs {
			cs[i].scenario, cs[i].title = v.id, v.title
		}
		clients = append(clients, cs...)
	}
	// One measure call: every variant in every round, so that the cost
	// ratios compare runs taken minutes, not a quarter of an hour, apart.
	if err := b.measure("f", "", "MB/s", float64(fx.bigSize)/1e6, clients); err != nil {
		return err
	}
	for _, v := range variants[1:] {
		j := newJob(v.srv, "get", false)
		j.Paths, j.Concurrency = paths, 1
		j.MaxDialect, j.Sign, j.Encrypt = v.maxDialect, v.sign, v.enc
		if err := b.profile(v.id, j, checkGet("gosmb download", paths, hashes, fx.bigSize)); err != nil {
			return err
		}
	}
	return nil
}
