package dtyp

// SecurityInformation selects the parts of a security descriptor to query or
// set: the AdditionalInformation of an SMB2 QUERY_INFO/SET_INFO with
// SMB2_0_INFO_SECURITY and the SecurityInformation of the SMB1
// NT_TRANSACT_QUERY_SECURITY_DESC. See [MS-DTYP] 2.4.7 and [MS-SMB2]
// 2.2.37.
type SecurityInformation uint32

// Security information bits.
const (
	OwnerSecurityInformation             SecurityInformation = 0x00000001 // OWNER_SECURITY_INFORMATION
	GroupSecurityInformation             SecurityInformation = 0x00000002 // GROUP_SECURITY_INFORMATION
	DACLSecurityInformation              SecurityInformation = 0x00000004 // DACL_SECURITY_INFORMATION
	SACLSecurityInformation              SecurityInformation = 0x00000008 // SACL_SECURITY_INFORMATION
	LabelSecurityInformation             SecurityInformation = 0x00000010 // LABEL_SECURITY_INFORMATION
	AttributeSecurityInformation         SecurityInformation = 0x00000020 // ATTRIBUTE_SECURITY_INFORMATION
	ScopeSecurityInformation             SecurityInformation = 0x00000040 // SCOPE_SECURITY_INFORMATION
	ProcessTrustLabelSecurityInformation SecurityInformation = 0x00000080 // PROCESS_TRUST_LABEL_SECURITY_INFORMATION
	AccessFilterSecurityInformation      SecurityInformation = 0x00000100 // ACCESS_FILTER_SECURITY_INFORMATION
	BackupSecurityInformation            SecurityInformation = 0x00010000 // BACKUP_SECURITY_INFORMATION
	UnprotectedSACLSecurityInformation   SecurityInformation = 0x10000000 // UNPROTECTED_SACL_SECURITY_INFORMATION
	UnprotectedDACLSecurityInformation   SecurityInformation = 0x20000000 // UNPROTECTED_DACL_SECURITY_INFORMATION
	ProtectedSACLSecurityInformation     SecurityInformation = 0x40000000 // PROTECTED_SACL_SECURITY_INFORMATION
	ProtectedDACLSecurityInformation     SecurityInformation = 0x80000000 // PROTECTED_DACL_SECURITY_INFORMATION
)

var securityInformationNames = []flagName{
	{uint64(OwnerSecurityInformation), "OWNER_SECURITY_INFORMATION"},
	{uint64(GroupSecurityInformation), "GROUP_SECURITY_INFORMATION"},
	{uint64(DACLSecurityInformation), "DACL_SECURITY_INFORMATION"},
	{uint64(SACLSecurityInformation), "SACL_SECURITY_INFORMATION"},
	{uint64(LabelSecurityInformation), "LABEL_SECURITY_INFORMATION"},
	{uint64(AttributeSecurityInformation), "ATTRIBUTE_SECURITY_INFORMATION"},
	{uint64(ScopeSecurityInformation), "SCOPE_SECURITY_INFORMATION"},
	{uint64(ProcessTrustLabelSecurityInformation), "PROCESS_TRUST_LABEL_SECURITY_INFORMATION"},
	{uint64(AccessFilterSecurityInformation), "ACCESS_FILTER_SECURITY_INFORMATION"},
	{uint64(BackupSecurityInformation), "BACKUP_SECURITY_INFORMATION"},
	{uint64(UnprotectedSACLSecurityInformation), "UNPROTECTED_SACL_SECURITY_INFORMATION"},
	{uint64(UnprotectedDACLSecurityInformation), "UNPROTECTED_DACL_SECURITY_INFORMATION"},
	{uint64(ProtectedSACLSecurityInformation), "PROTECTED_SACL_SECURITY_INFORMATION"},
	{uint64(ProtectedDACLSecurityInformation), "PROTECTED_DACL_SECURITY_INFORMATION"},
}

// String returns the spec names of the set bits joined by '|'.
func (s SecurityInformation) String() string {
	return flagString(uint64(s), securityInformationNames)
}
