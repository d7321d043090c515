package smbcrypto

import "errors"

// ErrBadSignature is returned by Signer.Verify when a message's signature
// does not match. Per [MS-SMB2] 3.2.5.1.3 the receiver must discard such a
// message; the caller decides whether that ends the connection.
var ErrBadSignature = errors.New("smbcrypto: bad message signature")

// ErrDecrypt is returned when an encrypted message fails authentication:
// its tag does not match the key, nonce, header and ciphertext. No plaintext
// is released when it is returned.
var ErrDecrypt = errors.New("smbcrypto: message authentication failed")

// ErrShortMessage is returned by Signer.Sign and Signer.Verify for a message
// shorter than the 64-byte SMB2 header.
var ErrShortMessage = errors.New("smbcrypto: message shorter than the SMB2 header")

// ErrMalformedTransform is wrapped by every *TransformError.
var ErrMalformedTransform = errors.New("smbcrypto: malformed SMB2 TRANSFORM_HEADER")

// ErrOverlap is returned when an output buffer overlaps an input in a way
// the operation cannot handle (anything but the documented in-place forms).
var ErrOverlap = errors.New("smbcrypto: invalid buffer overlap")

// ErrNonceExhausted is returned by Encryptor.Seal once the Encryptor has used
// up its nonce space (2^63 messages); the session must be re-keyed.
var ErrNonceExhausted = errors.New("smbcrypto: nonce space exhausted")

// ErrMessageTooLarge is returned by Encryptor.Seal for a message whose size
// does not fit the 32-bit OriginalMessageSize field.
var ErrMessageTooLarge = errors.New("smbcrypto: message too large to encrypt")

// TransformError reports a received frame whose SMB2 TRANSFORM_HEADER
// ([MS-SMB2] 2.2.41) is malformed. It wraps ErrMalformedTransform.
type TransformError struct {
	Field  string // header field at fault, for example "ProtocolId"
	Reason string
}

func (e *TransformError) Error() string {
	return "smbcrypto: transform header: " + e.Field + ": " + e.Reason
}

// Unwrap returns ErrMalformedTransform.
func (e *TransformError) Unwrap() error { return ErrMalformedTransform }
