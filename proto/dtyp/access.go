package dtyp

// AccessMask is an ACCESS_MASK. See [MS-DTYP] 2.4.3; the file and directory
// specific rights are those of [MS-SMB2] 2.2.13.1.1 and 2.2.13.1.2.
//
// In a SYSTEM_MANDATORY_LABEL_ACE the low bits mean
// SYSTEM_MANDATORY_LABEL_NO_WRITE_UP (1), NO_READ_UP (2) and NO_EXECUTE_UP
// (4) instead; String does not know which ACE a mask came from and always
// uses the file names.
type AccessMask uint32

// File rights (the low 16 bits are object specific; these are the file and
// pipe meanings), standard rights and generic rights.
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
	WriteDAC             AccessMask = 0x00040000 // WRITE_DAC ([MS-DTYP] spells it WRITE_DACL)
	WriteOwner           AccessMask = 0x00080000 // WRITE_OWNER
	Synchronize          AccessMask = 0x00100000 // SYNCHRONIZE
	AccessSystemSecurity AccessMask = 0x01000000 // ACCESS_SYSTEM_SECURITY
	MaximumAllowed       AccessMask = 0x02000000 // MAXIMUM_ALLOWED
	GenericAll           AccessMask = 0x10000000 // GENERIC_ALL
	GenericExecute       AccessMask = 0x20000000 // GENERIC_EXECUTE
	GenericWrite         AccessMask = 0x40000000 // GENERIC_WRITE
	GenericRead          AccessMask = 0x80000000 // GENERIC_READ
)

// Directory names for the shared bits, and common combinations.
const (
	FileListDirectory   = FileReadData   // FILE_LIST_DIRECTORY
	FileAddFile         = FileWriteData  // FILE_ADD_FILE
	FileAddSubdirectory = FileAppendData // FILE_ADD_SUBDIRECTORY
	FileTraverse        = FileExecute    // FILE_TRAVERSE

	// StandardRightsRequired is DELETE|READ_CONTROL|WRITE_DAC|WRITE_OWNER.
	StandardRightsRequired AccessMask = 0x000F0000
	// FileAllAccess is FILE_ALL_ACCESS: every file right, standard right
	// and SYNCHRONIZE (0x001F01FF).
	FileAllAccess AccessMask = 0x001F01FF
	// FileGenericRead is FILE_GENERIC_READ (0x00120089).
	FileGenericRead = ReadControl | FileReadData | FileReadAttributes | FileReadEA | Synchronize
	// FileGenericWrite is FILE_GENERIC_WRITE (0x00120116).
	FileGenericWrite = ReadControl | FileWriteData | FileWriteAttributes | FileWriteEA | FileAppendData | Synchronize
	// FileGenericExecute is FILE_GENERIC_EXECUTE (0x001200A0).
	FileGenericExecute = ReadControl | FileReadAttributes | FileExecute | Synchronize
)

var accessNames = []flagName{
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

// String returns the names of the set bits joined by '|', lowest bit first,
// for example "FILE_READ_DATA|FILE_READ_EA|FILE_READ_ATTRIBUTES|SYNCHRONIZE";
// bits without a name are shown in hex, and zero is "0".
func (m AccessMask) String() string { return flagString(uint64(m), accessNames) }
