package dcerpc

import (
	"errors"
	"fmt"
)

// OpnumNetrShareEnum is the srvsvc opnum of NetrShareEnum. See [MS-SRVS] 3.1.4.8.
const OpnumNetrShareEnum = 15

// MaxPreferredLength asks the server to return the whole list at once
// (MAX_PREFERRED_LENGTH). See [MS-SRVS] 2.2.2.2.
const MaxPreferredLength = 0xFFFFFFFF

// Share types (shi1_type). The base type is one of the first four;
// ShareTypeSpecial, ShareTypeTemporary and the cluster bits may be OR'd
// in. See [MS-SRVS] 2.2.2.4.
const (
	ShareTypeDiskTree    = 0x00000000 // STYPE_DISKTREE
	ShareTypePrintQ      = 0x00000001 // STYPE_PRINTQ
	ShareTypeDevice      = 0x00000002 // STYPE_DEVICE
	ShareTypeIPC         = 0x00000003 // STYPE_IPC
	ShareTypeClusterFS   = 0x02000000 // STYPE_CLUSTER_FS
	ShareTypeClusterSOFS = 0x04000000 // STYPE_CLUSTER_SOFS
	ShareTypeClusterDFS  = 0x08000000 // STYPE_CLUSTER_DFS
	ShareTypeSpecial     = 0x80000000 // STYPE_SPECIAL: IPC$, ADMIN$, C$ ...
	ShareTypeTemporary   = 0x40000000 // STYPE_TEMPORARY
	// shareTypeMask (STYPE_MASK) isolates the base type from the
	// SPECIAL, TEMPORARY and cluster bits.
	shareTypeMask = 0x000000FF
)

// ShareInfo1 is one share as NetrShareEnum level 1 returns it (SHARE_INFO_1).
// See [MS-SRVS] 2.2.4.23.
type ShareInfo1 struct {
	Name    string // shi1_netname
	Type    uint32 // shi1_type: ShareType...
	Comment string // shi1_remark
}

// BaseType returns the base type (disk, printer, device, IPC), without
// ShareTypeSpecial, ShareTypeTemporary and the cluster bits: ShareTypeIPC
// for IPC$ (0x80000003), ShareTypeDiskTree for a clustered disk share
// (0x02000000).
func (s ShareInfo1) BaseType() uint32 { return s.Type & shareTypeMask }

// IsSpecial reports whether ShareTypeSpecial is set (IPC$, ADMIN$, C$ ...).
func (s ShareInfo1) IsSpecial() bool { return s.Type&ShareTypeSpecial != 0 }

// IsTemporary reports whether ShareTypeTemporary is set.
func (s ShareInfo1) IsTemporary() bool { return s.Type&ShareTypeTemporary != 0 }

// NetrShareEnumRequest is the stub of a NetrShareEnum call ([in]
// parameters). See [MS-SRVS] 3.1.4.8 and 2.2.4.38 (SHARE_ENUM_STRUCT).
//
//	NET_API_STATUS NetrShareEnum(
//	  [in, string, unique] SRVSVC_HANDLE ServerName,
//	  [in, out] LPSHARE_ENUM_STRUCT InfoStruct,
//	  [in] DWORD PreferedMaximumLength,
//	  [out] DWORD* TotalEntries,
//	  [in, out, unique] DWORD* ResumeHandle);
//
// InfoStruct is sent as Level with an empty container (EntriesRead 0,
// Buffer NULL), the form every level's container takes in a request; a
// level outside 0, 1, 2, 501, 502, 503 has no container (the server then
// answers ErrorInvalidLevel).
type NetrShareEnumRequest struct {
	ServerName            string // `\\host`; "" sends a NULL pointer
	Level                 uint32 // 1 for ShareInfo1
	PreferedMaximumLength uint32 // MaxPreferredLength for everything at once
	ResumeHandle          *uint32
}

// EncodeNetrShareEnumRequest returns the stub for opnum 15 listing the
// shares of serverName at level with prefMaxLen (MaxPreferredLength for
// the whole list) and a resume handle of 0, as Windows clients send it.
// serverName is the host name or address; the `\\` prefix is added when
// missing. An empty serverName sends a NULL ServerName.
func EncodeNetrShareEnumRequest(serverName string, level uint32, prefMaxLen uint32) []byte {
	if serverName != "" && (len(serverName) < 2 || serverName[:2] != `\\`) {
		serverName = `\\` + serverName
	}
	var resume uint32
	m := NetrShareEnumRequest{
		ServerName:            serverName,
		Level:                 level,
		PreferedMaximumLength: prefMaxLen,
		ResumeHandle:          &resume,
	}
	b, _ := m.Append(nil)
	return b
}

// Size returns the encoded stub size.
func (m *NetrShareEnumRequest) Size() int {
	b, _ := m.Append(nil)
	return len(b)
}

