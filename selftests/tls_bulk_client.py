#!/usr/bin/env python3
# Bulk TLS downloads that cost the client almost nothing: N connections
# each do a TLS handshake (in memory BIOs), send one GET, and then read
# the ciphertext raw and throw it away, without decrypting it. So the
# gateway's kTLS encryption is what limits every download, the case in
# which a relay work run that never yields starves all the others.
#
#   tls_bulk_client.py ADDR CAFILE N PATH STATUS
#
# Every half second STATUS gets {"ready": K, "conns": {PORT: [BYTES,
# CLOSED, GAP]}} (PORT is the client's local port, BYTES the bytes read
# after the handshake, CLOSED true once the gateway closed or reset it,
# GAP the longest time in seconds it waited for data once all N were
# ready). Runs until killed.
import json
import os
import selectors
import socket
import ssl
import sys
import time

addr, cafile, n, path, status = sys.argv[1], sys.argv[2], int(sys.argv[3]), \
    sys.argv[4], sys.argv[5]
ctx = ssl.create_default_context(cafile=cafile)
conns = {}	# port -> [socket, bytes, closed, gap, last data]


def dump(ready):
    out = {"ready": ready,
           "conns": {str(p): [c[1], c[2], round(c[3], 1)]
                     for p, c in conns.items()}}
    with open(status + ".tmp", "w") as f:
        json.dump(out, f)
    os.rename(status + ".tmp", status)


def handshake():
    raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # A small receive window keeps 300 connections' memory modest.
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
    raw.settimeout(300)
    raw.connect((addr, 443))
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
                raise ConnectionError("closed during the handshake")
            inc.write(data)
    tls.write(("GET %s HTTP/1.1\r\nHost: www.test\r\n\r\n" % path).encode())
    raw.sendall(out.read())
    raw.setblocking(False)
    return raw


sel = selectors.DefaultSelector()
for i in range(n):
    s = handshake()
    port = s.getsockname()[1]
    conns[port] = [s, 0, False, 0.0, 0.0]
    sel.register(s, selectors.EVENT_READ, port)
    if i % 20 == 0:
        dump(i + 1)
dump(n)
last = time.monotonic()
for c in conns.values():
    c[4] = last
while True:
    for key, _ in sel.select(timeout=0.5):
        c = conns[key.data]
        try:
            got = c[0].recv(262144)
        except BlockingIOError:
            continue
        except OSError:
            got = b""
        now = time.monotonic()
        if got:
            c[1] += len(got)
            c[3] = max(c[3], now - c[4])
            c[4] = now
        else:
            c[2] = True
            sel.unregister(c[0])
            c[0].close()
    if time.monotonic() - last >= 0.5:
        dump(n)
        last = time.monotonic()
