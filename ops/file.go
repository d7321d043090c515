package ops

import (
	"context"
	"encoding/binary"
	"time"

	"github.com/gosmb/gosmb/engine"
	"github.com/gosmb/gosmb/future"
	"github.com/gosmb/gosmb/proto/fscc"
	"github.com/gosmb/gosmb/proto/ntstatus"
	"github.com/gosmb/gosmb/proto/smb2"
)

// OpenOptions is what CREATE asks for.
type OpenOptions struct {
	Access      smb2.AccessMask        // 0 means GENERIC_READ
	Disposition smb2.CreateDisposition // 0 (FILE_SUPERSEDE) is rarely wanted: set it
	Options     smb2.CreateOptions
	Attributes  smb2.FileAttributes
	ShareAccess smb2.ShareAccess // 0 means read|write|delete
	// Snapshot, when set, opens the file as it was in the snapshot taken
	// at that time (SMB2_CREATE_TIMEWARP_TOKEN; see ListSnapshots).
	Snapshot time.Time

	// queryDiskID asks for the on-disk file ID (SMB2_CREATE_QUERY_ON_DISK_ID).
	queryDiskID bool
}

// File is an open handle on a share.
type File struct {
	share *Share
	ID    smb2.FileID
	Name  string // cleaned path relative to the share

	CreateAction   smb2.CreateAction
	CreationTime   time.Time
	LastAccessTime time.Time
	LastWriteTime  time.Time
	ChangeTime     time.Time
	AllocationSize int64
	EndOfFile      int64
	Attributes     smb2.FileAttributes

	diskID uint64 // first 8 bytes of the QFid reply's DiskFileId, if asked for
}

// Share returns the share the file is open on.
func (f *File) Share() *Share { return f.share }

func (s *Share) createRequest(name string, o OpenOptions) (*smb2.CreateRequest, error) {
	if o.Access == 0 {
		o.Access = smb2.GenericRead
	}
	if o.ShareAccess == 0 {
		o.ShareAccess = smb2.FileShareRead | smb2.FileShareWrite | smb2.FileShareDelete
	}
	req := &smb2.CreateRequest{
		ImpersonationLevel: smb2.ImpersonationImpersonation,
		DesiredAccess:      o.Access,
		FileAttributes:     o.Attributes,
		ShareAccess:        o.ShareAccess,
		CreateDisposition:  o.Disposition,
		CreateOptions:      o.Options,
		Name:               name,
	}
	if !o.Snapshot.IsZero() {
		tw := smb2.TimewarpToken{Timestamp: smb2.TimeToFiletime(o.Snapshot)}
		cc, err := tw.Context()
		if err != nil {
			return nil, err
		}
		req.Contexts = append(req.Contexts, cc)
	}
	if o.queryDiskID {
		req.Contexts = append(req.Contexts, smb2.CreateContext{Name: smb2.CreateContextQueryOnDiskID})
	}
	return req, nil
}

// Open sends CREATE for path. If ctx ends before the answer, a handle
// the server opens anyway is closed when its late answer arrives.
func (s *Share) Open(ctx context.Context, path string, o OpenOptions) (*File, error) {
	name := CleanPath(path)
	req, err := s.createReq(name, o)
	if err != nil {
		return nil, err
	}
	fut := s.Tree.Session.Conn().Send(ctx, req)
	resp, err := fut.Wait(ctx)
	if err != nil {
		s.settleCreate(ctx, fut)
		return nil, err
	}
	return s.openResult(name, resp)
}

// settleCreate runs when the wait for a CREATE ended early. If ctx ended,
// the request is being abandoned: its Future resolves promptly, either
// with the context error (a late answer then goes to closeOrphan) or, if
// the answer won the race, with a response nobody will read. Close that
// handle too.
func (s *Share) settleCreate(ctx context.Context, fut *future.Future[*engine.Response]) {
	if ctx.Err() == nil {
		return
	}
	wctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if resp, err := fut.Wait(wctx); err == nil {
		s.closeOrphan(resp)
	}
}

// createReq builds a CREATE request that cleans up after itself when
// abandoned.
func (s *Share) createReq(name string, o OpenOptions) (*engine.Request, error) {
	cr, err := s.createRequest(name, o)
	if err != nil {
		return nil, err
	}
	body, err := cr.Append(nil)
	if err != nil {
		return nil, err
	}
	req := s.Tree.Request(smb2.CommandCreate, body, 0)
	req.OnAbandoned = s.closeOrphan
	return req, nil
}

// closeOrphan closes the handle a late, successful CREATE response names.
func (s *Share) closeOrphan(resp *engine.Response) {
	defer resp.Release()
	if resp.Status() != ntstatus.Success {
		return
	}
	var cr smb2.CreateResponse
	if cr.Decode(resp.Body) != nil {
		return
	}
	(&File{share: s, ID: cr.FileID}).closeQuietly()
}