// Append appends the NDR stub to dst. NDR alignment is relative to
// len(dst) on entry.
func (m *NetrShareEnumRequest) Append(dst []byte) ([]byte, error) {
	w := newNDRWriter(dst)
	if w.ptr(m.ServerName != "") {
		w.wstring(m.ServerName)
	}
	// SHARE_ENUM_STRUCT: Level, then the union's discriminant (a
	// non-encapsulated union marshals it before the arm), then the arm: a
	// unique pointer to the container.
	w.u32(m.Level)
	w.u32(m.Level)
	if hasContainer(m.Level) {
		w.ptr(true)
		// Deferred container referent: EntriesRead 0, Buffer NULL.
		w.u32(0)
		w.ptr(false)
	}
	w.u32(m.PreferedMaximumLength)
	if w.ptr(m.ResumeHandle != nil) {
		w.u32(*m.ResumeHandle)
	}
	return w.b, nil
}

// Decode decodes a request stub.
func (m *NetrShareEnumRequest) Decode(stub []byte) error {
	r := &ndrReader{b: stub, msg: "NetrShareEnum request"}
	var v NetrShareEnumRequest
	p, err := r.u32("ServerName pointer")
	if err != nil {
		return err
	}
	if p != 0 {
		if v.ServerName, err = r.wstring("ServerName"); err != nil {
			return err
		}
	}
	if v.Level, err = r.u32("Level"); err != nil {
		return err
	}
	if err := checkSwitch(r, v.Level); err != nil {
		return err
	}
	if hasContainer(v.Level) {
		if p, err = r.u32("container pointer"); err != nil {
			return err
		}
		if p != 0 {
			if _, err := r.u32("EntriesRead"); err != nil {
				return err
			}
			buf, err := r.u32("Buffer pointer")
			if err != nil {
				return err
			}
			if buf != 0 {
				return errorf(r.msg, "container Buffer is not NULL")
			}
		}
	}
	if v.PreferedMaximumLength, err = r.u32("PreferedMaximumLength"); err != nil {
		return err
	}
	if p, err = r.u32("ResumeHandle pointer"); err != nil {
		return err
	}
	if p != 0 {
		h, err := r.u32("ResumeHandle")
		if err != nil {
			return err
		}
		v.ResumeHandle = &h
	}
	*m = v
	return nil
}

// hasContainer reports whether the SHARE_ENUM_UNION arm for level is a
// container pointer: levels 0, 1, 2, 501, 502 and 503 ([MS-SRVS] 2.2.3.2).
// Other levels have an empty arm, as Samba marshals them (its answer to
// level 7 is Level, discriminant, then TotalEntries).
func hasContainer(level uint32) bool {
	switch level {
	case 0, 1, 2, 501, 502, 503:
		return true
	}
	return false
}

// checkSwitch reads the union discriminant of SHARE_ENUM_STRUCT, which
// [MS-SRVS] 2.2.4.38 ties to Level by switch_is(Level).
func checkSwitch(r *ndrReader, level uint32) error {
	sw, err := r.u32("union discriminant")
	if err != nil {
		return err
	}
	if sw != level {
		return errorf(r.msg, "union discriminant %d differs from Level %d", sw, level)
	}
	return nil
}

// errUnsupportedLevel marks a response whose container is of a level this
// package does not decode.
var errUnsupportedLevel = errors.New("unsupported info level")

// NetrShareEnumResponse is the stub of a NetrShareEnum reply ([out]
// parameters and the return value). See [MS-SRVS] 3.1.4.8. Only level 1
// containers are decoded; other levels decode when their container
// pointer is NULL or the level has none, as in error replies.
type NetrShareEnumResponse struct {
	Level        uint32
	Shares       []ShareInfo1 // SHARE_INFO_1_CONTAINER entries, level 1
	TotalEntries uint32
	ResumeHandle *uint32
	Status       uint32 // the NET_API_STATUS return value, a WERROR
}

// shareInfo1Size is the fixed part of SHARE_INFO_1 in the array: two
// pointers and shi1_type.
const shareInfo1Size = 12

// Size returns the encoded stub size.
func (m *NetrShareEnumResponse) Size() int {
	b, _ := m.Append(nil)
	return len(b)
}

// Append appends the NDR stub to dst. NDR alignment is relative to
// len(dst) on entry. Level 1 gets a container with Shares; the other
// levels with a container a NULL pointer.
func (m *NetrShareEnumResponse) Append(dst []byte) ([]byte, error) {
	if uint64(len(m.Shares)) > 0xFFFFFFFF {
		return dst, errorf("NetrShareEnum response", "%d shares", len(m.Shares))
	}
	w := newNDRWriter(dst)
	w.u32(m.Level)
	w.u32(m.Level)
	if hasContainer(m.Level) && w.ptr(m.Level == 1) {
		n := uint32(len(m.Shares))
		w.u32(n)
		if w.ptr(n > 0) {
			// Conformant array: max_count, the fixed parts, then the
			// deferred strings in pointer order.
			w.u32(n)
			for _, s := range m.Shares {
				w.ptr(true)
				w.u32(s.Type)
				w.ptr(true)
			}
			for _, s := range m.Shares {
				w.wstring(s.Name)
				w.wstring(s.Comment)
			}
		}
	}
	w.u32(m.TotalEntries)
	if w.ptr(m.ResumeHandle != nil) {
		w.u32(*m.ResumeHandle)
	}
	w.u32(m.Status)
	return w.b, nil
}

