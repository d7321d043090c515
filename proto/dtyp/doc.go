// Package dtyp implements the Windows security data types of [MS-DTYP] that
// SMB uses to query and set security descriptors (SMB2 QUERY_INFO and
// SET_INFO with SMB2_0_INFO_SECURITY, SMB1 NT_TRANSACT_QUERY_SECURITY_DESC):
// the security identifier (SID, 2.4.2), the access control entry (ACE, 2.4.4),
// the access control list (ACL, 2.4.5) and the self-relative security
// descriptor (2.4.6), plus the SECURITY_INFORMATION flags (2.4.7) and the
// well-known SIDs of 2.4.2.4.
//
// Every type has the same method set as the wire codecs in proto/smb2:
// Size, Append and Decode. The package-level DecodeSID, DecodeACE, DecodeACL
// and DecodeSecurityDescriptor functions also report how many bytes a
// variable-length value used. Decoders never panic: every error they return
// starts with "dtyp: " and wraps ErrShort (the buffer ends too early) or
// ErrMalformed (a field breaks a rule of the format).
//
// Decoding is as strict as the format needs to be walked safely and no
// stricter. Where [MS-DTYP] says MUST about a value that does not affect
// parsing (an ACL revision, an AceSize that is not a multiple of 4, the
// revision of a SID inside an ACE), the value is kept as received so that a
// server's descriptor can still be shown. ACEs of types this package does not
// know are kept as raw bytes rather than failing the whole descriptor.
package dtyp
