package auth

import (
	"encoding/asn1"
	"errors"
	"fmt"
)

// SPNEGO is an SPNEGO initiator ([RFC 4178], [MS-SPNG]) that offers exactly
// one mechanism.
type SPNEGO struct {
	mech      Mechanism
	mechTypes []byte // DER of the MechTypeList we sent; the mechListMIC covers it
	state     spnegoState
}

type spnegoState int

const (
	spnegoInitial spnegoState = iota
	spnegoStarted
	spnegoStepped
	spnegoDone
	spnegoFailed
)

// NewSPNEGO returns an SPNEGO initiator around m.
func NewSPNEGO(m Mechanism) *SPNEGO { return &SPNEGO{mech: m} }

// Start returns the GSS-API InitialContextToken (OID 1.3.6.1.5.5.2)
// carrying a NegTokenInit with mechTypes = [m.OID()] and the mechanism's
// first token as mechToken.
func (s *SPNEGO) Start() ([]byte, error) {
	if s.state != spnegoInitial {
		return nil, fmt.Errorf("%w: SPNEGO Start called twice", ErrState)
	}
	s.state = spnegoFailed
	tok, err := s.mech.Start()
	if err != nil {
		return nil, err
	}
	init := NegTokenInit{MechTypes: []asn1.ObjectIdentifier{s.mech.OID()}, MechToken: tok}
	if s.mechTypes, err = appendMechTypeList(nil, init.MechTypes); err != nil {
		return nil, fmt.Errorf("auth: mechanism OID: %w", err)
	}
	out, err := init.Append(nil)
	if err != nil {
		return nil, fmt.Errorf("auth: mechanism OID: %w", err)
	}
	s.state = spnegoStarted
	return out, nil
}

// Step consumes the server's NegTokenResp from a
// STATUS_MORE_PROCESSING_REQUIRED reply and returns a NegTokenResp with the
// mechanism's next token as responseToken. Once the mechanism has a
// session key, the reply also carries mechListMIC: m.MIC over the DER of
// the mechTypes sequence sent in Start.
func (s *SPNEGO) Step(serverToken []byte) ([]byte, error) {
	if s.state != spnegoStarted && s.state != spnegoStepped {
		return nil, fmt.Errorf("%w: SPNEGO Step before Start or after Finish", ErrState)
	}
	s.state = spnegoFailed
	var resp NegTokenResp
	if err := resp.Decode(serverToken); err != nil {
		return nil, err
	}
	switch resp.NegState {
	case NegStateReject:
		return nil, ErrRejected
	case NegStateAcceptCompleted:
		return nil, tokenErr("NegTokenResp", "negState", errors.New("accept-completed on a reply that needs another leg"))
	}
	if resp.SupportedMech != nil && !resp.SupportedMech.Equal(s.mech.OID()) {
		return nil, tokenErr("NegTokenResp", "supportedMech", fmt.Errorf("server chose %v, which was not offered", resp.SupportedMech))
	}
	if len(resp.ResponseToken) == 0 {
		return nil, tokenErr("NegTokenResp", "responseToken", errors.New("missing"))
	}
	tok, err := s.mech.Step(resp.ResponseToken)
	if err != nil {
		return nil, err
	}
	out := NegTokenResp{NegState: NegStateAbsent, ResponseToken: tok}
	if s.mech.SessionKey() != nil {
		if out.MechListMIC, err = s.mech.MIC(s.mechTypes); err != nil {
			return nil, err
		}
	}
	b, err := out.Append(nil)
	if err != nil {
		return nil, err
	}
	s.state = spnegoStepped
	return b, nil
}

// Finish consumes the final server token of a STATUS_SUCCESS reply, which
// may be empty. If present, negState must be accept-completed (reject gives
// ErrRejected), a responseToken is passed to the mechanism, and a
// mechListMIC must verify with m.VerifyMIC over the mechTypes sent
// (ErrBadMIC otherwise).
func (s *SPNEGO) Finish(serverToken []byte) error {
	if s.state != spnegoStarted && s.state != spnegoStepped {
		return fmt.Errorf("%w: SPNEGO Finish before Start or twice", ErrState)
	}
	s.state = spnegoFailed
	if len(serverToken) == 0 {
		if err := s.mechDone(); err != nil {
			return err
		}
		s.state = spnegoDone
		return nil
	}
	var resp NegTokenResp
	if err := resp.Decode(serverToken); err != nil {
		return err
	}
	switch resp.NegState {
	case NegStateAbsent, NegStateAcceptCompleted:
	case NegStateReject:
		return ErrRejected
	default:
		return tokenErr("NegTokenResp", "negState", fmt.Errorf("%v in the final reply", resp.NegState))
	}
	if resp.SupportedMech != nil && !resp.SupportedMech.Equal(s.mech.OID()) {
		return tokenErr("NegTokenResp", "supportedMech", fmt.Errorf("server chose %v, which was not offered", resp.SupportedMech))
	}
	if len(resp.ResponseToken) > 0 {
		tok, err := s.mech.Step(resp.ResponseToken)
		if err != nil {
			return err
		}
		if tok != nil {
			return tokenErr("NegTokenResp", "responseToken", errors.New("mechanism wants another leg after success"))
		}
	}
	if err := s.mechDone(); err != nil {
		return err
	}
	if resp.MechListMIC != nil {
		if err := s.mech.VerifyMIC(s.mechTypes, resp.MechListMIC); err != nil {
			if errors.Is(err, ErrBadMIC) {
				return fmt.Errorf("auth: SPNEGO mechListMIC: %w", err)
			}
			return err
		}
	}
	s.state = spnegoDone
	return nil
}

// SessionKey returns the mechanism's session key.
func (s *SPNEGO) SessionKey() []byte { return s.mech.SessionKey() }

// Done reports whether Finish has succeeded (Completer).
func (s *SPNEGO) Done() bool { return s.state == spnegoDone }

// mechDone fails if the mechanism says it has not finished its exchange:
// the server reported success before the client authenticated.
func (s *SPNEGO) mechDone() error {
	if c, ok := s.mech.(Completer); ok && !c.Done() {
		return fmt.Errorf("%w (mechanism %v)", ErrIncomplete, s.mech.OID())
	}
	return nil
}

// ParseNegTokenInit returns the mechTypes of the server's hint, the
// NegTokenInit2 in the SMB NEGOTIATE response security buffer. An empty
// buffer (the server sent no hint) gives nil, nil.
func ParseNegTokenInit(b []byte) (mechTypes []asn1.ObjectIdentifier, err error) {
	if len(b) == 0 {
		return nil, nil
	}
	var t NegTokenInit
	if err := t.Decode(b); err != nil {
		return nil, err
	}
	return t.MechTypes, nil
}
