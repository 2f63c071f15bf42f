#!/usr/bin/env python3
# A backend that reads and throws away what each connection sends, as fast
# as it can. STATUS holds, per connection in the order they came, "BYTES
# open|closed", rewritten every 0.2 s.
#
#   discard_server.py ADDR PORT STATUS
import os
import selectors
import socket
import sys
import time

addr, port, status = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
lst.bind((addr, port))
lst.listen(16)
lst.setblocking(False)
sel = selectors.DefaultSelector()
sel.register(lst, selectors.EVENT_READ, None)
conns = []	# [bytes, closed]
buf = bytearray(1 << 20)
last = 0.0
while True:
    for key, _ in sel.select(timeout=0.2):
        if key.data is None:
            c, _ = lst.accept()
            c.setblocking(False)
            conns.append([0, False])
            sel.register(c, selectors.EVENT_READ, len(conns) - 1)
            continue
        st = conns[key.data]
        try:
            n = key.fileobj.recv_into(buf)
        except BlockingIOError:
            continue
        except OSError:
            n = 0
        if n:
            st[0] += n
        else:
            st[1] = True
            sel.unregister(key.fileobj)
            key.fileobj.close()
    if time.monotonic() - last >= 0.2:
        try:
            with open(status + ".tmp", "w") as f:
                for b, closed in conns:
                    f.write("%d %s\n" % (b, "closed" if closed else "open"))
            os.rename(status + ".tmp", status)
        except OSError:
            sys.exit(0)	# the test is over: its directory is gone
        last = time.monotonic()
