#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""SOCKS5 client for the selftests, on Python's socket module only.

  raw PROXY PORT HEX [HEX...]   send each HEX chunk as its own segment
                                (0.2 s apart), then print what came back as
                                hex and "closed" if the proxy closed
                                (waits SOCKS_RAW_WAIT seconds, default 30,
                                or until SOCKS_RAW_BYTES bytes came)
  bind PROXY PORT DST ADDRFILE  BIND toward DST; write the first reply's
                                BND.ADDR BND.PORT to ADDRFILE, wait for the
                                second reply, then exchange a line with the
                                peer; prints both replies
  udp PROXY PORT DST DPORT      UDP ASSOCIATE, then send datagrams to an
                                echo server at DST:DPORT through it
  concurrent PROXY PORT N DST DPORT PATH SHA256
                                N clients at once, each a CONNECT and an
                                HTTP/1.0 GET of PATH checked by SHA-256
  halfopen PROXY PORT N         open N connections that send half a
                                greeting and hold them; prints how many the
                                proxy closed within the wait
  hold PROXY PORT N DST DPORT READY
                                open N connections that each send a
                                greeting and a CONNECT to DST:DPORT (an
                                address or a name) in one segment, without
                                waiting for any answer; write how many
                                were held and how many reset to the file
                                READY, hold them until standard input
                                ends, then print how many had an answer to
                                the request and close them all