// openResult decodes a CREATE response into a File.
func (s *Share) openResult(name string, resp *engine.Response) (*File, error) {
	if st := resp.Status(); st != ntstatus.Success {
		return nil, statusErr("open", name, st)
	}
	var cr smb2.CreateResponse
	if err := cr.Decode(resp.Body); err != nil {
		return nil, &engine.ProtocolError{Msg: "CREATE response", Err: err}
	}
	f := &File{
		share:          s,
		ID:             cr.FileID,
		Name:           name,
		CreateAction:   cr.CreateAction,
		CreationTime:   smb2.FiletimeToTime(cr.CreationTime),
		LastAccessTime: smb2.FiletimeToTime(cr.LastAccessTime),
		LastWriteTime:  smb2.FiletimeToTime(cr.LastWriteTime),
		ChangeTime:     smb2.FiletimeToTime(cr.ChangeTime),
		AllocationSize: int64(cr.AllocationSize),
		EndOfFile:      int64(cr.EndOfFile),
		Attributes:     cr.FileAttributes,
	}
	for _, c := range cr.Contexts {
		if c.Name == smb2.CreateContextQueryOnDiskID && len(c.Data) >= 8 {
			f.diskID = binary.LittleEndian.Uint64(c.Data)
		}
	}
	return f, nil
}

// Close sends CLOSE. It is safe to call once; later calls fail with the
// server's STATUS_FILE_CLOSED.
func (f *File) Close(ctx context.Context) error {
	body, err := (&smb2.CloseRequest{FileID: f.ID}).Append(nil)
	if err != nil {
		return err
	}
	resp, err := f.share.Tree.Send(ctx, smb2.CommandClose, body, 0).Wait(ctx)
	if err != nil {
		return err
	}
	if st := resp.Status(); st != ntstatus.Success {
		return statusErr("close", f.Name, st)
	}
	return nil
}

// closeQuietly closes f on a fresh short context: used when an operation
// fails and the handle must not leak, whatever the caller's context did.
func (f *File) closeQuietly() { f.closeFor(context.Background()) }

// closeNoWait sends CLOSE and does not wait for the answer, for handles
// whose close outcome changes nothing for the caller (a listing). The
// request is on the wire when it returns; the engine drops the response.
func (f *File) closeNoWait() {
	body, _ := (&smb2.CloseRequest{FileID: f.ID}).Append(nil)
	f.share.Tree.Send(context.Background(), smb2.CommandClose, body, 0)
}

// closeFor closes f even if ctx has ended (a cancelled transfer must not
// leave its handle open on the server), bounded by 5s.
func (f *File) closeFor(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	return f.Close(ctx)
}

// Stat queries FILE_ALL_INFORMATION on the open handle.
func (f *File) Stat(ctx context.Context) (SharedFile, error) {
	q, _ := smb2.QueryFileInfo(f.ID, smb2.FileAllInformation, uint32(f.share.transactCap(4096))).Append(nil)
	resp, err := f.share.Tree.Send(ctx, smb2.CommandQueryInfo, q, 0).Wait(ctx)
	if err != nil {
		return SharedFile{}, err
	}
	if st := resp.Status(); st != ntstatus.Success && st != ntstatus.BufferOverflow {
		return SharedFile{}, statusErr("stat", f.Name, st)
	}
	return decodeAllInfo(resp, f.Name)
}

// Truncate sets the file's size (SET_INFO FileEndOfFileInformation).
func (f *File) Truncate(ctx context.Context, size int64) error {
	body, _ := (&smb2.SetInfoRequest{InfoType: smb2.InfoFile, FileInfoClass: uint8(smb2.FileEndOfFileInformation), FileID: f.ID,
		Buffer: fscc.AppendEndOfFileInformation(nil, uint64(size))}).Append(nil)
	resp, err := f.share.Tree.Send(ctx, smb2.CommandSetInfo, body, 0).Wait(ctx)
	if err != nil {
		return err
	}
	if st := resp.Status(); st != ntstatus.Success {
		return statusErr("truncate", f.Name, st)
	}
	return nil
}

// Flush asks the server to write cached data to stable storage.
func (f *File) Flush(ctx context.Context) error {
	body, _ := (&smb2.FlushRequest{FileID: f.ID}).Append(nil)
	resp, err := f.share.Tree.Send(ctx, smb2.CommandFlush, body, 0).Wait(ctx)
	if err != nil {
		return err
	}
	if st := resp.Status(); st != ntstatus.Success {
		return statusErr("flush", f.Name, st)
	}
	return nil
}
