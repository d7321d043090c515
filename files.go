package gosmb

import (
	"context"
	"time"

	"github.com/gosmb/gosmb/future"
	"github.com/gosmb/gosmb/ops"
	"github.com/gosmb/gosmb/proto/dtyp"
)

// SharedFile describes a file or directory (pysmb's SharedFile): times as
// time.Time, sizes, attributes, short and long names, file id, and the
// IsDirectory/IsReadOnly/IsNormal predicates.
type SharedFile = ops.SharedFile

// File attributes and listPath search bits, as pysmb names them.
const (
	AttrReadonly     = ops.AttrReadonly
	AttrHidden       = ops.AttrHidden
	AttrSystem       = ops.AttrSystem
	AttrDirectory    = ops.AttrDirectory
	AttrArchive      = ops.AttrArchive
	AttrNormal       = ops.AttrNormal
	SearchInclNormal = ops.SearchInclNormal
	SearchDefault    = ops.SearchDefault
)

// ListPath lists the directory path on share: entries matching the
// server-side pattern ("" or "*" for all, "." and ".." included) whose
// attributes pass search (0 means SearchDefault, everything), as pysmb's
// listPath. Large directories are paged until the server has no more.
func (c *Client) ListPath(ctx context.Context, share, path string, search uint32, pattern string) *future.Future[[]SharedFile] {
	if search == 0 {
		search = SearchDefault
	}
	return onShare(c, ctx, share, func(ctx context.Context, s *ops.Share) ([]SharedFile, error) {
		return s.ListPath(ctx, path, search, pattern)
	})
}

// GetAttributes returns the attributes of path in one round trip.
func (c *Client) GetAttributes(ctx context.Context, share, path string) *future.Future[SharedFile] {
	return onShare(c, ctx, share, func(ctx context.Context, s *ops.Share) (SharedFile, error) {
		return s.GetAttributes(ctx, path)
	})
}

// CreateDirectory creates a directory; its parent must exist.
func (c *Client) CreateDirectory(ctx context.Context, share, path string) *future.Future[struct{}] {
	return onShare(c, ctx, share, func(ctx context.Context, s *ops.Share) (struct{}, error) {
		return struct{}{}, s.CreateDirectory(ctx, path)
	})
}

// DeleteDirectory removes an empty directory.
func (c *Client) DeleteDirectory(ctx context.Context, share, path string) *future.Future[struct{}] {
	return onShare(c, ctx, share, func(ctx context.Context, s *ops.Share) (struct{}, error) {
		return struct{}{}, s.DeleteDirectory(ctx, path)
	})
}

// Rename renames a file or directory within share. WithReplace lets it
// overwrite an existing target; otherwise that fails with an error
// matching fs.ErrExist.
func (c *Client) Rename(ctx context.Context, share, oldPath, newPath string, opts ...CallOption) *future.Future[struct{}] {
	o := applyOptions(opts)
	return onShare(c, ctx, share, func(ctx context.Context, s *ops.Share) (struct{}, error) {
		return struct{}{}, s.Rename(ctx, oldPath, newPath, o.replace)
	})
}

// WithReplace makes Rename overwrite an existing target.
func WithReplace() CallOption { return func(o *callOptions) { o.replace = true } }

// DeleteFiles deletes files matching pattern, wildcards allowed in the last
// path component only (pysmb's deleteFiles). With deleteMatchingFolders,
// matching folders are deleted too, their contents first.
func (c *Client) DeleteFiles(ctx context.Context, share, pattern string, deleteMatchingFolders bool) *future.Future[struct{}] {
	return onShare(c, ctx, share, func(ctx context.Context, s *ops.Share) (struct{}, error) {
		return struct{}{}, s.DeleteFiles(ctx, pattern, deleteMatchingFolders)
	})
}

// ResetFileAttributes sets the attributes of the files matching pattern to
// attrs (0: FILE_ATTRIBUTE_NORMAL), pysmb's resetFileAttributes.
func (c *Client) ResetFileAttributes(ctx context.Context, share, pattern string, attrs uint32) *future.Future[struct{}] {
	return onShare(c, ctx, share, func(ctx context.Context, s *ops.Share) (struct{}, error) {
		return struct{}{}, s.ResetFileAttributes(ctx, pattern, attrs)
	})
}

// SecurityDescriptor is a Windows security descriptor (owner, group, DACL,
// SACL) as [MS-DTYP] defines it; see package proto/dtyp for SIDs and ACEs.
type SecurityDescriptor = dtyp.SecurityDescriptor

// GetSecurity returns the security descriptor of path: owner, group and
// DACL, plus the SACL when includeSACL (the server must allow it).
func (c *Client) GetSecurity(ctx context.Context, share, path string, includeSACL bool) *future.Future[*SecurityDescriptor] {
	return onShare(c, ctx, share, func(ctx context.Context, s *ops.Share) (*SecurityDescriptor, error) {
		return s.GetSecurity(ctx, path, includeSACL)
	})
}

// ListSnapshots returns the times (UTC, oldest first) of the snapshots the
// server keeps of path (Windows "previous versions", Samba shadow_copy2).
func (c *Client) ListSnapshots(ctx context.Context, share, path string) *future.Future[[]time.Time] {
	return onShare(c, ctx, share, func(ctx context.Context, s *ops.Share) ([]time.Time, error) {
		return s.ListSnapshots(ctx, path)
	})
}

// SharedDevice is one share of a server (pysmb's SharedDevice): name, type
// and comment, with IsSpecial, IsTemporary and BaseType.
type SharedDevice = ops.SharedDevice

// Share type values for SharedDevice.BaseType.
const (
	ShareTypeDisk    = ops.ShareTypeDisk
	ShareTypePrinter = ops.ShareTypePrinter
	ShareTypeDevice  = ops.ShareTypeDevice
	ShareTypeIPC     = ops.ShareTypeIPC
)

// ListShares lists the server's shares through the srvsvc pipe on IPC$
// (DCE/RPC NetrShareEnum). It works on an anonymous session where the
// server allows it.
func (c *Client) ListShares(ctx context.Context) *future.Future[[]SharedDevice] {
	return onShare(c, ctx, "IPC$", func(ctx context.Context, s *ops.Share) ([]SharedDevice, error) {
		return s.ListShares(ctx, c.host)
	})
}
