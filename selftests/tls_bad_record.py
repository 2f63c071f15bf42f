#!/usr/bin/python3
"""TLS client (OpenSSL, through python's ssl) that spoils one record.

Usage: tls_bad_record.py HOST CAFILE VERSION CASE
VERSION is 1.2 or 1.3. It makes the handshake through memory BIOs,
fetches / once (so that the gateway has handed the session to the
kernel), then sends one record spoiled as CASE says:
  badmac    an application data record with its last byte flipped
  overflow  a header announcing a record longer than TLS allows
  version   a valid record with a wrong version in its header
and prints what came back: "alert NAME" (the OpenSSL reason of the
alert the gateway sent, lower case), "eof", "reset" or, if the
connection stays silent, "nothing within 60 s".
"""
import socket
import ssl
import sys

host, cafile, version, case = sys.argv[1:5]
ctx = ssl.create_default_context(cafile=cafile)
ver = ssl.TLSVersion.TLSv1_2 if version == "1.2" else ssl.TLSVersion.TLSv1_3
ctx.minimum_version = ctx.maximum_version = ver
raw = socket.create_connection((host, 443), timeout=60)
inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
tls = ctx.wrap_bio(inc, out, server_hostname="www.test")


def flush():
    data = out.read()
    if data:
        raw.sendall(data)


def fill():
    data = raw.recv(65536)
    if data:
        inc.write(data)
    else:
        inc.write_eof()
    return data


def call(fn, *args):
    while True:
        try:
            ret = fn(*args)
            flush()
            return ret
        except ssl.SSLWantReadError:
            flush()
            fill()


call(tls.do_handshake)
call(tls.write, b"GET /index.html HTTP/1.1\r\nHost: www.test\r\n\r\n")
reply = b""
while b"\r\n\r\nok\n" not in reply:
    reply += call(tls.read, 65536)

tls.write(b"GET /index.html HTTP/1.1\r\nHost: www.test\r\n\r\n")
record = bytearray(out.read())
if case == "badmac":
    record[-1] ^= 0x01
elif case == "overflow":
    record = bytearray(b"\x17\x03\x03\x41\x00") + bytes(64)
elif case == "version":
    record[2] = 0x01
else:
    sys.exit("unknown case " + case)
raw.sendall(record)

try:
    while True:
        try:
            if not tls.read(65536):
                print("eof")
                break
        except ssl.SSLWantReadError:
            if not fill():
                print("eof")
                break
except ssl.SSLError as e:
    print("alert", (e.reason or str(e)).lower())
except (ConnectionResetError, BrokenPipeError):
    print("reset")
except socket.timeout:
    print("nothing within 60 s")
