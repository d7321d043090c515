// Package future provides Future[T], the result of an asynchronous
// operation: the Go counterpart of a Twisted Deferred.
//
// A Future is resolved exactly once, by whoever holds its Resolver (the
// engine, for SMB requests). Consumers either block with Wait, which honours
// a context, or select on Done and then read Result:
//
//	select {
//	case <-f.Done():
//		v, err := f.Result()
//	case <-other:
//	}
//
// The context given to Wait bounds only the wait; it does not cancel the
// operation. An operation's own lifetime is the context it was started with.
package future

import (
	"context"
	"errors"
	"sync/atomic"
)

// ErrNotReady is returned by Result when the Future is not yet resolved.
var ErrNotReady = errors.New("future: not ready")

// Future is a value of type T, or an error, that becomes available later.
// The zero value is not usable; create Futures with New, Ready or Go.
type Future[T any] struct {
	done     chan struct{}
	resolved atomic.Bool
	val      T
	err      error
}

// Resolver resolves its Future. Only the first call to Resolve has an effect.
type Resolver[T any] struct {
	f *Future[T]
}

// New returns an unresolved Future and the Resolver that completes it.
func New[T any]() (*Future[T], Resolver[T]) {
	f := &Future[T]{done: make(chan struct{})}
	return f, Resolver[T]{f}
}

// Ready returns a Future already resolved with v and err.
func Ready[T any](v T, err error) *Future[T] {
	f, r := New[T]()
	r.Resolve(v, err)
	return f
}

// Failed returns a Future already resolved with err.
func Failed[T any](err error) *Future[T] {
	var zero T
	return Ready(zero, err)
}

// Go runs fn in a new goroutine and returns a Future for its result.
func Go[T any](fn func() (T, error)) *Future[T] {
	f, r := New[T]()
	go func() { r.Resolve(fn()) }()
	return f
}

// Resolve publishes v and err and wakes every waiter. It reports whether
// this call resolved the Future; later calls are ignored and return false.
func (r Resolver[T]) Resolve(v T, err error) bool {
	f := r.f
	if !f.resolved.CompareAndSwap(false, true) {
		return false
	}
	f.val, f.err = v, err
	close(f.done) // publishes val and err to readers of done
	return true
}

// Future returns the Future this Resolver completes.
func (r Resolver[T]) Future() *Future[T] { return r.f }

// Done returns a channel that is closed when the Future is resolved.
func (f *Future[T]) Done() <-chan struct{} { return f.done }

// Result returns the result without blocking. Before resolution it returns
// the zero T and ErrNotReady.
func (f *Future[T]) Result() (T, error) {
	select {
	case <-f.done:
		return f.val, f.err
	default:
		var zero T
		return zero, ErrNotReady
	}
}

// IsDone reports whether the Future is resolved.
func (f *Future[T]) IsDone() bool {
	select {
	case <-f.done:
		return true
	default:
		return false
	}
}

// Wait blocks until the Future is resolved or ctx is done. A result that is
// already available wins over a cancelled context. Cancelling ctx ends only
// the wait, not the operation.
func (f *Future[T]) Wait(ctx context.Context) (T, error) {
	select {
	case <-f.done:
		return f.val, f.err
	default:
	}
	select {
	case <-f.done:
		return f.val, f.err
	case <-ctx.Done():
		var zero T
		return zero, context.Cause(ctx)
	}
}

// Then returns a Future resolved with fn applied to f's value once f
// succeeds, or with f's error. fn runs in its own goroutine.
func Then[T, U any](f *Future[T], fn func(T) (U, error)) *Future[U] {
	g, r := New[U]()
	go func() {
		<-f.done
		if f.err != nil {
			var zero U
			r.Resolve(zero, f.err)
			return
		}
		r.Resolve(fn(f.val))
	}()
	return g
}
