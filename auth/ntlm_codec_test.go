package auth

import (
	"bytes"
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type ntlmCodec interface {
	appender
	Decode([]byte) error
}

// Every NTLM message: len(Append(nil)) == Size(), Decode(Append(m)) == m,
// and every proper prefix of a message with payload fails to decode.
func TestNTLMCodecs(t *testing.T) {
	for _, tc := range []struct {
		name   string
		m, out ntlmCodec
		short  []int // prefix lengths that are themselves valid messages
	}{
		{"negotiate", &NegotiateMessage{Flags: clientFlags, Version: clientVersion}, &NegotiateMessage{}, []int{16, 32}},
		{"negotiate supplied", &NegotiateMessage{Flags: FlagOEMDomainSupplied | FlagOEMWorkstationSupplied,
			DomainName: []byte("DOM"), Workstation: []byte("WKS")}, &NegotiateMessage{}, []int{16}},
		{"challenge", &ChallengeMessage{TargetName: utf16le("SRV"), Flags: FlagUnicode | FlagTargetInfo | FlagVersion,
			ServerChallenge: [8]byte{1, 2, 3, 4, 5, 6, 7, 8}, TargetInfo: AppendAVPairs(nil, []AVPair{{AvNbComputerName, utf16le("SRV")}}),
			Version: Version{10, 0, 1, 15}}, &ChallengeMessage{}, nil},
		{"authenticate", &AuthenticateMessage{LmChallengeResponse: make([]byte, 24), NtChallengeResponse: bytes.Repeat([]byte{1}, 60),
			DomainName: utf16le("D"), UserName: utf16le("U"), Workstation: utf16le("W"),
			EncryptedRandomSessionKey: bytes.Repeat([]byte{2}, 16), Flags: clientFlags, Version: clientVersion,
			MIC: bytes.Repeat([]byte{3}, 16)}, &AuthenticateMessage{}, nil},
		{"authenticate no MIC", &AuthenticateMessage{LmChallengeResponse: []byte{0}, Flags: FlagUnicode | FlagVersion,
			Version: clientVersion, UserName: utf16le("U")}, &AuthenticateMessage{}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := mustAppend(t, tc.m)
			if len(b) != tc.m.Size() {
				t.Errorf("Size %d, Append %d", tc.m.Size(), len(b))
			}
			if err := tc.out.Decode(b); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.m, tc.out); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
			for i := range len(b) {
				err := tc.out.Decode(b[:i])
				switch {
				case slices.Contains(tc.short, i):
					if err != nil {
						t.Errorf("valid short form of %d bytes: %v", i, err)
					}
				case !errors.Is(err, ErrMalformedToken):
					t.Errorf("prefix %d of %d: %v", i, len(b), err)
				}
			}
		})
	}
}

// The spec CHALLENGE: every proper prefix must fail to decode, since it
// sets NEGOTIATE_TARGET_INFO and its payload ends the message.
func TestChallengeSpecPrefixes(t *testing.T) {
	b := unhex(t, specChallengeV2)
	var m ChallengeMessage
	if err := m.Decode(b); err != nil {
		t.Fatal(err)
	}
	for i := range len(b) {
		if err := m.Decode(b[:i]); !errors.Is(err, ErrMalformedToken) {
			t.Fatalf("prefix %d: %v", i, err)
		}
	}
}

func TestChallengeDecodeErrors(t *testing.T) {
	good := unhex(t, specChallengeV2)
	for name, mod := range map[string]func([]byte){
		"signature":       func(b []byte) { b[0] = 'X' },
		"type":            func(b []byte) { b[8] = 3 },
		"target name off": func(b []byte) { b[16] = 0xff; b[17] = 0xff; b[18] = 0xff; b[19] = 0xff },
		"target info len": func(b []byte) { b[40] = 0xff; b[41] = 0xff },
		"offset overflow": func(b []byte) { b[44], b[45], b[46], b[47] = 0xff, 0xff, 0xff, 0xff },
	} {
		b := bytes.Clone(good)
		mod(b)
		var m ChallengeMessage
		err := m.Decode(b)
		var te *TokenError
		if !errors.As(err, &te) || !errors.Is(err, ErrMalformedToken) {
			t.Errorf("%s: %v", name, err)
		}
	}
	// A 32-byte CHALLENGE without TargetInfo (old servers) is accepted.
	short := bytes.Clone(good[:32])
	short[22] &^= byte(FlagTargetInfo >> 16)
	short[23] &^= byte(FlagVersion >> 24)
	short[12], short[13] = 0, 0 // no TargetName
	var m ChallengeMessage
	if err := m.Decode(short); err != nil {
		t.Fatalf("short CHALLENGE: %v", err)
	}
}

func TestAVPairs(t *testing.T) {
	pairs, err := ParseAVPairs(unhex(t, specTargetInfo))
	if err != nil {
		t.Fatal(err)
	}
	want := []AVPair{{AvNbDomainName, utf16le("Domain")}, {AvNbComputerName, utf16le("Server")}}
	if diff := cmp.Diff(want, pairs); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	checkHex(t, "re-encoded", AppendAVPairs(nil, pairs), specTargetInfo)
	for name, h := range map[string]string{
		"empty":         "",
		"no eol":        "01000200aa00",
		"short value":   "01000a00aa00",
		"short header":  "0100",
		"bad flags len": "06000200000000000000",
		"bad stamp len": "0700040000000000 00000000",
	} {
		if _, err := ParseAVPairs(unhex(t, h)); !errors.Is(err, ErrMalformedToken) {
			t.Errorf("%s: %v", name, err)
		}
	}
	got := withMICFlag([]AVPair{{AvFlags, []byte{1, 0, 0, 0}}})
	checkHex(t, "MsvAvFlags OR-ed", got[0].Value, "03000000")
	if AvTimestamp.String() != "MsvAvTimestamp" || AvID(99).String() != "AvId(0x63)" {
		t.Error("AvID.String")
	}
}

func TestNegotiateFlagsString(t *testing.T) {
	if got := (FlagUnicode | FlagKeyExch | 0x100).String(); got != "NTLMSSP_NEGOTIATE_UNICODE|NTLMSSP_NEGOTIATE_KEY_EXCH|0x100" {
		t.Errorf("String = %q", got)
	}
	if NegotiateFlags(0).String() != "0" {
		t.Error("zero")
	}
	if clientFlags != 0xe2888235 {
		t.Errorf("clientFlags = %#x, want 0xe2888235 (the AUTHENTICATE flags of MS-NLMP 4.2.4.3)", uint32(clientFlags))
	}
}
