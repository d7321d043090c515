// Package auth produces the client-side security tokens that SMB
// SESSION_SETUP carries: NTLMSSP ([MS-NLMP]) wrapped in SPNEGO ([RFC 4178],
// [MS-SPNG]).
//
// The usual flow, driven by the engine:
//
//	ntlm, err := auth.NewNTLM(auth.NTLMConfig{User: "alice", Password: "pw"})
//	sp := auth.NewSPNEGO(ntlm)
//	tok, err := sp.Start()          // SESSION_SETUP #1 security buffer
//	// server answers STATUS_MORE_PROCESSING_REQUIRED with a NegTokenResp
//	tok, err = sp.Step(serverTok)    // SESSION_SETUP #2 security buffer
//	// server answers STATUS_SUCCESS, maybe with a final NegTokenResp
//	err = sp.Finish(finalTok)
//	key := sp.SessionKey()           // input to SMB signing key derivation
//
// What follows MS-NLMP rather than pysmb: NTLMv2 uses the server's
// MsvAvTimestamp (falling back to the local clock only when there is none),
// an 8-byte client challenge from crypto/rand, the full temp blob with its
// Z(4) fields, MsvAvFlags with the MIC bit and a MIC over all three NTLM
// messages, and key exchange (a random exported session key) whenever the
// server agrees to NTLMSSP_NEGOTIATE_KEY_EXCH. NTLMv1 is opt-in and is only
// done with extended session security.
//
// Tokens from the server are untrusted: every decoder here returns an error
// (one that matches [ErrMalformedToken] with errors.Is) and never panics.
// The NTLM and SPNEGO values are not safe for concurrent use; one session
// setup drives them from one goroutine.
//
// Message codecs ([NegotiateMessage], [ChallengeMessage],
// [AuthenticateMessage], [NegTokenInit], [NegTokenResp]) work in both
// directions so that test servers can reuse them.
//
// [MS-NLMP]: https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-nlmp/
// [MS-SPNG]: https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-spng/
// [RFC 4178]: https://www.rfc-editor.org/rfc/rfc4178
package auth
