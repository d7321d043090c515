//go:build tools

// Package internal pins the module's dependencies before the code using
// them lands; it is never built.
package internal

import (
	_ "github.com/google/go-cmp/cmp"
	_ "go.uber.org/goleak"
	_ "go.uber.org/zap"
	_ "golang.org/x/crypto/md4"
	_ "golang.org/x/sync/errgroup"
)
