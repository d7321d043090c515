package sambatest

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Share names every server has. The guest share exists only with
// Config.Guest.
const (
	ShareName      = "share" // read-write, force user = root
	ROShareName    = "ro"    // read only = yes
	EncShareName   = "enc"   // read-write, server smb encrypt = required on this share only
	GuestShareName = "guest" // guest ok = yes (Config.Guest only)
)

// Identity of every server.
const (
	Workgroup   = "WORKGROUP"
	NetBIOSName = "GOSMBTEST"
	// DefaultUser and DefaultPassword are the account added with smbpasswd.
	// smbd runs as root and the share forces user root, so the SMB account
	// is root too (a passdb entry needs a matching Unix user).
	DefaultUser     = "root"
	DefaultPassword = "gosmb-Test-pw1"
	// SnapshotDir and SnapshotFormat are what Config.Snapshots configures
	// in the share: a snapshot taken at t lives in
	// ShareDir/SnapshotDir/t.UTC().Format(SnapshotTimeLayout).
	SnapshotDir        = ".snapshots"
	SnapshotFormat     = "@GMT-%Y.%m.%d-%H.%M.%S"
	SnapshotTimeLayout = "@GMT-2006.01.02-15.04.05"
)

// Values Samba 4.17 accepts, checked here so that a typo fails Launch instead
// of smbd logging "invalid value" and starting with its default.
var (
	protocols   = []string{"NT1", "SMB2", "SMB2_02", "SMB2_10", "SMB3", "SMB3_00", "SMB3_02", "SMB3_11"}
	signings    = []string{"auto", "mandatory", "disabled", "default", "required", "desired", "if_required"}
	encrypts    = []string{"default", "auto", "if_required", "desired", "required", "mandatory", "off", "disabled"}
	ntlmAuths   = []string{"yes", "no", "ntlmv2-only", "ntlmv1-permitted", "mschapv2-and-ntlmv2-only", "disabled"}
	encAlgs     = []string{"AES-128-GCM", "AES-128-CCM", "AES-256-GCM", "AES-256-CCM"}
	signingAlgs = []string{"AES-128-GMAC", "AES-128-CMAC", "HMAC-SHA256"}
)

// protoRank orders dialects for the min <= max check.
var protoRank = map[string]int{
	"NT1": 0, "SMB2_02": 1, "SMB2": 2, "SMB2_10": 2, "SMB3_00": 3, "SMB3_02": 4, "SMB3": 5, "SMB3_11": 5,
}

// layout is where a server keeps its files. Everything is under dir except
// the shares with ShareOnTmpfs.
type layout struct {
	dir       string // temp dir: config, logs, state
	shareRoot string // parent of the share dirs (dir, or a dir under /dev/shm)
}

func (l layout) conf() string       { return filepath.Join(l.dir, "smb.conf") }
func (l layout) clientConf() string { return filepath.Join(l.dir, "client.conf") }
func (l layout) log() string        { return filepath.Join(l.dir, "log.smbd") }
func (l layout) stdout() string     { return filepath.Join(l.dir, "smbd.out") }
func (l layout) sub(name string) string {
	return filepath.Join(l.dir, name)
}
func (l layout) share(name string) string { return filepath.Join(l.shareRoot, name) }

// stateDirs are the directories smbd writes instead of /var/lib/samba,
// /run/samba, /var/cache/samba: one set per server so servers run side by side.
var stateDirs = []string{"private", "lock", "state", "cache", "pid", "ncalrpc", "client"}

// normalized is a validated Config with defaults applied.
type normalized struct {
	Config
	min, max string
}

func normalize(cfg Config) (normalized, error) {
	n := normalized{Config: cfg}
	var errs []error
	check := func(field, v string, allowed []string) string {
		if v == "" {
			return ""
		}
		for _, a := range allowed {
			if strings.EqualFold(v, a) {
				return a
			}
		}
		errs = append(errs, fmt.Errorf("sambatest: Config.%s %q: want one of %s", field, v, strings.Join(allowed, ", ")))
		return v
	}
	checkList := func(field, v string, allowed []string) string {
		if v == "" {
			return ""
		}
		var out []string
		for _, item := range strings.Split(v, ",") {
			item = strings.TrimSpace(item)
			out = append(out, check(field, item, allowed))
		}
		return strings.Join(out, ", ")
	}
	n.min = check("MinProtocol", cfg.MinProtocol, protocols)
	n.max = check("MaxProtocol", cfg.MaxProtocol, protocols)
	n.Signing = check("Signing", cfg.Signing, signings)
	n.Encrypt = check("Encrypt", cfg.Encrypt, encrypts)
	n.NTLMAuth = check("NTLMAuth", cfg.NTLMAuth, ntlmAuths)
	n.EncryptionAlgorithms = checkList("EncryptionAlgorithms", cfg.EncryptionAlgorithms, encAlgs)
	n.SigningAlgorithms = checkList("SigningAlgorithms", cfg.SigningAlgorithms, signingAlgs)
	for _, l := range slices.Concat(cfg.ExtraGlobal, cfg.ExtraShare) {
		if strings.ContainsAny(l, "\r\n") {
			errs = append(errs, fmt.Errorf("sambatest: Extra line %q holds a line break", l))
		}
	}
	if len(errs) > 0 {
		return n, errors.Join(errs...)
	}
	if cfg.SMB1 {
		if n.min != "" && n.min != "NT1" {
			return n, fmt.Errorf("sambatest: Config.SMB1 with MinProtocol %s", n.min)
		}
		n.min = "NT1"
	}
	if n.max == "" {
		n.max = "SMB3_11"
	}
	if n.min == "" {
		n.min = "SMB2_02"
		if n.max == "NT1" {
			n.min = "NT1"
		}
	}
	if protoRank[n.min] > protoRank[n.max] {
		return n, fmt.Errorf("sambatest: MinProtocol %s above MaxProtocol %s", n.min, n.max)
	}
	return n, nil
}

