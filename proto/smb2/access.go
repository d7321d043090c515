package smb2

// AccessMask is an ACCESS_MASK as used in DesiredAccess and MaximalAccess.
// See [MS-SMB2] 2.2.13.1 and [MS-DTYP] 2.4.3.
type AccessMask uint32

// File, pipe and printer access rights ([MS-SMB2] 2.2.13.1.1); the
// directory rights of 2.2.13.1.2 share their values.
const (
	FileReadData         AccessMask = 0x00000001 // FILE_READ_DATA
	FileWriteData        AccessMask = 0x00000002 // FILE_WRITE_DATA
	FileAppendData       AccessMask = 0x00000004 // FILE_APPEND_DATA
	FileReadEA           AccessMask = 0x00000008 // FILE_READ_EA
	FileWriteEA          AccessMask = 0x00000010 // FILE_WRITE_EA
	FileExecute          AccessMask = 0x00000020 // FILE_EXECUTE
	FileDeleteChild      AccessMask = 0x00000040 // FILE_DELETE_CHILD
	FileReadAttributes   AccessMask = 0x00000080 // FILE_READ_ATTRIBUTES
	FileWriteAttributes  AccessMask = 0x00000100 // FILE_WRITE_ATTRIBUTES
	Delete               AccessMask = 0x00010000 // DELETE
	ReadControl          AccessMask = 0x00020000 // READ_CONTROL
	WriteDAC             AccessMask = 0x00040000 // WRITE_DAC
	WriteOwner           AccessMask = 0x00080000 // WRITE_OWNER
	Synchronize          AccessMask = 0x00100000 // SYNCHRONIZE
	AccessSystemSecurity AccessMask = 0x01000000 // ACCESS_SYSTEM_SECURITY
	MaximumAllowed       AccessMask = 0x02000000 // MAXIMUM_ALLOWED
	GenericAll           AccessMask = 0x10000000 // GENERIC_ALL
	GenericExecute       AccessMask = 0x20000000 // GENERIC_EXECUTE
	GenericWrite         AccessMask = 0x40000000 // GENERIC_WRITE
	GenericRead          AccessMask = 0x80000000 // GENERIC_READ

	FileListDirectory   = FileReadData           // FILE_LIST_DIRECTORY
	FileAddFile         = FileWriteData          // FILE_ADD_FILE
	FileAddSubdirectory = FileAppendData         // FILE_ADD_SUBDIRECTORY
	FileTraverse        = FileExecute            // FILE_TRAVERSE
	FileAllAccess       = AccessMask(0x001F01FF) // FILE_ALL_ACCESS
)

var accessNames = []flagName{
	{0x001F01FF, "FILE_ALL_ACCESS"},
	{uint64(FileReadData), "FILE_READ_DATA"},
	{uint64(FileWriteData), "FILE_WRITE_DATA"},
	{uint64(FileAppendData), "FILE_APPEND_DATA"},
	{uint64(FileReadEA), "FILE_READ_EA"},
	{uint64(FileWriteEA), "FILE_WRITE_EA"},
	{uint64(FileExecute), "FILE_EXECUTE"},
	{uint64(FileDeleteChild), "FILE_DELETE_CHILD"},
	{uint64(FileReadAttributes), "FILE_READ_ATTRIBUTES"},
	{uint64(FileWriteAttributes), "FILE_WRITE_ATTRIBUTES"},
	{uint64(Delete), "DELETE"},
	{uint64(ReadControl), "READ_CONTROL"},
	{uint64(WriteDAC), "WRITE_DAC"},
	{uint64(WriteOwner), "WRITE_OWNER"},
	{uint64(Synchronize), "SYNCHRONIZE"},
	{uint64(AccessSystemSecurity), "ACCESS_SYSTEM_SECURITY"},
	{uint64(MaximumAllowed), "MAXIMUM_ALLOWED"},
	{uint64(GenericAll), "GENERIC_ALL"},
	{uint64(GenericExecute), "GENERIC_EXECUTE"},
	{uint64(GenericWrite), "GENERIC_WRITE"},
	{uint64(GenericRead), "GENERIC_READ"},
}

// String returns the spec names of the set bits joined by '|'.
func (a AccessMask) String() string { return flagString(uint64(a), accessNames) }

// ShareAccess is the ShareAccess field of a CREATE request. See [MS-SMB2]
// 2.2.13.
type ShareAccess uint32

// Share access bits.
const (
	FileShareRead   ShareAccess = 0x00000001 // FILE_SHARE_READ
	FileShareWrite  ShareAccess = 0x00000002 // FILE_SHARE_WRITE
	FileShareDelete ShareAccess = 0x00000004 // FILE_SHARE_DELETE
)

var shareAccessNames = []flagName{
	{uint64(FileShareRead), "FILE_SHARE_READ"},
	{uint64(FileShareWrite), "FILE_SHARE_WRITE"},
	{uint64(FileShareDelete), "FILE_SHARE_DELETE"},
}

// String returns the spec names of the set bits joined by '|'.
func (s ShareAccess) String() string { return flagString(uint64(s), shareAccessNames) }
