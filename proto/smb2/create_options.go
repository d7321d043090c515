package smb2

import "fmt"

// CreateDisposition says what CREATE does when the file does or does not
// exist. See [MS-SMB2] 2.2.13.
type CreateDisposition uint32

// Create dispositions.
const (
	FileSupersede   CreateDisposition = 0x00000000 // FILE_SUPERSEDE
	FileOpen        CreateDisposition = 0x00000001 // FILE_OPEN
	FileCreate      CreateDisposition = 0x00000002 // FILE_CREATE
	FileOpenIf      CreateDisposition = 0x00000003 // FILE_OPEN_IF
	FileOverwrite   CreateDisposition = 0x00000004 // FILE_OVERWRITE
	FileOverwriteIf CreateDisposition = 0x00000005 // FILE_OVERWRITE_IF
)

var dispositionNames = [...]string{
	"FILE_SUPERSEDE", "FILE_OPEN", "FILE_CREATE", "FILE_OPEN_IF", "FILE_OVERWRITE", "FILE_OVERWRITE_IF",
}

// String returns the spec name of d.
func (d CreateDisposition) String() string {
	if int(d) < len(dispositionNames) {
		return dispositionNames[d]
	}
	return fmt.Sprintf("CreateDisposition(%d)", uint32(d))
}

// CreateOptions is the CreateOptions field of a CREATE request. See
// [MS-SMB2] 2.2.13.
type CreateOptions uint32

// Create options.
const (
	FileDirectoryFile           CreateOptions = 0x00000001 // FILE_DIRECTORY_FILE
	FileWriteThrough            CreateOptions = 0x00000002 // FILE_WRITE_THROUGH
	FileSequentialOnly          CreateOptions = 0x00000004 // FILE_SEQUENTIAL_ONLY
	FileNoIntermediateBuffering CreateOptions = 0x00000008 // FILE_NO_INTERMEDIATE_BUFFERING
	FileSynchronousIOAlert      CreateOptions = 0x00000010 // FILE_SYNCHRONOUS_IO_ALERT
	FileSynchronousIONonalert   CreateOptions = 0x00000020 // FILE_SYNCHRONOUS_IO_NONALERT
	FileNonDirectoryFile        CreateOptions = 0x00000040 // FILE_NON_DIRECTORY_FILE
	FileCompleteIfOplocked      CreateOptions = 0x00000100 // FILE_COMPLETE_IF_OPLOCKED
	FileNoEAKnowledge           CreateOptions = 0x00000200 // FILE_NO_EA_KNOWLEDGE
	FileOpenRemoteInstance      CreateOptions = 0x00000400 // FILE_OPEN_REMOTE_INSTANCE
	FileRandomAccess            CreateOptions = 0x00000800 // FILE_RANDOM_ACCESS
	FileDeleteOnClose           CreateOptions = 0x00001000 // FILE_DELETE_ON_CLOSE
	FileOpenByFileID            CreateOptions = 0x00002000 // FILE_OPEN_BY_FILE_ID
	FileOpenForBackupIntent     CreateOptions = 0x00004000 // FILE_OPEN_FOR_BACKUP_INTENT
	FileNoCompression           CreateOptions = 0x00008000 // FILE_NO_COMPRESSION
	FileOpenRequiringOplock     CreateOptions = 0x00010000 // FILE_OPEN_REQUIRING_OPLOCK
	FileDisallowExclusive       CreateOptions = 0x00020000 // FILE_DISALLOW_EXCLUSIVE
	FileReserveOpfilter         CreateOptions = 0x00100000 // FILE_RESERVE_OPFILTER
	FileOpenReparsePoint        CreateOptions = 0x00200000 // FILE_OPEN_REPARSE_POINT
	FileOpenNoRecall            CreateOptions = 0x00400000 // FILE_OPEN_NO_RECALL
	FileOpenForFreeSpaceQuery   CreateOptions = 0x00800000 // FILE_OPEN_FOR_FREE_SPACE_QUERY
)

var createOptionNames = []flagName{
	{uint64(FileDirectoryFile), "FILE_DIRECTORY_FILE"},
	{uint64(FileWriteThrough), "FILE_WRITE_THROUGH"},
	{uint64(FileSequentialOnly), "FILE_SEQUENTIAL_ONLY"},
	{uint64(FileNoIntermediateBuffering), "FILE_NO_INTERMEDIATE_BUFFERING"},
	{uint64(FileSynchronousIOAlert), "FILE_SYNCHRONOUS_IO_ALERT"},
	{uint64(FileSynchronousIONonalert), "FILE_SYNCHRONOUS_IO_NONALERT"},
	{uint64(FileNonDirectoryFile), "FILE_NON_DIRECTORY_FILE"},
	{uint64(FileCompleteIfOplocked), "FILE_COMPLETE_IF_OPLOCKED"},
	{uint64(FileNoEAKnowledge), "FILE_NO_EA_KNOWLEDGE"},
	{uint64(FileOpenRemoteInstance), "FILE_OPEN_REMOTE_INSTANCE"},
	{uint64(FileRandomAccess), "FILE_RANDOM_ACCESS"},
	{uint64(FileDeleteOnClose), "FILE_DELETE_ON_CLOSE"},
	{uint64(FileOpenByFileID), "FILE_OPEN_BY_FILE_ID"},
	{uint64(FileOpenForBackupIntent), "FILE_OPEN_FOR_BACKUP_INTENT"},
	{uint64(FileNoCompression), "FILE_NO_COMPRESSION"},
	{uint64(FileOpenRequiringOplock), "FILE_OPEN_REQUIRING_OPLOCK"},
	{uint64(FileDisallowExclusive), "FILE_DISALLOW_EXCLUSIVE"},
	{uint64(FileReserveOpfilter), "FILE_RESERVE_OPFILTER"},
	{uint64(FileOpenReparsePoint), "FILE_OPEN_REPARSE_POINT"},
	{uint64(FileOpenNoRecall), "FILE_OPEN_NO_RECALL"},
	{uint64(FileOpenForFreeSpaceQuery), "FILE_OPEN_FOR_FREE_SPACE_QUERY"},
}

