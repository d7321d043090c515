package dtyp

// Well-known SIDs in string form, the same set pysmb's security_descriptors
// module exposes, from [MS-DTYP] 2.4.2.4. They are strings, as in pysmb, so
// they are true constants; compare with sid.String() == SIDEveryone or turn
// one into a SID with MustParseSID.
const (
	SIDNull                                       = "S-1-0-0" // NULL, also called Nobody
	SIDEveryone                                   = "S-1-1-0"
	SIDLocal                                      = "S-1-2-0"
	SIDConsoleLogon                               = "S-1-2-1"
	SIDCreatorOwner                               = "S-1-3-0"
	SIDCreatorGroup                               = "S-1-3-1"
	SIDOwnerServer                                = "S-1-3-2"
	SIDGroupServer                                = "S-1-3-3"
	SIDOwnerRights                                = "S-1-3-4"
	SIDNTAuthority                                = "S-1-5"
	SIDDialup                                     = "S-1-5-1"
	SIDNetwork                                    = "S-1-5-2"
	SIDBatch                                      = "S-1-5-3"
	SIDInteractive                                = "S-1-5-4"
	SIDService                                    = "S-1-5-6"
	SIDAnonymous                                  = "S-1-5-7"
	SIDProxy                                      = "S-1-5-8"
	SIDEnterpriseDomainControllers                = "S-1-5-9"
	SIDPrincipalSelf                              = "S-1-5-10"
	SIDAuthenticatedUsers                         = "S-1-5-11"
	SIDRestrictedCode                             = "S-1-5-12"
	SIDTerminalServerUser                         = "S-1-5-13"
	SIDRemoteInteractiveLogon                     = "S-1-5-14"
	SIDThisOrganization                           = "S-1-5-15"
	SIDIUSR                                       = "S-1-5-17"
	SIDLocalSystem                                = "S-1-5-18"
	SIDLocalService                               = "S-1-5-19"
	SIDNetworkService                             = "S-1-5-20"
	SIDCompoundedAuthentication                   = "S-1-5-21-0-0-0-496"
	SIDClaimsValid                                = "S-1-5-21-0-0-0-497"
	SIDBuiltinAdministrators                      = "S-1-5-32-544"
	SIDBuiltinUsers                               = "S-1-5-32-545"
	SIDBuiltinGuests                              = "S-1-5-32-546"
	SIDPowerUsers                                 = "S-1-5-32-547"
	SIDAccountOperators                           = "S-1-5-32-548"
	SIDServerOperators                            = "S-1-5-32-549"
	SIDPrinterOperators                           = "S-1-5-32-550"
	SIDBackupOperators                            = "S-1-5-32-551"
	SIDReplicator                                 = "S-1-5-32-552"
	SIDAliasPreW2KCompAcc                         = "S-1-5-32-554"
	SIDRemoteDesktop                              = "S-1-5-32-555"
	SIDNetworkConfigurationOps                    = "S-1-5-32-556"
	SIDIncomingForestTrustBuilders                = "S-1-5-32-557"
	SIDPerfmonUsers                               = "S-1-5-32-558"
	SIDPerflogUsers                               = "S-1-5-32-559"
	SIDWindowsAuthorizationAccessGroup            = "S-1-5-32-560"
	SIDTerminalServerLicenseServers               = "S-1-5-32-561"
	SIDDistributedCOMUsers                        = "S-1-5-32-562"
	SIDIISIUSRS                                   = "S-1-5-32-568"
	SIDCryptographicOperators                     = "S-1-5-32-569"
	SIDEventLogReaders                            = "S-1-5-32-573"
	SIDCertificateServiceDCOMAccess               = "S-1-5-32-574"
	SIDRDSRemoteAccessServers                     = "S-1-5-32-575"
	SIDRDSEndpointServers                         = "S-1-5-32-576"
	SIDRDSManagementServers                       = "S-1-5-32-577"
	SIDHyperVAdmins                               = "S-1-5-32-578"
	SIDAccessControlAssistanceOps                 = "S-1-5-32-579"
	SIDRemoteManagementUsers                      = "S-1-5-32-580"
	SIDWriteRestrictedCode                        = "S-1-5-33"
	SIDNTLMAuthentication                         = "S-1-5-64-10"
	SIDSChannelAuthentication                     = "S-1-5-64-14"
	SIDDigestAuthentication                       = "S-1-5-64-21"
	SIDThisOrganizationCertificate                = "S-1-5-65-1"
	SIDNTService                                  = "S-1-5-80"
	SIDUserModeDrivers                            = "S-1-5-84-0-0-0-0-0"
	SIDLocalAccount                               = "S-1-5-113"
	SIDLocalAccountAndMemberOfAdministratorsGroup = "S-1-5-114"
	SIDOtherOrganization                          = "S-1-5-1000"
	SIDAllAppPackages                             = "S-1-15-2-1"
	SIDMLUntrusted                                = "S-1-16-0"
	SIDMLLow                                      = "S-1-16-4096"
	SIDMLMedium                                   = "S-1-16-8192"
	SIDMLMediumPlus                               = "S-1-16-8448"
	SIDMLHigh                                     = "S-1-16-12288"
	SIDMLSystem                                   = "S-1-16-16384"
	SIDMLProtectedProcess                         = "S-1-16-20480"
	SIDAuthenticationAuthorityAssertedIdentity    = "S-1-18-1"
	SIDServiceAssertedIdentity                    = "S-1-18-2"
	SIDFreshPublicKeyIdentity                     = "S-1-18-3"
	SIDKeyTrustIdentity                           = "S-1-18-4"
	SIDKeyPropertyMFA                             = "S-1-18-5"
	SIDKeyPropertyAttestation                     = "S-1-18-6"
	SIDNobody                                     = SIDNull
)