// serverConf renders smb.conf for smbd.
func serverConf(n normalized, l layout, port, nbPort int) string {
	var b strings.Builder
	kv := func(k, v string) { fmt.Fprintf(&b, "\t%s = %s\n", k, v) }
	raw := func(lines []string) {
		for _, line := range lines {
			fmt.Fprintf(&b, "\t%s\n", strings.TrimSpace(line))
		}
	}

	b.WriteString("# written by github.com/gosmb/gosmb/internal/sambatest\n[global]\n")
	kv("server role", "standalone server")
	kv("workgroup", Workgroup)
	kv("netbios name", NetBIOSName)
	kv("server string", "gosmb test server")
	if port != 0 { // "smb ports = 0" crashes Samba's config loader
		ports := strconv.Itoa(port)
		if nbPort != 0 {
			ports += " " + strconv.Itoa(nbPort)
		}
		kv("smb ports", ports)
	}
	kv("interfaces", "127.0.0.1/8") // not "lo": that also binds ::1, a port we did not probe
	kv("bind interfaces only", "yes")
	kv("disable netbios", "yes") // nmbd; smbd still serves NBSS framing on any port
	kv("private dir", l.sub("private"))
	kv("lock directory", l.sub("lock"))
	kv("state directory", l.sub("state"))
	kv("cache directory", l.sub("cache"))
	kv("pid directory", l.sub("pid"))
	kv("ncalrpc dir", l.sub("ncalrpc"))
	kv("passdb backend", "tdbsam:"+l.sub("passdb.tdb"))
	kv("smb passwd file", filepath.Join(l.sub("private"), "smbpasswd"))
	kv("load printers", "no")
	kv("printing", "bsd")
	kv("printcap name", "/dev/null")
	kv("disable spoolss", "yes")
	kv("log file", l.log())
	kv("max log size", "10000")
	kv("log level", "1")
	// Quiets "idmap range not specified" in every log line batch.
	kv("idmap config * : backend", "tdb")
	kv("idmap config * : range", "3000-7999")
	kv("server min protocol", n.min)
	kv("server max protocol", n.max)
	if n.Signing != "" {
		kv("server signing", n.Signing)
	}
	if n.Encrypt != "" {
		kv("server smb encrypt", n.Encrypt)
	}
	if n.EncryptionAlgorithms != "" {
		kv("server smb3 encryption algorithms", n.EncryptionAlgorithms)
	}
	if n.SigningAlgorithms != "" {
		kv("server smb3 signing algorithms", n.SigningAlgorithms)
	}
	if n.NTLMAuth != "" {
		kv("ntlm auth", n.NTLMAuth)
	}
	if n.Guest {
		kv("map to guest", "Bad User")
	}
	raw(n.ExtraGlobal)

	fmt.Fprintf(&b, "\n[%s]\n", ShareName)
	kv("path", l.share(ShareName))
	kv("read only", "no")
	kv("force user", "root")
	if n.Snapshots {
		kv("vfs objects", "shadow_copy2")
		// shadow_copy2 finds the snapshot dir relative to the mount point;
		// the share dir is not a mount point here, so name it as one.
		kv("shadow:mountpoint", l.share(ShareName))
		kv("shadow:snapdir", SnapshotDir)
		kv("shadow:format", SnapshotFormat)
	}
	raw(n.ExtraShare)

	fmt.Fprintf(&b, "\n[%s]\n", ROShareName)
	kv("path", l.share(ROShareName))
	kv("read only", "yes")
	kv("force user", "root")

	fmt.Fprintf(&b, "\n[%s]\n", EncShareName)
	kv("path", l.share(EncShareName))
	kv("read only", "no")
	kv("force user", "root")
	kv("server smb encrypt", "required")

	if n.Guest {
		fmt.Fprintf(&b, "\n[%s]\n", GuestShareName)
		kv("path", l.share(GuestShareName))
		kv("read only", "no")
		kv("guest ok", "yes")
		kv("force user", "root")
	}
	return b.String()
}

// clientConf renders the smb.conf smbclient reads (-s), so that the host's
// /etc/samba/smb.conf does not leak into tests and SMB1 can be allowed.
func clientConf(n normalized, l layout) string {
	var b strings.Builder
	kv := func(k, v string) { fmt.Fprintf(&b, "\t%s = %s\n", k, v) }
	b.WriteString("# written by github.com/gosmb/gosmb/internal/sambatest\n[global]\n")
	kv("workgroup", Workgroup)
	kv("lock directory", l.sub("client"))
	kv("state directory", l.sub("client"))
	kv("cache directory", l.sub("client"))
	kv("private dir", l.sub("client"))
	kv("client min protocol", n.min)
	kv("client max protocol", n.max)
	return b.String()
}
