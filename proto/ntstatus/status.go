// Package ntstatus defines the NTSTATUS code type shared by SMB1 and SMB2.
// See [MS-ERREF] 2.3.
package ntstatus

import "fmt"

//go:generate go run gen.go

// Status is a 32-bit NTSTATUS value as carried in SMB1 and SMB2 headers.
type Status uint32

// Severity values, the top two bits of a Status. See [MS-ERREF] 2.3.
const (
	SeveritySuccess       = 0
	SeverityInformational = 1
	SeverityWarning       = 2
	SeverityError         = 3
)

// Severity returns the two severity bits of s.
func (s Status) Severity() int { return int(uint32(s) >> 30) }

// IsError reports whether s has error severity.
func (s Status) IsError() bool { return s.Severity() == SeverityError }

// IsSuccess reports whether s is a success or informational code.
func (s Status) IsSuccess() bool { return s.Severity() < SeverityWarning }

// String returns the spec name (for example "STATUS_ACCESS_DENIED"), or the
// hexadecimal value when the code is not in the table.
func (s Status) String() string {
	if n, ok := names[s]; ok {
		return n
	}
	return fmt.Sprintf("NTSTATUS(0x%08X)", uint32(s))
}

// Error implements error so a bare Status can be returned where no richer
// context exists. Most callers see it wrapped in a richer error type.
func (s Status) Error() string {
	return fmt.Sprintf("%s (0x%08X)", s.String(), uint32(s))
}
