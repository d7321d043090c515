package smb2

// FileAttributes is a set of file attribute flags. See [MS-FSCC] 2.6.
type FileAttributes uint32

// File attributes.
const (
	FileAttributeReadonly           FileAttributes = 0x00000001 // FILE_ATTRIBUTE_READONLY
	FileAttributeHidden             FileAttributes = 0x00000002 // FILE_ATTRIBUTE_HIDDEN
	FileAttributeSystem             FileAttributes = 0x00000004 // FILE_ATTRIBUTE_SYSTEM
	FileAttributeDirectory          FileAttributes = 0x00000010 // FILE_ATTRIBUTE_DIRECTORY
	FileAttributeArchive            FileAttributes = 0x00000020 // FILE_ATTRIBUTE_ARCHIVE
	FileAttributeNormal             FileAttributes = 0x00000080 // FILE_ATTRIBUTE_NORMAL
	FileAttributeTemporary          FileAttributes = 0x00000100 // FILE_ATTRIBUTE_TEMPORARY
	FileAttributeSparseFile         FileAttributes = 0x00000200 // FILE_ATTRIBUTE_SPARSE_FILE
	FileAttributeReparsePoint       FileAttributes = 0x00000400 // FILE_ATTRIBUTE_REPARSE_POINT
	FileAttributeCompressed         FileAttributes = 0x00000800 // FILE_ATTRIBUTE_COMPRESSED
	FileAttributeOffline            FileAttributes = 0x00001000 // FILE_ATTRIBUTE_OFFLINE
	FileAttributeNotContentIndexed  FileAttributes = 0x00002000 // FILE_ATTRIBUTE_NOT_CONTENT_INDEXED
	FileAttributeEncrypted          FileAttributes = 0x00004000 // FILE_ATTRIBUTE_ENCRYPTED
	FileAttributeIntegrityStream    FileAttributes = 0x00008000 // FILE_ATTRIBUTE_INTEGRITY_STREAM
	FileAttributeNoScrubData        FileAttributes = 0x00020000 // FILE_ATTRIBUTE_NO_SCRUB_DATA
	FileAttributeRecallOnOpen       FileAttributes = 0x00040000 // FILE_ATTRIBUTE_RECALL_ON_OPEN
	FileAttributePinned             FileAttributes = 0x00080000 // FILE_ATTRIBUTE_PINNED
	FileAttributeUnpinned           FileAttributes = 0x00100000 // FILE_ATTRIBUTE_UNPINNED
	FileAttributeRecallOnDataAccess FileAttributes = 0x00400000 // FILE_ATTRIBUTE_RECALL_ON_DATA_ACCESS
)

var attributeNames = []flagName{
	{uint64(FileAttributeReadonly), "FILE_ATTRIBUTE_READONLY"},
	{uint64(FileAttributeHidden), "FILE_ATTRIBUTE_HIDDEN"},
	{uint64(FileAttributeSystem), "FILE_ATTRIBUTE_SYSTEM"},
	{uint64(FileAttributeDirectory), "FILE_ATTRIBUTE_DIRECTORY"},
	{uint64(FileAttributeArchive), "FILE_ATTRIBUTE_ARCHIVE"},
	{uint64(FileAttributeNormal), "FILE_ATTRIBUTE_NORMAL"},
	{uint64(FileAttributeTemporary), "FILE_ATTRIBUTE_TEMPORARY"},
	{uint64(FileAttributeSparseFile), "FILE_ATTRIBUTE_SPARSE_FILE"},
	{uint64(FileAttributeReparsePoint), "FILE_ATTRIBUTE_REPARSE_POINT"},
	{uint64(FileAttributeCompressed), "FILE_ATTRIBUTE_COMPRESSED"},
	{uint64(FileAttributeOffline), "FILE_ATTRIBUTE_OFFLINE"},
	{uint64(FileAttributeNotContentIndexed), "FILE_ATTRIBUTE_NOT_CONTENT_INDEXED"},
	{uint64(FileAttributeEncrypted), "FILE_ATTRIBUTE_ENCRYPTED"},
	{uint64(FileAttributeIntegrityStream), "FILE_ATTRIBUTE_INTEGRITY_STREAM"},
	{uint64(FileAttributeNoScrubData), "FILE_ATTRIBUTE_NO_SCRUB_DATA"},
	{uint64(FileAttributeRecallOnOpen), "FILE_ATTRIBUTE_RECALL_ON_OPEN"},
	{uint64(FileAttributePinned), "FILE_ATTRIBUTE_PINNED"},
	{uint64(FileAttributeUnpinned), "FILE_ATTRIBUTE_UNPINNED"},
	{uint64(FileAttributeRecallOnDataAccess), "FILE_ATTRIBUTE_RECALL_ON_DATA_ACCESS"},
}

// String returns the spec names of the set bits joined by '|'.
func (a FileAttributes) String() string { return flagString(uint64(a), attributeNames) }

// IsDir reports whether FileAttributeDirectory is set.
func (a FileAttributes) IsDir() bool { return a&FileAttributeDirectory != 0 }
