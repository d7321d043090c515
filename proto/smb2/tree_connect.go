package smb2

import "fmt"

// TreeConnectRequest.Flags bits (3.1.1). See [MS-SMB2] 2.2.9.
const (
	TreeConnectFlagClusterReconnect = 0x0001 // SMB2_TREE_CONNECT_FLAG_CLUSTER_RECONNECT
	TreeConnectFlagRedirectToOwner  = 0x0002 // SMB2_TREE_CONNECT_FLAG_REDIRECT_TO_OWNER
	TreeConnectFlagExtensionPresent = 0x0004 // SMB2_TREE_CONNECT_FLAG_EXTENSION_PRESENT
)

// TreeConnectRequest is the SMB2 TREE_CONNECT request. See [MS-SMB2] 2.2.9.
// The tree connect request extension (TreeConnectFlagExtensionPresent) is
// not supported: Path is always read from PathOffset/PathLength.
type TreeConnectRequest struct {
	Flags uint16
	Path  string // `\\server\share`, sent as UTF-16LE
}

const treeConnectRequestFixed = 8

// Size returns the encoded body size.
func (m *TreeConnectRequest) Size() int { return treeConnectRequestFixed + max(utf16Len(m.Path), 1) }

// Append appends the encoded body to dst.
func (m *TreeConnectRequest) Append(dst []byte) ([]byte, error) {
	const msg = "TREE_CONNECT request"
	n := utf16Len(m.Path)
	if !fitsU16(n) {
		return dst, errorf(msg, "%d-byte path", n)
	}
	dst = le.AppendUint16(dst, treeConnectRequestFixed+1)
	dst = le.AppendUint16(dst, m.Flags)
	dst = le.AppendUint16(dst, HeaderSize+treeConnectRequestFixed)
	dst = le.AppendUint16(dst, uint16(n))
	if n == 0 {
		return append(dst, 0), nil
	}
	return appendUTF16(dst, m.Path), nil
}

// Decode decodes the body that follows the header.
func (m *TreeConnectRequest) Decode(body []byte) error {
	const msg = "TREE_CONNECT request"
	if err := fixed(body, msg, treeConnectRequestFixed, treeConnectRequestFixed+1); err != nil {
		return err
	}
	p, err := field(body, msg, "Path", uint64(le.Uint16(body[4:])), uint64(le.Uint16(body[6:])))
	if err != nil {
		return err
	}
	path, err := decodeUTF16(p, msg, "Path")
	if err != nil {
		return err
	}
	*m = TreeConnectRequest{Flags: le.Uint16(body[2:]), Path: path}
	return nil
}

// ShareType is the kind of share a tree connects to. See [MS-SMB2] 2.2.10.
type ShareType uint8

// Share types.
const (
	ShareTypeDisk  ShareType = 0x01 // SMB2_SHARE_TYPE_DISK
	ShareTypePipe  ShareType = 0x02 // SMB2_SHARE_TYPE_PIPE
	ShareTypePrint ShareType = 0x03 // SMB2_SHARE_TYPE_PRINT
)

// String returns the spec name of t.
func (t ShareType) String() string {
	switch t {
	case ShareTypeDisk:
		return "SMB2_SHARE_TYPE_DISK"
	case ShareTypePipe:
		return "SMB2_SHARE_TYPE_PIPE"
	case ShareTypePrint:
		return "SMB2_SHARE_TYPE_PRINT"
	}
	return fmt.Sprintf("ShareType(0x%02X)", uint8(t))
}

