package netbios

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine outlives them; tests
// that start goroutines also check with goleak.VerifyNone themselves.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
