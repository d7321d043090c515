#!/usr/bin/python3
# Writes hex PDUs (stdin, one per line: a bind, then the request fragments)
# to the srvsvc pipe on IPC$ of an smbd and prints every PDU read back as
# hex, prefixed "bind-reply" or "reply". Needs Debian's python3-samba.
# libsmb dials port 445 only, so HOST:445 must reach the smbd (a TCP
# forwarder to the sambatest port will do).
#
#   capture.py HOST CLIENTCONF USER PASSWORD < pdus.hex
import sys
from samba import param, credentials
from samba.samba3 import libsmb_samba_internal as libsmb
from samba.samba3 import param as s3param

host, conf, user, pw = sys.argv[1:5]
lp = param.LoadParm()
lp.load(conf)
s3param.get_context().load(conf)  # libsmb also reads the s3 globals
creds = credentials.Credentials()
creds.guess(lp)
creds.set_username(user)
creds.set_password(pw)
c = libsmb.Conn(host, "IPC$", lp, creds)
# FILE_GENERIC_READ|FILE_GENERIC_WRITE, share read|write, FILE_OPEN.
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
