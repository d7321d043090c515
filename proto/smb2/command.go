package smb2

import "fmt"

// Command is the SMB2 command code. See [MS-SMB2] 2.2.1.
type Command uint16

// Command codes.
const (
	CommandNegotiate      Command = 0x0000
	CommandSessionSetup   Command = 0x0001
	CommandLogoff         Command = 0x0002
	CommandTreeConnect    Command = 0x0003
	CommandTreeDisconnect Command = 0x0004
	CommandCreate         Command = 0x0005
	CommandClose          Command = 0x0006
	CommandFlush          Command = 0x0007
	CommandRead           Command = 0x0008
	CommandWrite          Command = 0x0009
	CommandLock           Command = 0x000A
	CommandIoctl          Command = 0x000B
	CommandCancel         Command = 0x000C
	CommandEcho           Command = 0x000D
	CommandQueryDirectory Command = 0x000E
	CommandChangeNotify   Command = 0x000F
	CommandQueryInfo      Command = 0x0010
	CommandSetInfo        Command = 0x0011
	CommandOplockBreak    Command = 0x0012
)

var commandNames = [...]string{
	"SMB2_NEGOTIATE", "SMB2_SESSION_SETUP", "SMB2_LOGOFF", "SMB2_TREE_CONNECT",
	"SMB2_TREE_DISCONNECT", "SMB2_CREATE", "SMB2_CLOSE", "SMB2_FLUSH", "SMB2_READ",
	"SMB2_WRITE", "SMB2_LOCK", "SMB2_IOCTL", "SMB2_CANCEL", "SMB2_ECHO",
	"SMB2_QUERY_DIRECTORY", "SMB2_CHANGE_NOTIFY", "SMB2_QUERY_INFO", "SMB2_SET_INFO",
	"SMB2_OPLOCK_BREAK",
}

// String returns the spec name of c, for example "SMB2_READ".
func (c Command) String() string {
	if int(c) < len(commandNames) {
		return commandNames[c]
	}
	return fmt.Sprintf("SMB2_COMMAND(0x%04X)", uint16(c))
}

// Dialect is an SMB2 dialect revision. See [MS-SMB2] 2.2.3.
type Dialect uint16

// Dialects.
const (
	Dialect202      Dialect = 0x0202
	Dialect210      Dialect = 0x0210
	Dialect300      Dialect = 0x0300
	Dialect302      Dialect = 0x0302
	Dialect311      Dialect = 0x0311
	DialectWildcard Dialect = 0x02FF // SMB 2.??? in SMB1 multi-protocol negotiate responses
)

// String returns the dotted dialect name, for example "3.1.1".
func (d Dialect) String() string {
	switch d {
	case Dialect202:
		return "2.0.2"
	case Dialect210:
		return "2.1"
	case Dialect300:
		return "3.0"
	case Dialect302:
		return "3.0.2"
	case Dialect311:
		return "3.1.1"
	case DialectWildcard:
		return "2.???"
	}
	return fmt.Sprintf("Dialect(0x%04X)", uint16(d))
}

// IsSMB3 reports whether d is an SMB 3.x dialect.
func (d Dialect) IsSMB3() bool { return d >= Dialect300 && d != DialectWildcard }
