package fscc

import (
	"fmt"
)

// BasicInformation is FILE_BASIC_INFORMATION. See [MS-FSCC] 2.4.7. A zero
// time in a SET_INFO means "do not change".
type BasicInformation struct {
	Times          Times
	FileAttributes uint32
}

// BasicInformationSize is its encoded size.
const BasicInformationSize = 40

// Append appends the 40-byte encoding.
func (b *BasicInformation) Append(dst []byte) []byte {
	dst = b.Times.append(dst)
	dst = le.AppendUint32(dst, b.FileAttributes)
	return le.AppendUint32(dst, 0)
}

// Decode decodes from b.
func (b *BasicInformation) Decode(src []byte) error {
	if len(src) < 36 {
		return short("FILE_BASIC_INFORMATION", 36, len(src))
	}
	*b = BasicInformation{Times: decodeTimes(src), FileAttributes: le.Uint32(src[32:])}
	return nil
}

// StandardInformation is FILE_STANDARD_INFORMATION. See [MS-FSCC] 2.4.41.
type StandardInformation struct {
	AllocationSize uint64
	EndOfFile      uint64
	NumberOfLinks  uint32
	DeletePending  bool
	Directory      bool
}

// StandardInformationSize is its encoded size.
const StandardInformationSize = 24

// Append appends the 24-byte encoding.
func (s *StandardInformation) Append(dst []byte) []byte {
	dst = le.AppendUint64(dst, s.AllocationSize)
	dst = le.AppendUint64(dst, s.EndOfFile)
	dst = le.AppendUint32(dst, s.NumberOfLinks)
	return append(dst, b2u(s.DeletePending), b2u(s.Directory), 0, 0)
}

// Decode decodes from src.
func (s *StandardInformation) Decode(src []byte) error {
	if len(src) < 22 {
		return short("FILE_STANDARD_INFORMATION", 22, len(src))
	}
	*s = StandardInformation{
		AllocationSize: le.Uint64(src),
		EndOfFile:      le.Uint64(src[8:]),
		NumberOfLinks:  le.Uint32(src[16:]),
		DeletePending:  src[20] != 0,
		Directory:      src[21] != 0,
	}
	return nil
}

func b2u(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// AllInformation is FILE_ALL_INFORMATION. See [MS-FSCC] 2.4.2.
type AllInformation struct {
	Basic       BasicInformation
	Standard    StandardInformation
	IndexNumber uint64 // FileInternalInformation
	EaSize      uint32
	AccessFlags uint32
	CurrentByte uint64
	Mode        uint32
	Alignment   uint32
	Name        string
}

const allInformationFixed = 100

// Append appends the encoding.
func (a *AllInformation) Append(dst []byte) []byte {
	dst = a.Basic.Append(dst)
	dst = a.Standard.Append(dst)
	dst = le.AppendUint64(dst, a.IndexNumber)
	dst = le.AppendUint32(dst, a.EaSize)
	dst = le.AppendUint32(dst, a.AccessFlags)
	dst = le.AppendUint64(dst, a.CurrentByte)
	dst = le.AppendUint32(dst, a.Mode)
	dst = le.AppendUint32(dst, a.Alignment)
	name := appendUTF16(nil, a.Name)
	dst = le.AppendUint32(dst, uint32(len(name)))
	return append(dst, name...)
}

// Decode decodes from src.
func (a *AllInformation) Decode(src []byte) error {
	if len(src) < allInformationFixed {
		return short("FILE_ALL_INFORMATION", allInformationFixed, len(src))
	}
	var out AllInformation
	if err := out.Basic.Decode(src); err != nil {
		return err
	}
	if err := out.Standard.Decode(src[40:]); err != nil {
		return err
	}
	out.IndexNumber = le.Uint64(src[64:])
	out.EaSize = le.Uint32(src[72:])
	out.AccessFlags = le.Uint32(src[76:])
	out.CurrentByte = le.Uint64(src[80:])
	out.Mode = le.Uint32(src[88:])
	out.Alignment = le.Uint32(src[92:])
	n := uint64(le.Uint32(src[96:]))
	if n > uint64(len(src)-allInformationFixed) {
		// Servers truncate the name to the output buffer; take what is there.
		n = uint64(len(src)-allInformationFixed) &^ 1
	}
	name, err := decodeUTF16(src[allInformationFixed:allInformationFixed+int(n)], "FileName")
	if err != nil {
		return err
	}
	out.Name = name
	*a = out
	return nil
}

// NetworkOpenInformation is FILE_NETWORK_OPEN_INFORMATION. See [MS-FSCC]
// 2.4.29.
type NetworkOpenInformation struct {
	Times          Times
	AllocationSize uint64
	EndOfFile      uint64
	FileAttributes uint32
}

// Append appends the 56-byte encoding.
func (n *NetworkOpenInformation) Append(dst []byte) []byte {
	dst = n.Times.append(dst)
	dst = le.AppendUint64(dst, n.AllocationSize)
	dst = le.AppendUint64(dst, n.EndOfFile)
	dst = le.AppendUint32(dst, n.FileAttributes)
	return le.AppendUint32(dst, 0)
}

// Decode decodes from src.
func (n *NetworkOpenInformation) Decode(src []byte) error {
	if len(src) < 52 {
		return short("FILE_NETWORK_OPEN_INFORMATION", 52, len(src))
	}
	*n = NetworkOpenInformation{Times: decodeTimes(src), AllocationSize: le.Uint64(src[32:]), EndOfFile: le.Uint64(src[40:]), FileAttributes: le.Uint32(src[48:])}
	return nil
}

// AppendRenameInformation appends FILE_RENAME_INFORMATION_TYPE_2 for SMB2
// SET_INFO: newName is relative to the share root. See [MS-FSCC] 2.4.37.1.
func AppendRenameInformation(dst []byte, replace bool, newName string) []byte {
	name := appendUTF16(nil, newName)
	dst = append(dst, b2u(replace), 0, 0, 0, 0, 0, 0, 0)
	dst = le.AppendUint64(dst, 0) // RootDirectory
	dst = le.AppendUint32(dst, uint32(len(name)))
	return append(dst, name...)
}

// DecodeRenameInformation is the inverse of AppendRenameInformation.
func DecodeRenameInformation(src []byte) (replace bool, newName string, err error) {
	if len(src) < 20 {
		return false, "", short("FILE_RENAME_INFORMATION", 20, len(src))
	}
	n := uint64(le.Uint32(src[16:]))
	if n > uint64(len(src)-20) {
		return false, "", fmt.Errorf("%w: FILE_RENAME_INFORMATION name of %d bytes", ErrShort, n)
	}
	name, err := decodeUTF16(src[20:20+int(n)], "FileName")
	return src[0] != 0, name, err
}

// AppendDispositionInformation appends FILE_DISPOSITION_INFORMATION.
// See [MS-FSCC] 2.4.11.
func AppendDispositionInformation(dst []byte, deletePending bool) []byte {
	return append(dst, b2u(deletePending))
}

// AppendEndOfFileInformation appends FILE_END_OF_FILE_INFORMATION.
// See [MS-FSCC] 2.4.13.
func AppendEndOfFileInformation(dst []byte, eof uint64) []byte {
	return le.AppendUint64(dst, eof)
}
