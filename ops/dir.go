package ops

import (
	"context"
	"strings"

	"github.com/gosmb/gosmb/proto/fscc"
	"github.com/gosmb/gosmb/proto/ntstatus"
	"github.com/gosmb/gosmb/proto/smb2"
)

// dirBufferSize is the QUERY_DIRECTORY output buffer: large, so that big
// directories take few round trips; capped by MaxTransactSize.
const dirBufferSize = 1 << 20

// ListPath lists the directory at dir, like pysmb's listPath: entries
// whose name matches the server-side pattern ("*" for all; "." and ".."
// included) and whose attributes pass search (SearchDefault for all).
// It pages with QUERY_DIRECTORY until the server reports no more files.
func (s *Share) ListPath(ctx context.Context, dir string, search uint32, pattern string) ([]SharedFile, error) {
	if pattern == "" {
		pattern = "*"
	}
	name := CleanPath(dir)
	f, err := s.Open(ctx, name, OpenOptions{
		Access:      smb2.FileReadData | smb2.FileReadAttributes | smb2.Synchronize,
		Disposition: smb2.FileOpen,
		Options:     smb2.FileDirectoryFile,
	})
	if err != nil {
		return nil, retag(err, "list")
	}
	defer f.closeQuietly()
	return f.list(ctx, search, pattern)
}

// list pages QUERY_DIRECTORY on an open directory.
func (f *File) list(ctx context.Context, search uint32, pattern string) ([]SharedFile, error) {
	bufLen := min(dirBufferSize, int(f.share.neg().MaxTransactSize))
	if f.share.neg().Dialect == smb2.Dialect202 {
		bufLen = min(bufLen, 64<<10)
	}
	var out []SharedFile
	flags := uint8(smb2.QueryDirectoryRestartScans)
	for {
		req := smb2.QueryDirectoryRequest{
			FileInformationClass: smb2.FileIDBothDirectoryInformation,
			Flags:                flags,
			FileID:               f.ID,
			FileName:             pattern,
			OutputBufferLength:   uint32(bufLen),
		}
		flags = 0
		body, err := req.Append(nil)
		if err != nil {
			return nil, err
		}
		resp, err := f.share.Tree.Send(ctx, smb2.CommandQueryDirectory, body, creditChargeFor(bufLen)).Wait(ctx)
		if err != nil {
			return nil, err
		}
		switch st := resp.Status(); st {
		case ntstatus.Success:
		case ntstatus.NoMoreFiles:
			return out, nil
		case ntstatus.NoSuchFile:
			// No entry matched the pattern: an empty listing, not an error.
			return out, nil
		default:
			return nil, statusErr("list", f.Name, st)
		}
		var qr smb2.QueryDirectoryResponse
		if err := qr.Decode(resp.Body); err != nil {
			return nil, protoErr("QUERY_DIRECTORY response", err)
		}
		if len(qr.Buffer) == 0 {
			// SUCCESS with nothing in it would loop forever.
			return out, nil
		}
		es, err := fscc.DirEntries(qr.Buffer)
		if err != nil {
			return nil, protoErr("directory entries", err)
		}
		for i := range es {
			sf := fromDirEntry(&es[i])
			if matchesSearch(&sf, search) {
				out = append(out, sf)
			}
		}
	}
}

// splitPattern splits "dir/sub/a*.txt" into ("dir\sub", "a*.txt"):
// wildcards are allowed only in the last component, as in pysmb.
func splitPattern(p string) (dir, pattern string) {
	p = CleanPath(p)
	i := strings.LastIndex(p, `\`)
	if i < 0 {
		return "", p
	}
	return p[:i], p[i+1:]
}

// join joins a directory and a name with a backslash.
func join(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + `\` + name
}

// hasWildcard reports whether a pattern needs a listing to expand.
func hasWildcard(s string) bool { return strings.ContainsAny(s, "*?<>\"") }
