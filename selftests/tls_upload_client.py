#!/usr/bin/env python3
# One TLS upload that costs the client almost nothing while it runs: after
# the handshake (in memory BIOs) it encrypts SIZE bytes into memory first,
# then sends the ciphertext raw, as fast as TCP takes it. So decrypting on
# the gateway (kTLS RX, in the relay's work) is what limits the upload:
# the relay always has data to read and, with a backend that discards, room
# to write.
#
#   tls_upload_client.py ADDR PORT CAFILE SIZE STATUS
#
# STATUS gets "PORT" (the client's local port) once the ciphertext is
# ready; sending starts when the file STATUS.go appears; STATUS becomes
# "PORT sent" once all of it is in the kernel. Then it waits for the
# gateway to close, and exits.
import os
import socket
import ssl
import sys
import time

addr, port, cafile, size, status = sys.argv[1], int(sys.argv[2]), \
    sys.argv[3], int(sys.argv[4]), sys.argv[5]


def say(text):
    with open(status + ".tmp", "w") as f:
        f.write(text + "\n")
    os.rename(status + ".tmp", status)


ctx = ssl.create_default_context(cafile=cafile)
raw = socket.create_connection((addr, port), timeout=300)
inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
tls = ctx.wrap_bio(inc, out, server_hostname="www.test")
while True:
    try:
        tls.do_handshake()
        break
    except ssl.SSLWantReadError:
        raw.sendall(out.read())
        data = raw.recv(65536)
        if not data:
            sys.exit("closed during the handshake")
        inc.write(data)
raw.sendall(out.read())
chunk = bytes(16384)
for _ in range(size // len(chunk)):
    tls.write(chunk)
wire = out.read()
local = raw.getsockname()[1]
say("%d" % local)
while not os.path.exists(status + ".go"):
    time.sleep(0.1)
try:
    raw.sendall(wire)
    say("%d sent" % local)
    raw.settimeout(None)
    while raw.recv(65536):
        pass
except OSError:
    pass
