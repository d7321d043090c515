// Package netbios implements the parts of NetBIOS over TCP/UDP (RFC 1001,
// RFC 1002) that an SMB client needs:
//
//   - framing of SMB messages, shared by direct TCP on port 445 ([MS-SMB2]
//     2.1: a zero byte and a 24-bit big-endian length) and the NetBIOS
//     session service on port 139 (RFC 1002 4.3.1: a type byte, a flags byte
//     whose low bit extends the 16-bit length to 17 bits);
//   - first- and second-level NetBIOS name encoding (RFC 1001 14.1,
//     RFC 1002 4.1);
//   - the session service handshake for port 139 (RFC 1002 4.3.2–4.3.5);
//   - the name service (RFC 1002 4.2): codecs for NAME QUERY and NODE
//     STATUS requests and responses, one struct per message with Size,
//     Append and Decode, and NameService, a client that resolves names
//     (unicast or broadcast) and lists a host's names over one UDP socket.
//
// The codecs do no I/O and never panic on hostile input; FrameReader,
// SessionRequest and NameService do the I/O on a reader, net.Conn or
// net.PacketConn the caller supplies (NameService can also open its own).
package netbios
