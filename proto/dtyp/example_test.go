package dtyp_test

import (
	"encoding/hex"
	"fmt"

	"github.com/gosmb/gosmb/proto/dtyp"
)

func ExampleDecodeSecurityDescriptor() {
	// Owner S-1-5-18, DACL granting BUILTIN\Users read access.
	raw, _ := hex.DecodeString("010004801400000000000000000000002000000001010000000000051200000002002000" +
		"0100000000001800a900120001020000000000052000000021020000")
	sd, err := dtyp.DecodeSecurityDescriptor(raw)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("control:", sd.Control)
	fmt.Println("owner:", sd.Owner, dtyp.WellKnownName(*sd.Owner))
	for _, ace := range sd.DACL.ACEs {
		fmt.Println(ace.Type, ace.Mask, ace.SID, dtyp.WellKnownName(ace.SID))
	}
	// Output:
	// control: SE_DACL_PRESENT|SE_SELF_RELATIVE
	// owner: S-1-5-18 LOCAL_SYSTEM
	// ACCESS_ALLOWED_ACE_TYPE FILE_READ_DATA|FILE_READ_EA|FILE_EXECUTE|FILE_READ_ATTRIBUTES|READ_CONTROL|SYNCHRONIZE S-1-5-32-545 BUILTIN_USERS
}

func ExampleParseSID() {
	sid, err := dtyp.ParseSID("S-1-5-21-717312990-3403304746-849770945-500")
	if err != nil {
		fmt.Println(err)
		return
	}
	rid, _ := sid.RID()
	fmt.Println(sid, rid, dtyp.WellKnownName(sid))
	_, err = dtyp.ParseSID("S-1-5-32-0544")
	fmt.Println(err)
	// Output:
	// S-1-5-21-717312990-3403304746-849770945-500 500 ADMINISTRATOR
	// dtyp: SID "S-1-5-32-0544": sub-authority 2 "0544" is not a decimal number below 2^32 without leading zeros
}
