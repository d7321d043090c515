package ops

import (
	"context"
	"encoding/binary"
	"fmt"
	"sort"
	"time"

	"github.com/gosmb/gosmb/proto/dtyp"
	"github.com/gosmb/gosmb/proto/fscc"
	"github.com/gosmb/gosmb/proto/ntstatus"
	"github.com/gosmb/gosmb/proto/smb2"
)

// maxSecurityBuffer bounds how far GetSecurity grows its buffer.
const maxSecurityBuffer = 1 << 20

// maxSecurityRetries bounds the QUERY_INFO retries of GetSecurity on
// STATUS_BUFFER_TOO_SMALL: growing fourfold from 4 KiB, four reach
// maxSecurityBuffer.
const maxSecurityRetries = 4

// GetSecurity returns the security descriptor of path: owner, group and
// DACL, and the SACL too when includeSACL (which needs the right to read
// it). The buffer grows when the server says it is too small.
func (s *Share) GetSecurity(ctx context.Context, p string, includeSACL bool) (*dtyp.SecurityDescriptor, error) {
	name := CleanPath(p)
	info := dtyp.OwnerSecurityInformation | dtyp.GroupSecurityInformation | dtyp.DACLSecurityInformation
	access := smb2.ReadControl | smb2.FileReadAttributes | smb2.Synchronize
	if includeSACL {
		info |= dtyp.SACLSecurityInformation
		access |= smb2.AccessSystemSecurity
	}
	size := s.transactCap(4096)
	for retries := 0; ; retries++ {
		q, _ := smb2.QuerySecurityInfo(smb2.FileIDAny, uint32(info), uint32(size)).Append(nil)
		_, rs, err := s.openDo(ctx, "get security", name, OpenOptions{Access: access, Disposition: smb2.FileOpen},
			step{cmd: smb2.CommandQueryInfo, body: q, charge: creditChargeFor(size), ok: []ntstatus.Status{ntstatus.BufferTooSmall}})
		if err != nil {
			return nil, err
		}
		if rs[0].Status() == ntstatus.BufferTooSmall {
			// [MS-SMB2] 3.3.4.4: the error data is the size needed.
			var er smb2.ErrorResponse
			need := size * 4
			if er.Decode(rs[0].Body) == nil && len(er.ErrorData) >= 4 {
				need = int(binary.LittleEndian.Uint32(er.ErrorData))
			}
			// The size asked grows at least fourfold per retry, and a
			// server that is still not satisfied after a few (one
			// asking a byte more each time) is refused.
			if need <= size || need > maxSecurityBuffer || need > s.transactCap(need) || retries >= maxSecurityRetries {
				return nil, fmt.Errorf("gosmb: get security %s: server wants a %d-byte buffer", name, need)
			}
			size = min(max(need, size*4), maxSecurityBuffer, s.transactCap(maxSecurityBuffer))
			continue
		}
		var qr smb2.QueryInfoResponse
		if err := qr.Decode(rs[0].Body); err != nil {
			return nil, protoErr("QUERY_INFO response", err)
		}
		sd, err := dtyp.DecodeSecurityDescriptor(qr.Buffer)
		if err != nil {
			return nil, protoErr("security descriptor", err)
		}
		return sd, nil
	}
}

// snapshotLayout is the @GMT token format of [MS-SMB2] 2.2.32.2.
const snapshotLayout = "@GMT-2006.01.02-15.04.05"

// ListSnapshots returns the times of the snapshots (previous versions) of
// path, oldest first, in UTC: FSCTL_SRV_ENUMERATE_SNAPSHOTS.
func (s *Share) ListSnapshots(ctx context.Context, p string) ([]time.Time, error) {
	name := CleanPath(p)
	size := s.transactCap(64 << 10)
	for attempt := 0; ; attempt++ {
		body, _ := (&smb2.IoctlRequest{
			CtlCode:           smb2.FsctlSrvEnumerateSnapshots,
			FileID:            smb2.FileIDAny,
			MaxOutputResponse: uint32(size),
			Flags:             smb2.IoctlFlagIsFsctl,
		}).Append(nil)
		_, rs, err := s.openDo(ctx, "list snapshots", name, OpenOptions{
			Access:      smb2.FileReadData | smb2.FileReadAttributes | smb2.Synchronize,
			Disposition: smb2.FileOpen,
		}, step{cmd: smb2.CommandIoctl, body: body, charge: creditChargeFor(size)})
		if err != nil {
			return nil, err
		}
		var ir smb2.IoctlResponse
		if err := ir.Decode(rs[0].Body); err != nil {
			return nil, protoErr("IOCTL response", err)
		}
		var arr fscc.SnapshotArray
		if err := arr.Decode(ir.Output); err != nil {
			return nil, protoErr("SRV_SNAPSHOT_ARRAY", err)
		}
		if len(arr.Snapshots) < int(arr.NumberOfSnapshots) && attempt == 0 && 12+int(arr.ArraySize) > size &&
			12+int64(arr.ArraySize) <= int64(s.neg().MaxTransactSize) {
			size = 12 + int(arr.ArraySize)
			continue
		}
		out := make([]time.Time, 0, len(arr.Snapshots))
		for _, tok := range arr.Snapshots {
			t, err := time.ParseInLocation(snapshotLayout, tok, time.UTC)
			if err != nil {
				return nil, protoErr(fmt.Sprintf("snapshot token %q", tok), err)
			}
			out = append(out, t)
		}
		sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
		return out, nil
	}
}

// transactCap is n, or the server's MaxTransactSize if smaller: the
// largest output buffer a QUERY_INFO or IOCTL may ask for.
func (s *Share) transactCap(n int) int {
	if m := int64(s.neg().MaxTransactSize); m > 0 && int64(n) > m {
		return int(m)
	}
	return n
}
