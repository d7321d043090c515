package auth

import (
	"strconv"
	"strings"
)

// NegotiateFlags is the NTLMSSP NegotiateFlags field. See [MS-NLMP] 2.2.2.5.
type NegotiateFlags uint32

// NegotiateFlags values. String prints the spec names.
const (
	FlagUnicode                 NegotiateFlags = 0x00000001 // NTLMSSP_NEGOTIATE_UNICODE
	FlagOEM                     NegotiateFlags = 0x00000002 // NTLM_NEGOTIATE_OEM
	FlagRequestTarget           NegotiateFlags = 0x00000004 // NTLMSSP_REQUEST_TARGET
	FlagSign                    NegotiateFlags = 0x00000010 // NTLMSSP_NEGOTIATE_SIGN
	FlagSeal                    NegotiateFlags = 0x00000020 // NTLMSSP_NEGOTIATE_SEAL
	FlagDatagram                NegotiateFlags = 0x00000040 // NTLMSSP_NEGOTIATE_DATAGRAM
	FlagLMKey                   NegotiateFlags = 0x00000080 // NTLMSSP_NEGOTIATE_LM_KEY
	FlagNTLM                    NegotiateFlags = 0x00000200 // NTLMSSP_NEGOTIATE_NTLM
	FlagAnonymous               NegotiateFlags = 0x00000800 // NTLMSSP_NEGOTIATE_ANONYMOUS
	FlagOEMDomainSupplied       NegotiateFlags = 0x00001000 // NTLMSSP_NEGOTIATE_OEM_DOMAIN_SUPPLIED
	FlagOEMWorkstationSupplied  NegotiateFlags = 0x00002000 // NTLMSSP_NEGOTIATE_OEM_WORKSTATION_SUPPLIED
	FlagAlwaysSign              NegotiateFlags = 0x00008000 // NTLMSSP_NEGOTIATE_ALWAYS_SIGN
	FlagTargetTypeDomain        NegotiateFlags = 0x00010000 // NTLMSSP_TARGET_TYPE_DOMAIN
	FlagTargetTypeServer        NegotiateFlags = 0x00020000 // NTLMSSP_TARGET_TYPE_SERVER
	FlagExtendedSessionSecurity NegotiateFlags = 0x00080000 // NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY
	FlagIdentify                NegotiateFlags = 0x00100000 // NTLMSSP_NEGOTIATE_IDENTIFY
	FlagRequestNonNTSessionKey  NegotiateFlags = 0x00400000 // NTLMSSP_REQUEST_NON_NT_SESSION_KEY
	FlagTargetInfo              NegotiateFlags = 0x00800000 // NTLMSSP_NEGOTIATE_TARGET_INFO
	FlagVersion                 NegotiateFlags = 0x02000000 // NTLMSSP_NEGOTIATE_VERSION
	Flag128                     NegotiateFlags = 0x20000000 // NTLMSSP_NEGOTIATE_128
	FlagKeyExch                 NegotiateFlags = 0x40000000 // NTLMSSP_NEGOTIATE_KEY_EXCH
	Flag56                      NegotiateFlags = 0x80000000 // NTLMSSP_NEGOTIATE_56
)

var flagNames = []struct {
	f    NegotiateFlags
	name string
}{
	{FlagUnicode, "NTLMSSP_NEGOTIATE_UNICODE"},
	{FlagOEM, "NTLM_NEGOTIATE_OEM"},
	{FlagRequestTarget, "NTLMSSP_REQUEST_TARGET"},
	{FlagSign, "NTLMSSP_NEGOTIATE_SIGN"},
	{FlagSeal, "NTLMSSP_NEGOTIATE_SEAL"},
	{FlagDatagram, "NTLMSSP_NEGOTIATE_DATAGRAM"},
	{FlagLMKey, "NTLMSSP_NEGOTIATE_LM_KEY"},
	{FlagNTLM, "NTLMSSP_NEGOTIATE_NTLM"},
	{FlagAnonymous, "NTLMSSP_NEGOTIATE_ANONYMOUS"},
	{FlagOEMDomainSupplied, "NTLMSSP_NEGOTIATE_OEM_DOMAIN_SUPPLIED"},
	{FlagOEMWorkstationSupplied, "NTLMSSP_NEGOTIATE_OEM_WORKSTATION_SUPPLIED"},
	{FlagAlwaysSign, "NTLMSSP_NEGOTIATE_ALWAYS_SIGN"},
	{FlagTargetTypeDomain, "NTLMSSP_TARGET_TYPE_DOMAIN"},
	{FlagTargetTypeServer, "NTLMSSP_TARGET_TYPE_SERVER"},
	{FlagExtendedSessionSecurity, "NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY"},
	{FlagIdentify, "NTLMSSP_NEGOTIATE_IDENTIFY"},
	{FlagRequestNonNTSessionKey, "NTLMSSP_REQUEST_NON_NT_SESSION_KEY"},
	{FlagTargetInfo, "NTLMSSP_NEGOTIATE_TARGET_INFO"},
	{FlagVersion, "NTLMSSP_NEGOTIATE_VERSION"},
	{Flag128, "NTLMSSP_NEGOTIATE_128"},
	{FlagKeyExch, "NTLMSSP_NEGOTIATE_KEY_EXCH"},
	{Flag56, "NTLMSSP_NEGOTIATE_56"},
}

// String returns the set flags by their spec names joined with "|", with
// any unnamed bits in hex.
func (f NegotiateFlags) String() string {
	if f == 0 {
		return "0"
	}
	var parts []string
	for _, n := range flagNames {
		if f&n.f != 0 {
			parts = append(parts, n.name)
			f &^= n.f
		}
	}
	if f != 0 {
		parts = append(parts, "0x"+strconv.FormatUint(uint64(f), 16))
	}
	return strings.Join(parts, "|")
}

// Has reports whether all bits of g are set in f.
func (f NegotiateFlags) Has(g NegotiateFlags) bool { return f&g == g }

// clientFlags are the flags this client asks for in NEGOTIATE_MESSAGE.
const clientFlags = FlagUnicode | FlagRequestTarget | FlagNTLM | FlagAlwaysSign |
	FlagExtendedSessionSecurity | FlagTargetInfo | FlagVersion | Flag128 |
	FlagKeyExch | Flag56 | FlagSign | FlagSeal
