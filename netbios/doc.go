// Package netbios implements the parts of NetBIOS over TCP/UDP (RFC 1001,
// RFC 1002) that an SMB client needs:
//
//   - framing of SMB messages, shared by direct TCP on port 445 ([MS-SMB2]
//     2.1: a zero byte and a 24-bit big-endian length) and the NetBIOS
//     session service on port 139 (RFC 1002 4.3.1: a type byte, a flags byte
//     whose low bit extends the 16-bit length to 17 bits);
//   - first- and second-level NetBIOS name encoding (RFC 1001 14.1,
//     RFC 1002 4.1);
//   - the session service handshake for port 139 (RFC 1002 4.3.2–4.3.5).
//
// The codecs do no I/O and never panic on hostile input; FrameReader and
// SessionRequest do the I/O on a reader or net.Conn the caller supplies.
package netbios
