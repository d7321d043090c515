// Package smbcrypto holds the cryptography of SMB 2 and 3: AES-CMAC
// (RFC 4493), AES-CCM (NIST SP 800-38C), the SP 800-108 key derivation
// function and the SMB key schedule built on it ([MS-SMB2] 3.1.4.2,
// 3.2.5.3.1), message signing and verification ([MS-SMB2] 3.1.4.1, 3.1.5.1),
// encryption with the SMB2 TRANSFORM_HEADER ([MS-SMB2] 2.2.41, 3.1.4.3) and
// the SMB 3.1.1 preauthentication integrity hash ([MS-SMB2] 3.2.5.2).
//
// Everything here is a pure function or a small type without I/O. The types
// that hold keys (Signer, Encryptor, Decryptor) are safe for concurrent use:
// their per-call scratch state comes from sync.Pools, never from shared
// fields.
//
// AES-GCM and HMAC-SHA256 come from the standard library. AES-CMAC and the
// CBC-MAC half of AES-CCM are written here on top of crypto/cipher's CBC
// encrypter, which is fed large chunks so that the per-block work stays in
// the standard library's AES code rather than in a Go loop of this package.
package smbcrypto
