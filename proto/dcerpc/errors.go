package dcerpc

import (
	"fmt"
	"io/fs"
)

// FaultError is a call the server failed with a fault PDU. Status is an
// nca_s code from [C706] appendix E or, from Windows and Samba, often a
// Win32 error ([MS-RPCE] 3.1.1.5.5); FaultName names the common ones.
type FaultError struct {
	Status uint32
}

func (e *FaultError) Error() string {
	return fmt.Sprintf("dcerpc: fault %s (0x%08X)", FaultName(e.Status), e.Status)
}

// Is makes errors.Is(err, fs.ErrPermission) true for an access-denied fault.
func (e *FaultError) Is(target error) bool {
	return target == fs.ErrPermission && e.Status == FaultAccessDenied
}

// Fault status codes. See [C706] appendix E and [MS-RPCE] 3.1.1.5.5.
const (
	FaultAccessDenied        = 0x00000005 // ERROR_ACCESS_DENIED, as Windows sends it
	FaultUnknownIf           = 0x000006B5 // RPC_S_UNKNOWN_IF
	FaultServerUnavailable   = 0x000006BA // RPC_S_SERVER_UNAVAILABLE
	FaultNoCallActive        = 0x000006BD // RPC_S_NO_CALL_ACTIVE
	FaultCallFailed          = 0x000006BE // RPC_S_CALL_FAILED
	FaultProcnumOutOfRange   = 0x000006D1 // RPC_S_PROCNUM_OUT_OF_RANGE
	FaultCantPerform         = 0x000006D8 // EPT_S_CANT_PERFORM_OP
	FaultBadStubData         = 0x000006F7 // RPC_X_BAD_STUB_DATA
	FaultSecPkgError         = 0x00000721 // RPC_S_SEC_PKG_ERROR
	NcaIntDivByZero          = 0x1C000001 // nca_s_fault_int_div_by_zero
	NcaAddrError             = 0x1C000002 // nca_s_fault_addr_error
	NcaFPDivZero             = 0x1C000003 // nca_s_fault_fp_div_zero
	NcaFPUnderflow           = 0x1C000004 // nca_s_fault_fp_underflow
	NcaFPOverflow            = 0x1C000005 // nca_s_fault_fp_overflow
	NcaInvalidTag            = 0x1C000006 // nca_s_fault_invalid_tag
	NcaInvalidBound          = 0x1C000007 // nca_s_fault_invalid_bound
	NcaRPCVersionMismatch    = 0x1C000008 // nca_s_rpc_version_mismatch
	NcaUnspecReject          = 0x1C000009 // nca_s_unspec_reject
	NcaBadActID              = 0x1C00000A // nca_s_bad_actid
	NcaWhoAreYouFailed       = 0x1C00000B // nca_s_who_are_you_failed
	NcaManagerNotEntered     = 0x1C00000C // nca_s_manager_not_entered
	NcaCancel                = 0x1C00000D // nca_s_fault_cancel
	NcaIllInst               = 0x1C00000E // nca_s_fault_ill_inst
	NcaFPError               = 0x1C00000F // nca_s_fault_fp_error
	NcaIntOverflow           = 0x1C000010 // nca_s_fault_int_overflow
	NcaUnspec                = 0x1C000012 // nca_s_fault_unspec
	NcaRemoteCommFailure     = 0x1C000013 // nca_s_fault_remote_comm_failure
	NcaPipeEmpty             = 0x1C000014 // nca_s_fault_pipe_empty
	NcaPipeClosed            = 0x1C000015 // nca_s_fault_pipe_closed
	NcaPipeOrder             = 0x1C000016 // nca_s_fault_pipe_order
	NcaPipeDiscipline        = 0x1C000017 // nca_s_fault_pipe_discipline
	NcaPipeCommError         = 0x1C000018 // nca_s_fault_pipe_comm_error
	NcaPipeMemory            = 0x1C000019 // nca_s_fault_pipe_memory
	NcaContextMismatch       = 0x1C00001A // nca_s_fault_context_mismatch
	NcaRemoteNoMemory        = 0x1C00001B // nca_s_fault_remote_no_memory
	NcaInvalidPresContextID  = 0x1C00001C // nca_s_invalid_pres_context_id
	NcaUnsupportedAuthnLevel = 0x1C00001D // nca_s_unsupported_authn_level
	NcaInvalidChecksum       = 0x1C00001F // nca_s_invalid_checksum
	NcaInvalidCRC            = 0x1C000020 // nca_s_invalid_crc
	NcaUserDefined           = 0x1C000021 // nca_s_fault_user_defined
	NcaTxOpenFailed          = 0x1C000022 // nca_s_fault_tx_open_failed
	NcaCodesetConvError      = 0x1C000023 // nca_s_fault_codeset_conv_error
	NcaObjectNotFound        = 0x1C000024 // nca_s_fault_object_not_found
	NcaNoClientStub          = 0x1C000025 // nca_s_fault_no_client_stub
	NcaCommFailure           = 0x1C010001 // nca_s_comm_failure
	NcaOpRangeError          = 0x1C010002 // nca_s_op_rng_error: no such opnum
	NcaUnknownIf             = 0x1C010003 // nca_s_unk_if: interface not bound
	NcaWrongBootTime         = 0x1C010006 // nca_s_wrong_boot_time
	NcaYouCrashed            = 0x1C010009 // nca_s_you_crashed
	NcaProtoError            = 0x1C01000B // nca_s_proto_error
	NcaOutArgsTooBig         = 0x1C010013 // nca_s_out_args_too_big
	NcaServerTooBusy         = 0x1C010014 // nca_s_server_too_busy
	NcaFaultStringTooLong    = 0x1C010015 // nca_s_fault_string_too_long
	NcaUnsupportedType       = 0x1C010017 // nca_s_unsupported_type
)

