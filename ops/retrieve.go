package ops

import (
	"context"
	"errors"
	"io"

	"github.com/gosmb/gosmb/proto/smb2"
)

// Retrieve copies the file at path to w, like pysmb's
// retrieveFileFromOffset: from offset, at most maxLength bytes (maxLength
// < 0: to the end; 0: open and close only). It returns the file's
// attributes and the number of bytes written to w.
func (s *Share) Retrieve(ctx context.Context, path string, w io.Writer, offset, maxLength int64, progress func(int64)) (smb2.FileAttributes, int64, error) {
	f, err := s.Open(ctx, path, OpenOptions{
		Access:      smb2.FileReadData | smb2.FileReadAttributes | smb2.Synchronize,
		Disposition: smb2.FileOpen,
		Options:     smb2.FileNonDirectoryFile,
	})
	if err != nil {
		return 0, 0, err
	}
	n, err := f.ReadTo(ctx, w, offset, maxLength, progress)
	cerr := f.Close(ctx)
	if err != nil {
		return f.Attributes, n, err
	}
	return f.Attributes, n, cerr
}

// Store copies r to the file at path, like pysmb's storeFileFromOffset:
// writing starts at offset; with truncate the file is emptied first (and
// created when missing either way). It returns the offset after the last
// byte written. Any failure, including the final CLOSE, is an error.
func (s *Share) Store(ctx context.Context, path string, r io.Reader, offset int64, truncate bool, progress func(int64)) (int64, error) {
	disp := smb2.FileOpenIf
	if truncate {
		disp = smb2.FileOverwriteIf
	}
	f, err := s.Open(ctx, path, OpenOptions{
		Access:      smb2.FileWriteData | smb2.FileAppendData | smb2.FileReadAttributes | smb2.FileWriteAttributes | smb2.Synchronize,
		Disposition: disp,
		Options:     smb2.FileNonDirectoryFile,
		Attributes:  smb2.FileAttributeArchive,
	})
	if err != nil {
		return offset, err
	}
	n, err := f.WriteFrom(ctx, r, offset, progress)
	cerr := f.Close(ctx)
	if err != nil {
		return offset + n, err
	}
	if cerr != nil {
		return offset + n, errors.Join(errors.New("gosmb: upload may be incomplete: closing failed"), cerr)
	}
	return offset + n, nil
}
