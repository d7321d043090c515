package engine

import "net"

// Close ends the connection: pending requests fail with an error matching
// net.ErrClosed and the reader goroutine is gone when Close returns. It is
// idempotent and returns nil unless the connection had already failed, in
// which case it returns nothing new: the first error is kept in Err.
// Logging off sessions is the caller's business before Close.
func (c *Conn) Close() error {
	c.closeWithError(&ConnError{Err: net.ErrClosed})
	<-c.readerDone
	c.bg.Wait()
	return nil
}

// Err returns the error that closed the connection, or nil while it is open.
func (c *Conn) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closeErr
}

// closeError returns the recorded close error (or a generic ConnError).
func (c *Conn) closeError() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closeErr != nil {
		return c.closeErr
	}
	return &ConnError{Err: net.ErrClosed}
}

// closeWithError runs the shutdown order documented in doc.go. The first
// error wins; later calls do nothing. It does not wait for the reader
// (the reader itself calls it); Close does.
func (c *Conn) closeWithError(err error) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	c.closeErr = err
	calls := c.pending.takeAll()
	c.mu.Unlock()

	c.cancel(err)
	c.nc.Close()
	c.credits.close(err)
	for _, cl := range calls {
		cl.stopWatch()
		cl.resolve.Resolve(nil, err)
	}
}

// Abort closes the connection with cause (wrapped in a *ConnError), as a
// fatal I/O error would: every pending request fails with it. Used by the
// keepalive when the server stops answering.
func (c *Conn) Abort(cause error) {
	c.closeWithError(&ConnError{Err: cause})
	<-c.readerDone
	c.bg.Wait()
}