var faultNames = map[uint32]string{
	FaultAccessDenied:        "ERROR_ACCESS_DENIED",
	FaultUnknownIf:           "RPC_S_UNKNOWN_IF",
	FaultServerUnavailable:   "RPC_S_SERVER_UNAVAILABLE",
	FaultNoCallActive:        "RPC_S_NO_CALL_ACTIVE",
	FaultCallFailed:          "RPC_S_CALL_FAILED",
	FaultProcnumOutOfRange:   "RPC_S_PROCNUM_OUT_OF_RANGE",
	FaultCantPerform:         "EPT_S_CANT_PERFORM_OP",
	FaultBadStubData:         "RPC_X_BAD_STUB_DATA",
	FaultSecPkgError:         "RPC_S_SEC_PKG_ERROR",
	NcaIntDivByZero:          "nca_s_fault_int_div_by_zero",
	NcaAddrError:             "nca_s_fault_addr_error",
	NcaFPDivZero:             "nca_s_fault_fp_div_zero",
	NcaFPUnderflow:           "nca_s_fault_fp_underflow",
	NcaFPOverflow:            "nca_s_fault_fp_overflow",
	NcaInvalidTag:            "nca_s_fault_invalid_tag",
	NcaInvalidBound:          "nca_s_fault_invalid_bound",
	NcaRPCVersionMismatch:    "nca_s_rpc_version_mismatch",
	NcaUnspecReject:          "nca_s_unspec_reject",
	NcaBadActID:              "nca_s_bad_actid",
	NcaWhoAreYouFailed:       "nca_s_who_are_you_failed",
	NcaManagerNotEntered:     "nca_s_manager_not_entered",
	NcaCancel:                "nca_s_fault_cancel",
	NcaIllInst:               "nca_s_fault_ill_inst",
	NcaFPError:               "nca_s_fault_fp_error",
	NcaIntOverflow:           "nca_s_fault_int_overflow",
	NcaUnspec:                "nca_s_fault_unspec",
	NcaRemoteCommFailure:     "nca_s_fault_remote_comm_failure",
	NcaPipeEmpty:             "nca_s_fault_pipe_empty",
	NcaPipeClosed:            "nca_s_fault_pipe_closed",
	NcaPipeOrder:             "nca_s_fault_pipe_order",
	NcaPipeDiscipline:        "nca_s_fault_pipe_discipline",
	NcaPipeCommError:         "nca_s_fault_pipe_comm_error",
	NcaPipeMemory:            "nca_s_fault_pipe_memory",
	NcaContextMismatch:       "nca_s_fault_context_mismatch",
	NcaRemoteNoMemory:        "nca_s_fault_remote_no_memory",
	NcaInvalidPresContextID:  "nca_s_invalid_pres_context_id",
	NcaUnsupportedAuthnLevel: "nca_s_unsupported_authn_level",
	NcaInvalidChecksum:       "nca_s_invalid_checksum",
	NcaInvalidCRC:            "nca_s_invalid_crc",
	NcaUserDefined:           "nca_s_fault_user_defined",
	NcaTxOpenFailed:          "nca_s_fault_tx_open_failed",
	NcaCodesetConvError:      "nca_s_fault_codeset_conv_error",
	NcaObjectNotFound:        "nca_s_fault_object_not_found",
	NcaNoClientStub:          "nca_s_fault_no_client_stub",
	NcaCommFailure:           "nca_s_comm_failure",
	NcaOpRangeError:          "nca_s_op_rng_error",
	NcaUnknownIf:             "nca_s_unk_if",
	NcaWrongBootTime:         "nca_s_wrong_boot_time",
	NcaYouCrashed:            "nca_s_you_crashed",
	NcaProtoError:            "nca_s_proto_error",
	NcaOutArgsTooBig:         "nca_s_out_args_too_big",
	NcaServerTooBusy:         "nca_s_server_too_busy",
	NcaFaultStringTooLong:    "nca_s_fault_string_too_long",
	NcaUnsupportedType:       "nca_s_unsupported_type",
}