// Decode decodes a reply stub, whatever its Status. Bytes after the return
// value are ignored.
func (m *NetrShareEnumResponse) Decode(stub []byte) error {
	r := &ndrReader{b: stub, msg: "NetrShareEnum response"}
	var v NetrShareEnumResponse
	var err error
	if v.Level, err = r.u32("Level"); err != nil {
		return err
	}
	if err := checkSwitch(r, v.Level); err != nil {
		return err
	}
	if hasContainer(v.Level) {
		p, err := r.u32("container pointer")
		if err != nil {
			return err
		}
		if p != 0 {
			if v.Level != 1 {
				return fmt.Errorf("dcerpc: %s: level %d: %w", r.msg, v.Level, errUnsupportedLevel)
			}
			if v.Shares, err = decodeShareInfo1Container(r); err != nil {
				return err
			}
		}
	}
	if v.TotalEntries, err = r.u32("TotalEntries"); err != nil {
		return err
	}
	p, err := r.u32("ResumeHandle pointer")
	if err != nil {
		return err
	}
	if p != 0 {
		h, err := r.u32("ResumeHandle")
		if err != nil {
			return err
		}
		v.ResumeHandle = &h
	}
	if v.Status, err = r.u32("return value"); err != nil {
		return err
	}
	*m = v
	return nil
}

// decodeShareInfo1Container decodes the referent of the container pointer:
// SHARE_INFO_1_CONTAINER {EntriesRead; [size_is(EntriesRead)] Buffer},
// then Buffer's conformant array and the strings it points to.
func decodeShareInfo1Container(r *ndrReader) ([]ShareInfo1, error) {
	entries, err := r.u32("EntriesRead")
	if err != nil {
		return nil, err
	}
	buf, err := r.u32("Buffer pointer")
	if err != nil {
		return nil, err
	}
	if buf == 0 {
		if entries != 0 {
			return nil, errorf(r.msg, "EntriesRead %d with a NULL Buffer", entries)
		}
		return nil, nil
	}
	n, err := r.u32("Buffer max_count")
	if err != nil {
		return nil, err
	}
	if n != entries {
		return nil, errorf(r.msg, "Buffer max_count %d differs from EntriesRead %d", n, entries)
	}
	if uint64(n)*shareInfo1Size > uint64(r.left()) {
		return nil, shortf(r.msg, "%d SHARE_INFO_1 entries beyond %d bytes left", n, r.left())
	}
	if n == 0 {
		return nil, nil
	}
	shares := make([]ShareInfo1, n)
	refs := make([][2]uint32, n) // netname and remark referent IDs
	for i := range shares {
		refs[i][0] = le.Uint32(r.b[r.off:])
		shares[i].Type = le.Uint32(r.b[r.off+4:])
		refs[i][1] = le.Uint32(r.b[r.off+8:])
		r.off += shareInfo1Size
	}
	for i := range shares {
		if refs[i][0] != 0 {
			if shares[i].Name, err = r.wstring(fmt.Sprintf("entry %d shi1_netname", i)); err != nil {
				return nil, err
			}
		}
		if refs[i][1] != 0 {
			if shares[i].Comment, err = r.wstring(fmt.Sprintf("entry %d shi1_remark", i)); err != nil {
				return nil, err
			}
		}
	}
	return shares, nil
}

// Err returns a *WindowsError for a non-zero Status, else nil.
func (m *NetrShareEnumResponse) Err() error {
	if m.Status != ErrorSuccess {
		return &WindowsError{Code: m.Status}
	}
	return nil
}

// DecodeNetrShareEnumResponse decodes a level 1 NetrShareEnum reply stub
// (the joined stub of the response PDUs). A non-zero return value gives a
// *WindowsError; with ErrorMoreData the shares received so far are
// returned along with it. A reply at another level whose return value is
// non-zero (ErrorInvalidLevel) gives its *WindowsError too.
func DecodeNetrShareEnumResponse(stub []byte) ([]ShareInfo1, error) {
	var m NetrShareEnumResponse
	if err := m.Decode(stub); err != nil {
		// The return value is the stub's last 32-bit word whatever the
		// container holds.
		if errors.Is(err, errUnsupportedLevel) && len(stub) >= 4 {
			if st := le.Uint32(stub[len(stub)-4:]); st != ErrorSuccess {
				return nil, &WindowsError{Code: st}
			}
		}
		return nil, err
	}
	if m.Status == ErrorSuccess && m.Level != 1 {
		return nil, errorf("NetrShareEnum response", "level %d reply, want level 1", m.Level)
	}
	return m.Shares, m.Err()
}
