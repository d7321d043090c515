package sambatest

import (
	"os"
	"testing"
)

// Start launches a server for the test and closes it in tb.Cleanup. Without
// smbd (or without root) it skips the test, except under CI=true, where a
// missing server is a failure. If smbd does not come up, it fails the test
// with smbd's log tail. A failed test also gets the log tail at cleanup.
func Start(tb testing.TB, cfg Config) *Server {
	tb.Helper()
	if err := available(); err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("%v (CI=true: the real Samba is required)", err)
		}
		tb.Skipf("%v; skipping the real-Samba test", err)
	}
	s, err := Launch(cfg)
	if err != nil {
		tb.Fatalf("%v", err)
	}
	tb.Cleanup(func() {
		if tb.Failed() {
			tb.Logf("smbd at %s:\n%s", s.Addr, s.LogTail(40))
		}
		if err := s.Close(); err != nil {
			tb.Errorf("%v", err)
		}
	})
	return s
}

// available is Available, replaced in tests.
var available = Available
