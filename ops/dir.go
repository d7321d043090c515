package ops

import (
	"context"
	"strings"

	"github.com/gosmb/gosmb/engine"
	"github.com/gosmb/gosmb/proto/fscc"
	"github.com/gosmb/gosmb/proto/ntstatus"
	"github.com/gosmb/gosmb/proto/smb2"
)

// dirBufferSize is the QUERY_DIRECTORY output buffer: large, so that big
// directories take few round trips; capped by MaxTransactSize.
const dirBufferSize = 1 << 20

// minDirBuffer is the smallest QUERY_DIRECTORY output buffer asked for
// however few credits the server grants: one credit's worth, room for
// about a hundred entries of the longest names.
const minDirBuffer = creditUnit

// creditUnit is the payload one SMB2 credit pays for ([MS-SMB2] 3.1.5.2).
const creditUnit = 64 << 10

// ListPath lists the directory at dir, like pysmb's listPath: entries
// whose name matches the server-side pattern ("*" for all; "." and ".."
// included) and whose attributes pass search (SearchDefault for all).
//
// The open and two QUERY_DIRECTORY requests travel as one compound, so a
// directory whose entries fit one buffer is listed in one round trip (the
// second request comes back with STATUS_NO_MORE_FILES); a larger one pages
// on. The CLOSE is sent without waiting for its answer.
func (s *Share) ListPath(ctx context.Context, dir string, search uint32, pattern string) ([]SharedFile, error) {
	if pattern == "" {
		pattern = "*"
	}
	name := CleanPath(dir)
	open := OpenOptions{
		Access:      smb2.FileReadData | smb2.FileReadAttributes | smb2.Synchronize,
		Disposition: smb2.FileOpen,
		Options:     smb2.FileDirectoryFile,
	}
	creq, err := s.createReq(name, open)
	if err != nil {
		return nil, err
	}
	bufLen := s.dirBufferLen()
	// The chain's CREATE takes a credit, its two QUERY_DIRECTORYs share
	// the rest, in whole credits (an odd rest leaves one over). On a server
	// that grants fewer than three the chain cannot go out: the open and
	// the pages go one at a time.
	if c := s.creditBytes(1); c > 0 {
		half := c / 2 / creditUnit * creditUnit
		bufLen = min(bufLen, max(half, minDirBuffer))
	}
	first, err := s.queryDirectoryReq(smb2.FileIDAny, pattern, bufLen, smb2.QueryDirectoryRestartScans)
	if err != nil {
		return nil, err
	}
	second, err := s.queryDirectoryReq(smb2.FileIDAny, pattern, bufLen, 0)
	if err != nil {
		return nil, err
	}
	futs := s.Tree.SendCompound(ctx, creq, first, second)
	if tooFewCredits(futs[0]) {
		f, err := s.Open(ctx, name, open)
		if err != nil {
			return nil, retag(err, "list")
		}
		defer f.closeNoWait()
		return f.listOn(ctx, pattern, search, s.dirBufferLen(), nil)
	}
	cresp, err := futs[0].Wait(ctx)
	if err != nil {
		s.settleCreate(ctx, futs[0])
		return nil, err
	}
	f, err := s.openResult(name, cresp)
	if err != nil {
		return nil, retag(err, "list")
	}
	defer f.closeNoWait()
	var out []SharedFile
	for _, fut := range futs[1:] {
		resp, err := fut.Wait(ctx)
		if err != nil {
			return nil, err
		}
		more, err := f.listPage(resp, search, &out)
		if err != nil || !more {
			return out, err
		}
	}
	return f.listOn(ctx, pattern, search, bufLen, out)
}

// listOn pages through the rest of the open directory f, one
// QUERY_DIRECTORY at a time, appending what passes search to out. Each
// page is at most bufLen bytes, less if the server has granted fewer
// credits.
func (f *File) listOn(ctx context.Context, pattern string, search uint32, bufLen int, out []SharedFile) ([]SharedFile, error) {
	s := f.share
	if c := s.creditBytes(0); c > 0 {
		bufLen = min(bufLen, max(c, minDirBuffer))
	}
	for {
		req, err := s.queryDirectoryReq(f.ID, pattern, bufLen, 0)
		if err != nil {
			return nil, err
		}
		resp, err := s.Tree.Session.Conn().Send(ctx, req).Wait(ctx)
		if err != nil {
			return nil, err
		}
		more, err := f.listPage(resp, search, &out)
		if err != nil || !more {
			return out, err
		}
	}
}

// dirBufferLen is the QUERY_DIRECTORY output buffer for this connection.
func (s *Share) dirBufferLen() int {
	n := min(dirBufferSize, int(s.neg().MaxTransactSize))
	if s.neg().Dialect == smb2.Dialect202 {
		n = min(n, 64<<10)
	}
	return n
}

func (s *Share) queryDirectoryReq(id smb2.FileID, pattern string, bufLen int, flags uint8) (*engine.Request, error) {
	body, err := (&smb2.QueryDirectoryRequest{
		FileInformationClass: smb2.FileIDBothDirectoryInformation,
		Flags:                flags,
		FileID:               id,
		FileName:             pattern,
		OutputBufferLength:   uint32(bufLen),
	}).Append(nil)
	if err != nil {
		return nil, err
	}
	return s.Tree.Request(smb2.CommandQueryDirectory, body, creditChargeFor(bufLen)), nil
}

// listPage appends the entries of one QUERY_DIRECTORY response that pass
// search to out; more is false once the server has no more entries.
func (f *File) listPage(resp *engine.Response, search uint32, out *[]SharedFile) (more bool, err error) {
	defer resp.Release()
	switch st := resp.Status(); st {
	case ntstatus.Success:
	case ntstatus.NoMoreFiles:
		return false, nil
	case ntstatus.NoSuchFile:
		// No entry matched the pattern: an empty listing, not an error.
		return false, nil
	default:
		return false, statusErr("list", f.Name, st)
	}
	var qr smb2.QueryDirectoryResponse
	if err := qr.Decode(resp.Body); err != nil {
		return false, protoErr("QUERY_DIRECTORY response", err)
	}
	if len(qr.Buffer) == 0 {
		// SUCCESS with nothing in it would loop forever.
		return false, nil
	}
	es, err := fscc.DirEntries(qr.Buffer)
	if err != nil {
		return false, protoErr("directory entries", err)
	}
	for i := range es {
		sf := fromDirEntry(&es[i])
		if matchesSearch(&sf, search) {
			*out = append(*out, sf)
		}
	}
	return true, nil
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
