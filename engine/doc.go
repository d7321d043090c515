// Package engine is gosmb's connection engine: framing, the one reader
// goroutine per connection, the pending table that demultiplexes responses
// by MessageId onto per-request Futures, SMB2 credits, sessions, signing and
// encryption state.
//
// # Concurrency
//
// A Conn is safe for concurrent use. Each request is registered in the
// pending table before its bytes are written; the reader goroutine removes
// it when the final response arrives and resolves its Future. Interim
// STATUS_PENDING responses keep the entry and record the AsyncId.
// Responses of 64 KiB and more have their signature checked, or their
// TRANSFORM frame decrypted, on worker goroutines (at most GOMAXPROCS,
// counted with the other short-lived goroutines that Close waits for),
// so that one large signed or encrypted READ does not hold up the
// responses behind it.
//
// Frames go through one send queue: a sender appends its frame and either
// takes writeSem and writes everything queued in one writev, or finds its
// frame written by the sender that held it. Small self-contained chains
// (CREATE … CLOSE on a disk share) waiting there side by side are merged
// into one compound frame, and while many of them are unanswered a new one
// waits briefly for company (batch.go; Config.NoBatching turns this off).
// A flusher goroutine, kicked by the reader, writes chains still waiting
// when the backlog drops; the reader itself never writes.
//
// Lock order (never hold one across network I/O):
//
//	Conn.mu  →  creditGate.mu
//	Conn.sendMu is taken alone, briefly.
//	Conn.writeSem is taken alone, around one flush of the send queue.
//
// # Contexts
//
// The context passed to Send is the request's lifetime: when it ends while
// the request is on the wire, the Future fails with the context's cause, an
// SMB2 CANCEL is sent, and the entry stays in the pending table so that the
// late response still returns its credits. The context passed to
// Future.Wait bounds only that wait.
//
// # Shutdown
//
// Close (and any fatal read or write error) follows one order: mark the
// connection closed (idempotent, first error wins) → snapshot and clear the
// pending table → cancel the connection context and close the socket →
// fail credit waiters → wait for the reader goroutine → fail every request
// in the snapshot with the close error. Every such error matches
// net.ErrClosed under errors.Is.
package engine
