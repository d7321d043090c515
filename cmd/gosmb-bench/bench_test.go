package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestRoundsStartOneClientFurtherOn: every client runs once per round,
// each round starts with the next client, and each row gets its own
// client's samples in the order they ran.
func TestRoundsStartOneClientFurtherOn(t *testing.T) {
	var order []string
	mk := func(name string) client {
		n := 0
		return client{name: name, run: func(r int) (sample, error) {
			order = append(order, name)
			n++
			return sample{Xfer: time.Duration(n) * time.Second, Total: time.Duration(n) * time.Second}, nil
		}}
	}
	b := &bench{cfg: &config{}, ctx: context.Background(), meta: &meta{}}
	if err := b.measureRuns(3, "x", "test", "op/s", 6, []client{mk("a"), mk("b"), mk("c")}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a", "b", "c", "b", "c", "a", "c", "a", "b"}, order); diff != "" {
		t.Errorf("run order (-want +got):\n%s", diff)
	}
	for _, rw := range b.rows {
		if diff := cmp.Diff([]float64{6, 3, 2}, rw.Rates); diff != "" {
			t.Errorf("%s: rates (-want +got):\n%s", rw.Client, diff)
		}
	}
}

// Each run records how much free memory the guest handed back to its
// host meanwhile, when the kernel says (page_reporting), and the report
// lists it per run; without that file there is no figure and no table.
func TestHostReportedPerRun(t *testing.T) {
	path := filepath.Join(t.TempDir(), "reported_kib")
	defer func(p string) { reportedKiBPath = p }(reportedKiBPath)
	reportedKiBPath = path
	total := 1000
	write := func() {
		if err := os.WriteFile(path, []byte(strconv.Itoa(total)+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write()
	grow := []int{0, 2048, 300 << 10}
	run := 0
	c := client{name: "x", run: func(int) (sample, error) {
		total += grow[run]
		run++
		write()
		return sample{Xfer: time.Second, Total: time.Second}, nil
	}}
	b := &bench{cfg: &config{}, ctx: context.Background(), meta: &meta{}}
	if err := b.measureRuns(3, "b", "test", "MB/s", 1, []client{c}); err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, s := range b.rows[0].Samples {
		got = append(got, s.HostReportedKiB)
	}
	if diff := cmp.Diff([]int64{0, 2048, 300 << 10}, got); diff != "" {
		t.Errorf("HostReportedKiB per run (-want +got):\n%s", diff)
	}
	var out strings.Builder
	writeHostReported(&out, b.rows)
	if !strings.Contains(out.String(), "| b | x | 0, 2, 300 |") {
		t.Errorf("report:\n%s\nwant a row | b | x | 0, 2, 300 |", out.String())
	}

	reportedKiBPath = filepath.Join(t.TempDir(), "none")
	b = &bench{cfg: &config{}, ctx: context.Background(), meta: &meta{}}
	run = 0
	if err := b.measureRuns(1, "b", "test", "MB/s", 1, []client{c}); err != nil {
		t.Fatal(err)
	}
	if s := b.rows[0].Samples[0]; s.HostReportedKiB != -1 {
		t.Errorf("HostReportedKiB without page_reporting: %d, want -1", s.HostReportedKiB)
	}
	out.Reset()
	writeHostReported(&out, b.rows)
	if out.Len() != 0 {
		t.Errorf("report without page_reporting:\n%s\nwant nothing", out.String())
	}
}

// A ratio over an estimated smbclient rate is marked "~" in the report,
// and one over a measured rate is not.
func TestRatiosOverEstimatesAreMarked(t *testing.T) {
	b := &bench{cfg: &config{}, ctx: context.Background(), meta: &meta{}}
	b.rows = []*row{
		{Scenario: "d", Client: cGosmb, Rate: 100, RateTotal: 90},
		{Scenario: "d", Client: cSmbclient, Rate: 10, RateTotal: 9, XferEstimated: true},
		{Scenario: "a", Client: cGosmb, Rate: 100, RateTotal: 90},
		{Scenario: "a", Client: cSmbclient, Rate: 20, RateTotal: 18},
	}
	var out strings.Builder
	b.printMarkdown(&out)
	for _, want := range []string{"| d | ~10.00× |", "| a | 5.00× |"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}
