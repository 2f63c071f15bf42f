#!/usr/bin/env python3
"""A stand-in for tlsgwd's resolver socket, in raw generic netlink.

usage: genl_resolver.py register          register, print the port id, exit
       genl_resolver.py listen PORTID SECS  bind PORTID (any user may bind a
                                          free one) and print what arrives

Constants come from uapi/linux/tlsgw.h, so the script follows the header.
"""
import os
import re
import select
import socket
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
NETLINK_GENERIC = 16
GENL_ID_CTRL = 16
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
NLM_F_REQUEST = 1
NLM_F_ACK = 4
NLMSG_ERROR = 2


def enum(name):
    """The values of enum NAME in the uapi header, by identifier."""
    text = open(os.path.join(HERE, "..", "uapi", "linux", "tlsgw.h")).read()
    body = re.search(r"enum %s \{(.*?)\};" % name, text, re.S).group(1)
    body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
    values, n = {}, 0
    for item in body.split(","):
        item = item.strip()
        if not item:
            continue
        ident, _, val = item.partition("=")
        ident = ident.strip()
        if val.strip():
            v = val.strip()
            v = re.sub(r"(\d+)U", r"\1", v)
            n = eval(v, {}, values)
        values[ident] = n
        n += 1
    return values


def attr(kind, payload):
    a = struct.pack("=HH", 4 + len(payload), kind) + payload
    return a + b"\0" * ((4 - len(a) % 4) % 4)


def msg(family, cmd, attrs, flags=NLM_F_REQUEST | NLM_F_ACK, seq=1):
    body = struct.pack("=BBH", cmd, 1, 0) + attrs
    return struct.pack("=IHHII", 16 + len(body), family, flags, seq, 0) + body


def attrs_of(buf):
    out = {}
    while len(buf) >= 4:
        ln, kind = struct.unpack("=HH", buf[:4])
        out[kind & 0x3fff] = buf[4:ln]
        buf = buf[(ln + 3) & ~3:]
    return out


def family_id(s):
    s.send(msg(GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
               attr(CTRL_ATTR_FAMILY_NAME, b"tlsgw\0"), NLM_F_REQUEST))
    data = s.recv(65536)
    ln, kind = struct.unpack("=IH", data[:6])
    if kind == NLMSG_ERROR:
        sys.exit("tlsgw family not found")
    a = attrs_of(data[20:ln])
    return struct.unpack("=H", a[CTRL_ATTR_FAMILY_ID][:2])[0]


def main():
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    if sys.argv[1] == "register":
        s.bind((0, 0))
        fam = family_id(s)
        cmd = enum("tlsgw_cmd")["TLSGW_CMD_SOCKS_RESOLVE"]
        top = enum("tlsgw_attr")["TLSGW_A_RESOLVE"]
        ra = enum("tlsgw_resolve_attr")
        flag = enum("tlsgw_resolve_flags")["TLSGW_RESOLVE_F_REGISTER"]
        nest = attr(ra["TLSGW_RESOLVE_A_FLAGS"], struct.pack("=I", flag))
        s.send(msg(fam, cmd, attr(top | 0x8000, nest), seq=2))
        data = s.recv(65536)
        err = struct.unpack("=i", data[16:20])[0]
        print("portid %d error %d" % (s.getsockname()[0], err))
        return
    # listen PORTID SECS
    s.bind((int(sys.argv[2]), 0))
    print("bound", flush=True)
    end = float(sys.argv[3])
    got = 0
    while select.select([s], [], [], end)[0]:
        data = s.recv(65536)
        got += 1
        print("received %d bytes: %r" % (len(data), data[20:]))
        end = 1
    print("received %d messages" % got)


if __name__ == "__main__":
    main()