// FaultName returns the spec name of a fault status, or "unknown".
func FaultName(status uint32) string {
	if s, ok := faultNames[status]; ok {
		return s
	}
	return "unknown"
}

// WindowsError is a non-zero WERROR (NET_API_STATUS) returned by a call
// that ran, such as NetrShareEnum. See [MS-ERREF] 2.2 and [MS-SRVS] 3.1.4.8.
type WindowsError struct {
	Code uint32
}

func (e *WindowsError) Error() string {
	return fmt.Sprintf("dcerpc: WERROR %s (0x%08X)", WErrorName(e.Code), e.Code)
}

// Is makes errors.Is(err, fs.ErrPermission) true for ERROR_ACCESS_DENIED.
func (e *WindowsError) Is(target error) bool {
	return target == fs.ErrPermission && e.Code == ErrorAccessDenied
}

// WERROR codes NetrShareEnum returns. See [MS-ERREF] 2.2 and [MS-SRVS] 3.1.4.8.
const (
	ErrorSuccess          = 0    // ERROR_SUCCESS
	ErrorAccessDenied     = 5    // ERROR_ACCESS_DENIED
	ErrorNotEnoughMemory  = 8    // ERROR_NOT_ENOUGH_MEMORY
	ErrorNotSupported     = 50   // ERROR_NOT_SUPPORTED
	ErrorBadNetpath       = 53   // ERROR_BAD_NETPATH
	ErrorInvalidParameter = 87   // ERROR_INVALID_PARAMETER
	ErrorInvalidName      = 123  // ERROR_INVALID_NAME
	ErrorInvalidLevel     = 124  // ERROR_INVALID_LEVEL
	ErrorMoreData         = 234  // ERROR_MORE_DATA: the reply holds part of the list
	NerrBufTooSmall       = 2123 // NERR_BufTooSmall
	NerrNetNameNotFound   = 2310 // NERR_NetNameNotFound
)

var werrorNames = map[uint32]string{
	ErrorSuccess:          "ERROR_SUCCESS",
	ErrorAccessDenied:     "ERROR_ACCESS_DENIED",
	ErrorNotEnoughMemory:  "ERROR_NOT_ENOUGH_MEMORY",
	ErrorNotSupported:     "ERROR_NOT_SUPPORTED",
	ErrorBadNetpath:       "ERROR_BAD_NETPATH",
	ErrorInvalidParameter: "ERROR_INVALID_PARAMETER",
	ErrorInvalidName:      "ERROR_INVALID_NAME",
	ErrorInvalidLevel:     "ERROR_INVALID_LEVEL",
	ErrorMoreData:         "ERROR_MORE_DATA",
	NerrBufTooSmall:       "NERR_BufTooSmall",
	NerrNetNameNotFound:   "NERR_NetNameNotFound",
}

// WErrorName returns the spec name of a WERROR code, or "unknown".
func WErrorName(code uint32) string {
	if s, ok := werrorNames[code]; ok {
		return s
	}
	return "unknown"
}

// BindRejectedError is a bind_ack that did not accept the presentation
// context.
type BindRejectedError struct {
	Result ContextResult
	Reason ProviderReason
}

func (e *BindRejectedError) Error() string {
	return fmt.Sprintf("dcerpc: bind_ack: presentation context not accepted: %s (%s)", e.Result, e.Reason)
}

// BindNakError is a bind refused with a bind_nak.
type BindNakError struct {
	Reason RejectReason
}

func (e *BindNakError) Error() string {
	return fmt.Sprintf("dcerpc: bind_nak: %s", e.Reason)
}
