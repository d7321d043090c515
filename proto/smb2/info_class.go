package smb2

import "fmt"

// InfoType says what QUERY_INFO and SET_INFO address. See [MS-SMB2] 2.2.37.
type InfoType uint8

// Info types.
const (
	InfoFile       InfoType = 0x01 // SMB2_0_INFO_FILE
	InfoFilesystem InfoType = 0x02 // SMB2_0_INFO_FILESYSTEM
	InfoSecurity   InfoType = 0x03 // SMB2_0_INFO_SECURITY
	InfoQuota      InfoType = 0x04 // SMB2_0_INFO_QUOTA
)

// String returns the spec name of t.
func (t InfoType) String() string {
	switch t {
	case InfoFile:
		return "SMB2_0_INFO_FILE"
	case InfoFilesystem:
		return "SMB2_0_INFO_FILESYSTEM"
	case InfoSecurity:
		return "SMB2_0_INFO_SECURITY"
	case InfoQuota:
		return "SMB2_0_INFO_QUOTA"
	}
	return fmt.Sprintf("InfoType(0x%02X)", uint8(t))
}

// FileInfoClass is a file information class, for QUERY_DIRECTORY and for
// QUERY_INFO/SET_INFO with InfoFile. See [MS-FSCC] 2.4.
type FileInfoClass uint8

// File information classes.
const (
	FileDirectoryInformation       FileInfoClass = 1
	FileFullDirectoryInformation   FileInfoClass = 2
	FileBothDirectoryInformation   FileInfoClass = 3
	FileBasicInformation           FileInfoClass = 4
	FileStandardInformation        FileInfoClass = 5
	FileInternalInformation        FileInfoClass = 6
	FileEaInformation              FileInfoClass = 7
	FileAccessInformation          FileInfoClass = 8
	FileNameInformation            FileInfoClass = 9
	FileRenameInformation          FileInfoClass = 10
	FileLinkInformation            FileInfoClass = 11
	FileNamesInformation           FileInfoClass = 12
	FileDispositionInformation     FileInfoClass = 13
	FilePositionInformation        FileInfoClass = 14
	FileFullEaInformation          FileInfoClass = 15
	FileModeInformation            FileInfoClass = 16
	FileAlignmentInformation       FileInfoClass = 17
	FileAllInformation             FileInfoClass = 18
	FileAllocationInformation      FileInfoClass = 19
	FileEndOfFileInformation       FileInfoClass = 20
	FileAlternateNameInformation   FileInfoClass = 21
	FileStreamInformation          FileInfoClass = 22
	FilePipeInformation            FileInfoClass = 23
	FilePipeLocalInformation       FileInfoClass = 24
	FilePipeRemoteInformation      FileInfoClass = 25
	FileCompressionInformation     FileInfoClass = 28
	FileObjectIDInformation        FileInfoClass = 29
	FileQuotaInformation           FileInfoClass = 32
	FileReparsePointInformation    FileInfoClass = 33
	FileNetworkOpenInformation     FileInfoClass = 34
	FileAttributeTagInformation    FileInfoClass = 35
	FileIDBothDirectoryInformation FileInfoClass = 37
	FileIDFullDirectoryInformation FileInfoClass = 38
	FileValidDataLengthInformation FileInfoClass = 39
	FileShortNameInformation       FileInfoClass = 40
	FileHardLinkInformation        FileInfoClass = 46
	FileNormalizedNameInformation  FileInfoClass = 48
	FileIDInformation              FileInfoClass = 59
	FileIDExtdDirectoryInformation FileInfoClass = 60
	FileDispositionInformationEx   FileInfoClass = 64
	FileRenameInformationEx        FileInfoClass = 65
)