// wellKnownNames maps the constants above to their [MS-DTYP] 2.4.2.4 names.
var wellKnownNames = map[string]string{
	SIDNull:                            "NULL",
	SIDEveryone:                        "EVERYONE",
	SIDLocal:                           "LOCAL",
	SIDConsoleLogon:                    "CONSOLE_LOGON",
	SIDCreatorOwner:                    "CREATOR_OWNER",
	SIDCreatorGroup:                    "CREATOR_GROUP",
	SIDOwnerServer:                     "OWNER_SERVER",
	SIDGroupServer:                     "GROUP_SERVER",
	SIDOwnerRights:                     "OWNER_RIGHTS",
	SIDNTAuthority:                     "NT_AUTHORITY",
	SIDDialup:                          "DIALUP",
	SIDNetwork:                         "NETWORK",
	SIDBatch:                           "BATCH",
	SIDInteractive:                     "INTERACTIVE",
	SIDService:                         "SERVICE",
	SIDAnonymous:                       "ANONYMOUS",
	SIDProxy:                           "PROXY",
	SIDEnterpriseDomainControllers:     "ENTERPRISE_DOMAIN_CONTROLLERS",
	SIDPrincipalSelf:                   "PRINCIPAL_SELF",
	SIDAuthenticatedUsers:              "AUTHENTICATED_USERS",
	SIDRestrictedCode:                  "RESTRICTED_CODE",
	SIDTerminalServerUser:              "TERMINAL_SERVER_USER",
	SIDRemoteInteractiveLogon:          "REMOTE_INTERACTIVE_LOGON",
	SIDThisOrganization:                "THIS_ORGANIZATION",
	SIDIUSR:                            "IUSR",
	SIDLocalSystem:                     "LOCAL_SYSTEM",
	SIDLocalService:                    "LOCAL_SERVICE",
	SIDNetworkService:                  "NETWORK_SERVICE",
	SIDCompoundedAuthentication:        "COMPOUNDED_AUTHENTICATION",
	SIDClaimsValid:                     "CLAIMS_VALID",
	SIDBuiltinAdministrators:           "BUILTIN_ADMINISTRATORS",
	SIDBuiltinUsers:                    "BUILTIN_USERS",
	SIDBuiltinGuests:                   "BUILTIN_GUESTS",
	SIDPowerUsers:                      "POWER_USERS",
	SIDAccountOperators:                "ACCOUNT_OPERATORS",
	SIDServerOperators:                 "SERVER_OPERATORS",
	SIDPrinterOperators:                "PRINTER_OPERATORS",
	SIDBackupOperators:                 "BACKUP_OPERATORS",
	SIDReplicator:                      "REPLICATOR",
	SIDAliasPreW2KCompAcc:              "ALIAS_PREW2KCOMPACC",
	SIDRemoteDesktop:                   "REMOTE_DESKTOP",
	SIDNetworkConfigurationOps:         "NETWORK_CONFIGURATION_OPS",
	SIDIncomingForestTrustBuilders:     "INCOMING_FOREST_TRUST_BUILDERS",
	SIDPerfmonUsers:                    "PERFMON_USERS",
	SIDPerflogUsers:                    "PERFLOG_USERS",
	SIDWindowsAuthorizationAccessGroup: "WINDOWS_AUTHORIZATION_ACCESS_GROUP",
	SIDTerminalServerLicenseServers:    "TERMINAL_SERVER_LICENSE_SERVERS",
	SIDDistributedCOMUsers:             "DISTRIBUTED_COM_USERS",
	SIDIISIUSRS:                        "IIS_IUSRS",
	SIDCryptographicOperators:          "CRYPTOGRAPHIC_OPERATORS",
	SIDEventLogReaders:                 "EVENT_LOG_READERS",
	SIDCertificateServiceDCOMAccess:    "CERTIFICATE_SERVICE_DCOM_ACCESS",
	SIDRDSRemoteAccessServers:          "RDS_REMOTE_ACCESS_SERVERS",
	SIDRDSEndpointServers:              "RDS_ENDPOINT_SERVERS",
	SIDRDSManagementServers:            "RDS_MANAGEMENT_SERVERS",
	SIDHyperVAdmins:                    "HYPER_V_ADMINS",
	SIDAccessControlAssistanceOps:      "ACCESS_CONTROL_ASSISTANCE_OPS",
	SIDRemoteManagementUsers:           "REMOTE_MANAGEMENT_USERS",
	SIDWriteRestrictedCode:             "WRITE_RESTRICTED_CODE",
	SIDNTLMAuthentication:              "NTLM_AUTHENTICATION",
	SIDSChannelAuthentication:          "SCHANNEL_AUTHENTICATION",
	SIDDigestAuthentication:            "DIGEST_AUTHENTICATION",
	SIDThisOrganizationCertificate:     "THIS_ORGANIZATION_CERTIFICATE",
	SIDNTService:                       "NT_SERVICE",
	SIDUserModeDrivers:                 "USER_MODE_DRIVERS",
	SIDLocalAccount:                    "LOCAL_ACCOUNT",
	SIDLocalAccountAndMemberOfAdministratorsGroup: "LOCAL_ACCOUNT_AND_MEMBER_OF_ADMINISTRATORS_GROUP",
	SIDOtherOrganization:                          "OTHER_ORGANIZATION",
	SIDAllAppPackages:                             "ALL_APP_PACKAGES",
	SIDMLUntrusted:                                "ML_UNTRUSTED",
	SIDMLLow:                                      "ML_LOW",
	SIDMLMedium:                                   "ML_MEDIUM",
	SIDMLMediumPlus:                               "ML_MEDIUM_PLUS",
	SIDMLHigh:                                     "ML_HIGH",
	SIDMLSystem:                                   "ML_SYSTEM",
	SIDMLProtectedProcess:                         "ML_PROTECTED_PROCESS",
	SIDAuthenticationAuthorityAssertedIdentity: "AUTHENTICATION_AUTHORITY_ASSERTED_IDENTITY",
	SIDServiceAssertedIdentity:                 "SERVICE_ASSERTED_IDENTITY",
	SIDFreshPublicKeyIdentity:                  "FRESH_PUBLIC_KEY_IDENTITY",
	SIDKeyTrustIdentity:                        "KEY_TRUST_IDENTITY",
	SIDKeyPropertyMFA:                          "KEY_PROPERTY_MFA",
	SIDKeyPropertyAttestation:                  "KEY_PROPERTY_ATTESTATION",
}

