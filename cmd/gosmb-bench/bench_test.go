package main

import (
	"context"
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
