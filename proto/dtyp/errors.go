package dtyp

import (
	"errors"
	"fmt"
)

var (
	// ErrShort is wrapped by every decode error caused by a buffer that ends
	// before the structure does.
	ErrShort = errors.New("dtyp: data too short")

	// ErrMalformed is wrapped by every decode error caused by a field whose
	// value the format does not allow (a count above its maximum, an offset
	// into the header, a size smaller than the fixed fields it covers), and by
	// encode errors for values that cannot be represented.
	ErrMalformed = errors.New("dtyp: malformed data")

	// ErrSyntax is wrapped by ParseSID errors.
	ErrSyntax = errors.New("dtyp: invalid SID string")
)

// Error is the concrete type of the errors this package returns. Where says
// which structure and field failed, for example "DACL: ACE 2: SID".
type Error struct {
	Where string
	Msg   string
	Kind  error // ErrShort, ErrMalformed or ErrSyntax
}

func (e *Error) Error() string {
	if e.Where == "" {
		return "dtyp: " + e.Msg
	}
	return "dtyp: " + e.Where + ": " + e.Msg
}

// Unwrap returns Kind, so errors.Is(err, ErrShort) and the like work.
func (e *Error) Unwrap() error { return e.Kind }

func shortf(where, format string, args ...any) error {
	return &Error{Where: where, Msg: fmt.Sprintf(format, args...), Kind: ErrShort}
}

func malformedf(where, format string, args ...any) error {
	return &Error{Where: where, Msg: fmt.Sprintf(format, args...), Kind: ErrMalformed}
}

// within prefixes the location of err (an *Error from this package) with
// where, giving "DACL: ACE 2: SID: ..." style paths.
func within(where string, err error) error {
	var e *Error
	if errors.As(err, &e) {
		w := where
		if e.Where != "" {
			w += ": " + e.Where
		}
		return &Error{Where: w, Msg: e.Msg, Kind: e.Kind}
	}
	return err
}