// TreeConnectResponse.ShareFlags bits. See [MS-SMB2] 2.2.10. The caching
// policy is a two-bit value under ShareFlagCachingMask, not a flag.
const (
	ShareFlagManualCaching            = 0x00000000 // SMB2_SHAREFLAG_MANUAL_CACHING
	ShareFlagAutoCaching              = 0x00000010 // SMB2_SHAREFLAG_AUTO_CACHING
	ShareFlagVDOCaching               = 0x00000020 // SMB2_SHAREFLAG_VDO_CACHING
	ShareFlagNoCaching                = 0x00000030 // SMB2_SHAREFLAG_NO_CACHING
	ShareFlagCachingMask              = 0x00000030
	ShareFlagDFS                      = 0x00000001 // SMB2_SHAREFLAG_DFS
	ShareFlagDFSRoot                  = 0x00000002 // SMB2_SHAREFLAG_DFS_ROOT
	ShareFlagRestrictExclusiveOpens   = 0x00000100 // SMB2_SHAREFLAG_RESTRICT_EXCLUSIVE_OPENS
	ShareFlagForceSharedDelete        = 0x00000200 // SMB2_SHAREFLAG_FORCE_SHARED_DELETE
	ShareFlagAllowNamespaceCaching    = 0x00000400 // SMB2_SHAREFLAG_ALLOW_NAMESPACE_CACHING
	ShareFlagAccessBasedDirectoryEnum = 0x00000800 // SMB2_SHAREFLAG_ACCESS_BASED_DIRECTORY_ENUM
	ShareFlagForceLevelIIOplock       = 0x00001000 // SMB2_SHAREFLAG_FORCE_LEVELII_OPLOCK
	ShareFlagEnableHashV1             = 0x00002000 // SMB2_SHAREFLAG_ENABLE_HASH_V1
	ShareFlagEnableHashV2             = 0x00004000 // SMB2_SHAREFLAG_ENABLE_HASH_V2
	ShareFlagEncryptData              = 0x00008000 // SMB2_SHAREFLAG_ENCRYPT_DATA
	ShareFlagIdentityRemoting         = 0x00040000 // SMB2_SHAREFLAG_IDENTITY_REMOTING
	ShareFlagCompressData             = 0x00100000 // SMB2_SHAREFLAG_COMPRESS_DATA
	ShareFlagIsolatedTransport        = 0x00200000 // SMB2_SHAREFLAG_ISOLATED_TRANSPORT
)

// TreeConnectResponse.Capabilities bits. See [MS-SMB2] 2.2.10.
const (
	ShareCapDFS                    = 0x00000008 // SMB2_SHARE_CAP_DFS
	ShareCapContinuousAvailability = 0x00000010 // SMB2_SHARE_CAP_CONTINUOUS_AVAILABILITY
	ShareCapScaleout               = 0x00000020 // SMB2_SHARE_CAP_SCALEOUT
	ShareCapCluster                = 0x00000040 // SMB2_SHARE_CAP_CLUSTER
	ShareCapAsymmetric             = 0x00000080 // SMB2_SHARE_CAP_ASYMMETRIC
	ShareCapRedirectToOwner        = 0x00000100 // SMB2_SHARE_CAP_REDIRECT_TO_OWNER
)

// TreeConnectResponse is the SMB2 TREE_CONNECT response. See [MS-SMB2]
// 2.2.10.
type TreeConnectResponse struct {
	ShareType     ShareType
	ShareFlags    uint32 // ShareFlag...
	Capabilities  uint32 // ShareCap...
	MaximalAccess uint32 // an AccessMask
}

// Size returns the encoded body size, 16.
func (m *TreeConnectResponse) Size() int { return 16 }

// Append appends the encoded body to dst.
func (m *TreeConnectResponse) Append(dst []byte) ([]byte, error) {
	dst = le.AppendUint16(dst, 16)
	dst = append(dst, byte(m.ShareType), 0)
	dst = le.AppendUint32(dst, m.ShareFlags)
	dst = le.AppendUint32(dst, m.Capabilities)
	dst = le.AppendUint32(dst, m.MaximalAccess)
	return dst, nil
}

// Decode decodes the body that follows the header.
func (m *TreeConnectResponse) Decode(body []byte) error {
	if err := fixed(body, "TREE_CONNECT response", 16, 16); err != nil {
		return err
	}
	*m = TreeConnectResponse{
		ShareType:     ShareType(body[2]),
		ShareFlags:    le.Uint32(body[4:]),
		Capabilities:  le.Uint32(body[8:]),
		MaximalAccess: le.Uint32(body[12:]),
	}
	return nil
}
