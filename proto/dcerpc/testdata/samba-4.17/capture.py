#!/usr/bin/python3
# Sends hex PDUs (one per line on stdin: bind, then request fragments) to the
# srvsvc pipe of a local smbd and prints every PDU read back as hex.
# Needs Debian's python3-samba. Usage:
#   capture.py PORT CLIENTCONF USER PASSWORD < pdus.hex
import sys, struct
from samba import param, credentials
from samba.samba3 import libsmb_samba_internal as libsmb

port, conf, user, pw = sys.argv[1:5]
host = sys.argv[5] if len(sys.argv) > 5 else "127.0.0.1"
lp = param.LoadParm()
lp.load(conf)
lp.set("smb ports", port)
from samba.samba3 import param as s3param
s3 = s3param.get_context()
s3.load(conf)
s3.set("smb ports", port)
creds = credentials.Credentials()
creds.guess(lp)
creds.set_username(user)
creds.set_password(pw)
c = libsmb.Conn(host, "IPC$", lp, creds)
f = c.create("srvsvc", DesiredAccess=0x0012019F, ShareAccess=3, CreateDisposition=1)

def read_pdus():
    out = []
    while True:
        b = c.read(f, 0, 65535)
        out.append(b)
        if b[3] & 0x02 or b[2] != 2:  # PFC_LAST_FRAG, or not a response
            return out

lines = [l.strip() for l in sys.stdin if l.strip()]
c.write(f, bytes.fromhex(lines[0]), 0)
for b in read_pdus():
    print("bind-reply", b.hex())
for l in lines[1:]:
    c.write(f, bytes.fromhex(l), 0)
for b in read_pdus():
    print("reply", b.hex())
c.close(f)