// String returns the spec names of the set bits joined by '|'.
func (o CreateOptions) String() string { return flagString(uint64(o), createOptionNames) }

// ImpersonationLevel is the ImpersonationLevel of a CREATE request. See
// [MS-SMB2] 2.2.13.
type ImpersonationLevel uint32

// Impersonation levels.
const (
	ImpersonationAnonymous      ImpersonationLevel = 0 // Anonymous
	ImpersonationIdentification ImpersonationLevel = 1 // Identification
	ImpersonationImpersonation  ImpersonationLevel = 2 // Impersonation
	ImpersonationDelegate       ImpersonationLevel = 3 // Delegate
)

// String returns the spec name of l.
func (l ImpersonationLevel) String() string {
	switch l {
	case ImpersonationAnonymous:
		return "Anonymous"
	case ImpersonationIdentification:
		return "Identification"
	case ImpersonationImpersonation:
		return "Impersonation"
	case ImpersonationDelegate:
		return "Delegate"
	}
	return fmt.Sprintf("ImpersonationLevel(%d)", uint32(l))
}

// OplockLevel is an oplock level in CREATE and OPLOCK_BREAK. See [MS-SMB2]
// 2.2.13 and 2.2.23.1.
type OplockLevel uint8

// Oplock levels.
const (
	OplockLevelNone      OplockLevel = 0x00 // SMB2_OPLOCK_LEVEL_NONE
	OplockLevelII        OplockLevel = 0x01 // SMB2_OPLOCK_LEVEL_II
	OplockLevelExclusive OplockLevel = 0x08 // SMB2_OPLOCK_LEVEL_EXCLUSIVE
	OplockLevelBatch     OplockLevel = 0x09 // SMB2_OPLOCK_LEVEL_BATCH
	OplockLevelLease     OplockLevel = 0xFF // SMB2_OPLOCK_LEVEL_LEASE
)

// String returns the spec name of l.
func (l OplockLevel) String() string {
	switch l {
	case OplockLevelNone:
		return "SMB2_OPLOCK_LEVEL_NONE"
	case OplockLevelII:
		return "SMB2_OPLOCK_LEVEL_II"
	case OplockLevelExclusive:
		return "SMB2_OPLOCK_LEVEL_EXCLUSIVE"
	case OplockLevelBatch:
		return "SMB2_OPLOCK_LEVEL_BATCH"
	case OplockLevelLease:
		return "SMB2_OPLOCK_LEVEL_LEASE"
	}
	return fmt.Sprintf("OplockLevel(0x%02X)", uint8(l))
}

// CreateAction is what CREATE did. See [MS-SMB2] 2.2.14.
type CreateAction uint32

// Create actions.
const (
	FileSuperseded  CreateAction = 0x00000000 // FILE_SUPERSEDED
	FileOpened      CreateAction = 0x00000001 // FILE_OPENED
	FileCreated     CreateAction = 0x00000002 // FILE_CREATED
	FileOverwritten CreateAction = 0x00000003 // FILE_OVERWRITTEN
)

var createActionNames = [...]string{"FILE_SUPERSEDED", "FILE_OPENED", "FILE_CREATED", "FILE_OVERWRITTEN"}

// String returns the spec name of a.
func (a CreateAction) String() string {
	if int(a) < len(createActionNames) {
		return createActionNames[a]
	}
	return fmt.Sprintf("CreateAction(%d)", uint32(a))
}

// CreateResponse.Flags bits (3.x). See [MS-SMB2] 2.2.14.
const (
	CreateFlagReparsePoint = 0x01 // SMB2_CREATE_FLAG_REPARSEPOINT
)

// Lease states ([MS-SMB2] 2.2.13.2.8): a set of caching rights.
const (
	LeaseNone          = 0x00 // SMB2_LEASE_NONE
	LeaseReadCaching   = 0x01 // SMB2_LEASE_READ_CACHING
	LeaseHandleCaching = 0x02 // SMB2_LEASE_HANDLE_CACHING
	LeaseWriteCaching  = 0x04 // SMB2_LEASE_WRITE_CACHING
)

// Lease flags of the lease create context ([MS-SMB2] 2.2.13.2.8, 2.2.13.2.10).
const (
	LeaseFlagBreakInProgress   = 0x00000002 // SMB2_LEASE_FLAG_BREAK_IN_PROGRESS
	LeaseFlagParentLeaseKeySet = 0x00000004 // SMB2_LEASE_FLAG_PARENT_LEASE_KEY_SET
)
