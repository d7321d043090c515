package smb2

// ChangeNotifyRequest.Flags bits. See [MS-SMB2] 2.2.35.
const (
	ChangeNotifyWatchTree = 0x0001 // SMB2_WATCH_TREE
)

// CompletionFilter bits. See [MS-SMB2] 2.2.35.
const (
	FileNotifyChangeFileName    = 0x00000001 // FILE_NOTIFY_CHANGE_FILE_NAME
	FileNotifyChangeDirName     = 0x00000002 // FILE_NOTIFY_CHANGE_DIR_NAME
	FileNotifyChangeAttributes  = 0x00000004 // FILE_NOTIFY_CHANGE_ATTRIBUTES
	FileNotifyChangeSize        = 0x00000008 // FILE_NOTIFY_CHANGE_SIZE
	FileNotifyChangeLastWrite   = 0x00000010 // FILE_NOTIFY_CHANGE_LAST_WRITE
	FileNotifyChangeLastAccess  = 0x00000020 // FILE_NOTIFY_CHANGE_LAST_ACCESS
	FileNotifyChangeCreation    = 0x00000040 // FILE_NOTIFY_CHANGE_CREATION
	FileNotifyChangeEA          = 0x00000080 // FILE_NOTIFY_CHANGE_EA
	FileNotifyChangeSecurity    = 0x00000100 // FILE_NOTIFY_CHANGE_SECURITY
	FileNotifyChangeStreamName  = 0x00000200 // FILE_NOTIFY_CHANGE_STREAM_NAME
	FileNotifyChangeStreamSize  = 0x00000400 // FILE_NOTIFY_CHANGE_STREAM_SIZE
	FileNotifyChangeStreamWrite = 0x00000800 // FILE_NOTIFY_CHANGE_STREAM_WRITE
)

// ChangeNotifyRequest is the SMB2 CHANGE_NOTIFY request. See [MS-SMB2]
// 2.2.35.
type ChangeNotifyRequest struct {
	Flags              uint16 // ChangeNotifyWatchTree
	OutputBufferLength uint32
	FileID             FileID
	CompletionFilter   uint32 // FileNotifyChange...
}

// Size returns 32.
func (m *ChangeNotifyRequest) Size() int { return 32 }

// Append appends the encoded body to dst.
func (m *ChangeNotifyRequest) Append(dst []byte) ([]byte, error) {
	dst = le.AppendUint16(dst, 32)
	dst = le.AppendUint16(dst, m.Flags)
	dst = le.AppendUint32(dst, m.OutputBufferLength)
	dst = m.FileID.Append(dst)
	dst = le.AppendUint32(dst, m.CompletionFilter)
	return le.AppendUint32(dst, 0), nil // Reserved
}

// Decode decodes the body that follows the header.
func (m *ChangeNotifyRequest) Decode(body []byte) error {
	if err := fixed(body, "CHANGE_NOTIFY request", 32, 32); err != nil {
		return err
	}
	*m = ChangeNotifyRequest{
		Flags:              le.Uint16(body[2:]),
		OutputBufferLength: le.Uint32(body[4:]),
		FileID:             decodeFileID(body[8:]),
		CompletionFilter:   le.Uint32(body[24:]),
	}
	return nil
}

// ChangeNotifyResponse is the SMB2 CHANGE_NOTIFY response: raw
// FILE_NOTIFY_INFORMATION entries ([MS-FSCC] 2.7.1), chained by
// NextEntryOffset. See [MS-SMB2] 2.2.36.
type ChangeNotifyResponse struct {
	Buffer []byte
}

// Size returns the encoded body size.
func (m *ChangeNotifyResponse) Size() int { return outputBufferSize(m.Buffer) }

// Append appends the encoded body to dst.
func (m *ChangeNotifyResponse) Append(dst []byte) ([]byte, error) {
	return appendOutputBuffer(dst, "CHANGE_NOTIFY response", m.Buffer)
}

// Decode decodes the body that follows the header, copying Buffer.
func (m *ChangeNotifyResponse) Decode(body []byte) error {
	b, err := decodeOutputBuffer(body, "CHANGE_NOTIFY response")
	if err != nil {
		return err
	}
	m.Buffer = clone(b)
	return nil
}
