// Package ops implements gosmb's file operations over an engine.Tree:
// open/close, windowed READ and WRITE transfers, directory listing,
// attributes, security, rename, delete. Functions here block and honour
// their context; the root package wraps them in Futures.
//
// Paths are relative to the share and accept both '/' and '\'.
package ops
