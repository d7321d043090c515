// Package dcerpc is a codec for the connection-oriented DCE/RPC protocol as
// Windows and Samba speak it over SMB named pipes, and for the one call the
// SMB layer makes through it: srvsvc NetrShareEnum (listing shares).
//
// The package does no I/O. The SMB layer opens the `srvsvc` pipe on IPC$,
// writes the PDUs built here (SMB2 WRITE, or FSCTL_PIPE_TRANSCEIVE) and
// feeds every PDU it reads back to the decoders:
//
//	bind, _ := dcerpc.NewBind(1, dcerpc.SrvsvcSyntax).Append(nil)
//	// write bind, read reply
//	ack, err := dcerpc.DecodeBindReply(reply) // *BindNakError, *BindRejectedError, *FaultError
//	stub := dcerpc.EncodeNetrShareEnumRequest(host, 1, dcerpc.MaxPreferredLength)
//	frags, _ := dcerpc.SplitRequest(2, 0, dcerpc.OpnumNetrShareEnum, stub, int(ack.MaxRecvFrag))
//	// write each fragment, then read PDUs until the reassembler is done
//	r := dcerpc.NewReassembler(2, 0)
//	done, err := r.Add(pdu) // *FaultError for a FAULT PDU
//	shares, err := dcerpc.DecodeNetrShareEnumResponse(r.Stub()) // *WindowsError for a non-zero WERROR
//
// Every PDU type has one struct with the same method set as the SMB2 codec:
// Size, Append and Decode. Append writes the whole PDU, common header
// included, with frag_length set to Size(); Decode takes a whole PDU and
// checks its common header. Decoders never panic on hostile input: every
// count and length is checked against the bytes that remain before anything
// is allocated, and truncation errors wrap ErrShort.
//
// Specifications: [C706] DCE 1.1 RPC chapter 12 (connection-oriented PDUs)
// and chapter 14 (NDR); [MS-RPCE] 2.2.2 (extensions); [MS-SRVS] 3.1.4.8
// (NetrShareEnum) and 2.2.4 (SHARE_INFO_1, SHARE_ENUM_STRUCT).
//
// Authenticated PDUs (auth_length != 0) are not supported: share listing
// over an SMB pipe binds without an RPC security provider, the SMB session
// already authenticates and signs or encrypts the transport.
package dcerpc