// domainRIDNames are the [MS-DTYP] 2.4.2.4 names of well-known accounts and
// groups relative to a domain SID S-1-5-21-<domain>-<RID>.
var domainRIDNames = map[uint32]string{
	498: "ENTERPRISE_READONLY_DOMAIN_CONTROLLERS",
	500: "ADMINISTRATOR",
	501: "GUEST",
	502: "KRBTGT",
	512: "DOMAIN_ADMINS",
	513: "DOMAIN_USERS",
	514: "DOMAIN_GUESTS",
	515: "DOMAIN_COMPUTERS",
	516: "DOMAIN_DOMAIN_CONTROLLERS",
	517: "CERT_PUBLISHERS",
	518: "SCHEMA_ADMINISTRATORS",
	519: "ENTERPRISE_ADMINS",
	520: "GROUP_POLICY_CREATOR_OWNERS",
	521: "READONLY_DOMAIN_CONTROLLERS",
	522: "CLONEABLE_CONTROLLERS",
	525: "PROTECTED_USERS",
	526: "KEY_ADMINS",
	527: "ENTERPRISE_KEY_ADMINS",
	553: "RAS_SERVERS",
	571: "ALLOWED_RODC_PASSWORD_REPLICATION_GROUP",
	572: "DENIED_RODC_PASSWORD_REPLICATION_GROUP",
}

// WellKnownName returns the [MS-DTYP] 2.4.2.4 name of a well-known SID, for
// example "EVERYONE" for S-1-1-0 or "BUILTIN_ADMINISTRATORS" for
// S-1-5-32-544, or "" when s is not one. Besides the fixed SIDs of the
// constants above it recognises the logon SIDs S-1-5-5-X-Y ("LOGON_ID") and
// the well-known accounts of a domain S-1-5-21-A-B-C-RID, such as
// "ADMINISTRATOR" (RID 500) and "DOMAIN_USERS" (RID 513).
func WellKnownName(s SID) string {
	if s.Revision != SIDRevision {
		return ""
	}
	if name, ok := wellKnownNames[s.String()]; ok {
		return name
	}
	if s.Authority() != 5 {
		return ""
	}
	subs := s.SubAuthorities
	switch {
	case len(subs) == 3 && subs[0] == 5:
		return "LOGON_ID"
	case len(subs) == 5 && subs[0] == 21:
		return domainRIDNames[subs[4]]
	}
	return ""
}