var fileInfoClassNames = map[FileInfoClass]string{
	FileDirectoryInformation:       "FileDirectoryInformation",
	FileFullDirectoryInformation:   "FileFullDirectoryInformation",
	FileBothDirectoryInformation:   "FileBothDirectoryInformation",
	FileBasicInformation:           "FileBasicInformation",
	FileStandardInformation:        "FileStandardInformation",
	FileInternalInformation:        "FileInternalInformation",
	FileEaInformation:              "FileEaInformation",
	FileAccessInformation:          "FileAccessInformation",
	FileNameInformation:            "FileNameInformation",
	FileRenameInformation:          "FileRenameInformation",
	FileLinkInformation:            "FileLinkInformation",
	FileNamesInformation:           "FileNamesInformation",
	FileDispositionInformation:     "FileDispositionInformation",
	FilePositionInformation:        "FilePositionInformation",
	FileFullEaInformation:          "FileFullEaInformation",
	FileModeInformation:            "FileModeInformation",
	FileAlignmentInformation:       "FileAlignmentInformation",
	FileAllInformation:             "FileAllInformation",
	FileAllocationInformation:      "FileAllocationInformation",
	FileEndOfFileInformation:       "FileEndOfFileInformation",
	FileAlternateNameInformation:   "FileAlternateNameInformation",
	FileStreamInformation:          "FileStreamInformation",
	FilePipeInformation:            "FilePipeInformation",
	FilePipeLocalInformation:       "FilePipeLocalInformation",
	FilePipeRemoteInformation:      "FilePipeRemoteInformation",
	FileCompressionInformation:     "FileCompressionInformation",
	FileObjectIDInformation:        "FileObjectIdInformation",
	FileQuotaInformation:           "FileQuotaInformation",
	FileReparsePointInformation:    "FileReparsePointInformation",
	FileNetworkOpenInformation:     "FileNetworkOpenInformation",
	FileAttributeTagInformation:    "FileAttributeTagInformation",
	FileIDBothDirectoryInformation: "FileIdBothDirectoryInformation",
	FileIDFullDirectoryInformation: "FileIdFullDirectoryInformation",
	FileValidDataLengthInformation: "FileValidDataLengthInformation",
	FileShortNameInformation:       "FileShortNameInformation",
	FileHardLinkInformation:        "FileHardLinkInformation",
	FileNormalizedNameInformation:  "FileNormalizedNameInformation",
	FileIDInformation:              "FileIdInformation",
	FileIDExtdDirectoryInformation: "FileIdExtdDirectoryInformation",
	FileDispositionInformationEx:   "FileDispositionInformationEx",
	FileRenameInformationEx:        "FileRenameInformationEx",
}

// String returns the spec name of c, for example "FileBasicInformation".
func (c FileInfoClass) String() string {
	if n, ok := fileInfoClassNames[c]; ok {
		return n
	}
	return fmt.Sprintf("FileInfoClass(%d)", uint8(c))
}

// FsInfoClass is a file system information class, for QUERY_INFO and
// SET_INFO with InfoFilesystem. See [MS-FSCC] 2.5.
type FsInfoClass uint8

// File system information classes.
const (
	FileFsVolumeInformation      FsInfoClass = 1
	FileFsLabelInformation       FsInfoClass = 2
	FileFsSizeInformation        FsInfoClass = 3
	FileFsDeviceInformation      FsInfoClass = 4
	FileFsAttributeInformation   FsInfoClass = 5
	FileFsControlInformation     FsInfoClass = 6
	FileFsFullSizeInformation    FsInfoClass = 7
	FileFsObjectIDInformation    FsInfoClass = 8
	FileFsDriverPathInformation  FsInfoClass = 9
	FileFsVolumeFlagsInformation FsInfoClass = 10
	FileFsSectorSizeInformation  FsInfoClass = 11
)

var fsInfoClassNames = [...]string{
	"", "FileFsVolumeInformation", "FileFsLabelInformation", "FileFsSizeInformation",
	"FileFsDeviceInformation", "FileFsAttributeInformation", "FileFsControlInformation",
	"FileFsFullSizeInformation", "FileFsObjectIdInformation", "FileFsDriverPathInformation",
	"FileFsVolumeFlagsInformation", "FileFsSectorSizeInformation",
}

// String returns the spec name of c, for example "FileFsSizeInformation".
func (c FsInfoClass) String() string {
	if c > 0 && int(c) < len(fsInfoClassNames) {
		return fsInfoClassNames[c]
	}
	return fmt.Sprintf("FsInfoClass(%d)", uint8(c))
}

// AdditionalInformation bits for InfoSecurity queries and sets. See
// [MS-SMB2] 2.2.37.
const (
	OwnerSecurityInformation     = 0x00000001 // OWNER_SECURITY_INFORMATION
	GroupSecurityInformation     = 0x00000002 // GROUP_SECURITY_INFORMATION
	DACLSecurityInformation      = 0x00000004 // DACL_SECURITY_INFORMATION
	SACLSecurityInformation      = 0x00000008 // SACL_SECURITY_INFORMATION
	LabelSecurityInformation     = 0x00000010 // LABEL_SECURITY_INFORMATION
	AttributeSecurityInformation = 0x00000020 // ATTRIBUTE_SECURITY_INFORMATION
	ScopeSecurityInformation     = 0x00000040 // SCOPE_SECURITY_INFORMATION
	BackupSecurityInformation    = 0x00010000 // BACKUP_SECURITY_INFORMATION
)

// QueryInfoRequest.Flags bits (for FileFullEaInformation). See [MS-SMB2]
// 2.2.37.
const (
	SLRestartScan       = 0x00000001 // SL_RESTART_SCAN
	SLReturnSingleEntry = 0x00000002 // SL_RETURN_SINGLE_ENTRY
	SLIndexSpecified    = 0x00000004 // SL_INDEX_SPECIFIED
)
