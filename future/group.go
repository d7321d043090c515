package future

import "context"

// Waiter is satisfied by every *Future[T], whatever T, so futures of
// different types can be waited on together.
type Waiter interface {
	Done() <-chan struct{}
	Err() error
}

// Err returns the Future's error once resolved, or ErrNotReady.
func (f *Future[T]) Err() error {
	_, err := f.Result()
	return err
}

// WaitAll waits until every future is resolved or ctx is done, and returns
// the first error in argument order, or nil. It always waits for all of
// them (unlike FirstError), so no result is left unobserved.
// As with Wait, results that are ready win over a context that is done.
func WaitAll(ctx context.Context, fs ...Waiter) error {
	for _, f := range fs {
		select {
		case <-f.Done():
		case <-ctx.Done():
			if ok, err := settled(fs); ok {
				return err
			}
			return context.Cause(ctx)
		}
	}
	_, err := settled(fs)
	return err
}

// settled reports whether every future is resolved, and if so the first
// error in argument order.
func settled(fs []Waiter) (bool, error) {
	var first error
	for _, f := range fs {
		select {
		case <-f.Done():
			if err := f.Err(); err != nil && first == nil {
				first = err
			}
		default:
			return false, nil
		}
	}
	return true, first
}

// FirstError waits until every future has succeeded, or returns as soon as
// one fails (with that error), or when ctx is done. Futures already
// resolved when it is called, or when ctx ends, are taken as they are
// (the first error in argument order), as Wait lets a ready result win.
func FirstError(ctx context.Context, fs ...Waiter) error {
	if ok, err := settled(fs); ok {
		return err
	}
	remaining := len(fs)
	done := make(chan error, len(fs))
	stop := make(chan struct{})
	defer close(stop)
	for _, f := range fs {
		go func() {
			select {
			case <-f.Done():
				done <- f.Err()
			case <-stop:
			}
		}()
	}
	for remaining > 0 {
		select {
		case err := <-done:
			if err != nil {
				return err
			}
			remaining--
		case <-ctx.Done():
			if ok, err := settled(fs); ok {
				return err
			}
			return context.Cause(ctx)
		}
	}
	return nil
}

// All resolves with every value in order once all succeed, or with the
// first error (in completion order) as soon as one fails.
func All[T any](fs ...*Future[T]) *Future[[]T] {
	return Go(func() ([]T, error) {
		ws := make([]Waiter, len(fs))
		for i, f := range fs {
			ws[i] = f
		}
		if err := FirstError(context.Background(), ws...); err != nil {
			return nil, err
		}
		out := make([]T, len(fs))
		for i, f := range fs {
			out[i] = f.val
		}
		return out, nil
	})
}