Exit status 0 when the exchange went as the command expects.
"""
import ipaddress
import os
import socket
import struct
import sys
import time


def connect(proxy, port):
    return socket.create_connection((proxy, int(port)), timeout=60)


def recv_exact(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            raise EOFError("proxy closed after %d bytes" % len(data))
        data += chunk
    return data


def encode_addr(host, port):
    try:
        ip = ipaddress.ip_address(host)
        atyp = 1 if ip.version == 4 else 4
        return bytes([atyp]) + ip.packed + struct.pack("!H", port)
    except ValueError:
        name = host.encode()
        return bytes([3, len(name)]) + name + struct.pack("!H", port)


def read_reply(s):
    head = recv_exact(s, 4)
    if head[3] == 1:
        addr = ipaddress.ip_address(recv_exact(s, 4))
    elif head[3] == 4:
        addr = ipaddress.ip_address(recv_exact(s, 16))
    else:
        raise ValueError("reply ATYP %d" % head[3])
    port = struct.unpack("!H", recv_exact(s, 2))[0]
    return head[1], str(addr), port


def greet(s):
    s.sendall(b"\x05\x01\x00")
    if recv_exact(s, 2) != b"\x05\x00":
        raise ValueError("method refused")


def cmd_raw(proxy, port, *chunks):
    s = connect(proxy, port)
    s.settimeout(float(os.environ.get("SOCKS_RAW_WAIT", "30")))
    # Stop after this many bytes instead of waiting for a close.
    want = int(os.environ.get("SOCKS_RAW_BYTES", "0"))
    for i, c in enumerate(chunks):
        if i:
            time.sleep(0.2)
        s.sendall(bytes.fromhex(c))
    got = b""
    closed = False
    try:
        while True:
            d = s.recv(4096)
            if not d:
                closed = True
                break
            got += d
            if want and len(got) >= want:
                break
    except ConnectionResetError:
        closed = True
    except socket.timeout:
        pass
    print(got.hex() + (" closed" if closed else " open"))
    return 0


def cmd_bind(proxy, port, dst, addrfile):
    s = connect(proxy, port)
    s.settimeout(120)
    greet(s)
    s.sendall(b"\x05\x02\x00" + encode_addr(dst, 0))
    rep, addr, bport = read_reply(s)
    print("first reply", rep, addr, bport)
    if rep != 0:
        return 1
    with open(addrfile + ".tmp", "w") as f:
        f.write("%s %d\n" % (addr, bport))
    os.rename(addrfile + ".tmp", addrfile)
    rep, addr, pport = read_reply(s)
    print("second reply", rep, addr, pport)
    if rep != 0 or addr != dst:
        return 1
    line = s.makefile("rb").readline()
    print("peer said", line.decode().strip())
    s.sendall(b"hello from the client\n")
    return 0 if line == b"hello from the peer\n" else 1


def cmd_udp(proxy, port, dst, dport):
    s = connect(proxy, port)
    greet(s)
    u = socket.socket(socket.AF_INET6 if ":" in proxy else socket.AF_INET,
                      socket.SOCK_DGRAM)
    u.bind(("", 0))
    u.settimeout(10)
    lport = u.getsockname()[1]
    s.sendall(b"\x05\x03\x00" + encode_addr("0.0.0.0", lport)
              if ":" not in proxy else
              b"\x05\x03\x00" + encode_addr("::", lport))
    rep, baddr, bport = read_reply(s)
    print("reply", rep, baddr, bport)
    if rep != 0:
        return 1
    ok = True
    header = b"\x00\x00\x00" + encode_addr(dst, int(dport))
    # A fragment is dropped; the whole datagrams come back.
    u.sendto(b"\x00\x00\x01" + encode_addr(dst, int(dport)) + b"frag",
             (baddr, bport))
    for i in range(3):
        payload = b"datagram %d " % i + b"x" * (100 * i)
        u.sendto(header + payload, (baddr, bport))
        try:
            data, _ = u.recvfrom(70000)
        except socket.timeout:
            print("no answer to datagram", i)
            ok = False
            continue
        want = b"\x00\x00\x00" + encode_addr(dst, int(dport))
        if not data.startswith(want) or data[len(want):] != payload:
            print("bad answer", data[:40])
            ok = False
    # The association ends with the control connection.
    s.close()
    time.sleep(2)
    u.sendto(header + b"after close", (baddr, bport))
    try:
        u.recvfrom(70000)
        print("answer after the control connection closed")
        ok = False
    except (socket.timeout, ConnectionRefusedError):
        pass
    print("udp ok" if ok else "udp failed")
    return 0 if ok else 1


def cmd_halfopen(proxy, port, n, wait):
    socks = []
    closed = 0
    for _ in range(int(n)):
        try:
            s = connect(proxy, port)
            s.sendall(b"\x05\x02")  # two methods announced, none sent
            socks.append(s)
        except (ConnectionResetError, BrokenPipeError):
            closed += 1             # over the limit: reset at once
    deadline = time.time() + float(wait)
    for s in socks:
        s.settimeout(max(0.1, deadline - time.time()))
        try:
            if not s.recv(1):
                closed += 1
        except ConnectionResetError:
            closed += 1
        except socket.timeout:
            pass
    print(closed)
    return 0


def cmd_concurrent(proxy, port, n, dst, dport, path, sha):
    """N threads: CONNECT to DST:DPORT at once, GET PATH, check SHA-256."""
    import hashlib
    import threading
    n = int(n)
    barrier = threading.Barrier(n)
    bad = []

    def one(i):
        try:
            s = connect(proxy, port)
            s.settimeout(600)
            barrier.wait(timeout=600)
            greet(s)
            s.sendall(b"\x05\x01\x00" + encode_addr(dst, int(dport)))
            rep, _, _ = read_reply(s)
            if rep != 0:
                raise ValueError("reply %d" % rep)
            s.sendall(b"GET %s HTTP/1.0\r\n\r\n" % path.encode())
            data = b""
            while True:
                d = s.recv(65536)
                if not d:
                    break
                data += d
            body = data.split(b"\r\n\r\n", 1)[1]
            if hashlib.sha256(body).hexdigest() != sha:
                raise ValueError("bad body (%d bytes)" % len(body))
        except Exception as e:  # noqa: BLE001 - report every failure
            bad.append("%d: %r" % (i, e))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for b in bad:
        print(b)
    print("%d of %d intact" % (n - len(bad), n))
    return 0 if not bad else 1


def cmd_hold(proxy, port, n, dst, dport, ready):
    req = b"\x05\x01\x00" + b"\x05\x01\x00" + encode_addr(dst, int(dport))
    socks = []
    refused = 0
    for _ in range(int(n)):
        try:
            s = connect(proxy, port)
            s.sendall(req)
            socks.append(s)
        except OSError:
            refused += 1    # the proxy reset it (a limit)
    with open(ready + ".tmp", "w") as f:
        f.write("%d %d\n" % (len(socks), refused))
    os.rename(ready + ".tmp", ready)
    sys.stdin.read()
    answered = 0
    for s in socks:
        s.setblocking(False)
        try:
            # More than the method selection: the request was answered.
            if len(s.recv(64)) > 2:
                answered += 1
        except BlockingIOError:
            pass
        except OSError:
            pass    # reset by a limit: not an answer to the request
        s.close()
    print(answered)
    return 0


def main():
    cmds = {"raw": cmd_raw, "bind": cmd_bind, "udp": cmd_udp,
            "halfopen": cmd_halfopen, "concurrent": cmd_concurrent,
            "hold": cmd_hold}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        print(__doc__, file=sys.stderr)
        return 2
    return cmds[sys.argv[1]](*sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
