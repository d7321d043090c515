package sambatest

import "go.uber.org/goleak"

// IgnoreSpawner is the goleak option for the one goroutine this package
// keeps for the life of the process on purpose: the locked OS thread that
// starts smbd so that Pdeathsig stays tied to a live thread (see
// startLocked). Every TestMain using goleak with sambatest passes it.
func IgnoreSpawner() goleak.Option {
	return goleak.IgnoreTopFunction("github.com/gosmb/gosmb/internal/sambatest.startLocked.func1.1")
}
