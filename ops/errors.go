package ops

import (
	"errors"

	"github.com/gosmb/gosmb/engine"
)

func protoErr(msg string, err error) error { return &engine.ProtocolError{Msg: msg, Err: err} }

// retag renames the operation of a StatusError ("open" → "list").
func retag(err error, op string) error {
	var se *engine.StatusError
	if errors.As(err, &se) {
		c := *se
		c.Op = op
		return &c
	}
	return err
}

// creditChargeFor returns the credit charge of a request whose response
// may be n bytes.
func creditChargeFor(n int) uint16 { return engine.CreditCharge(n) }
