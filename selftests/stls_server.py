#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Servers that misbehave on purpose, for the tlsgw STARTTLS selftests.

usage: stls_server.py fake CERT KEY PROTO:PORT[:inject]...
       stls_server.py relay PORT UPHOST UPPORT FROM TO [FROM TO...]

fake: a minimal SMTP, POP3, IMAP or FTP server on each PORT (all
addresses). It offers the upgrade, and answers it with the go-ahead;
with ":inject", the go-ahead and one more reply line go out in the same
segment (response injection: "220 go ahead\\r\\n250 injected\\r\\n").
After the go-ahead, a client that sends a TLS record gets a TLS
handshake (CERT, KEY) and the dialogue goes on inside TLS; one that
sends cleartext gets cleartext answers. FTP answers CCC with 200 (inside
TLS, the session then goes back to cleartext). Every other command gets
a positive answer.

relay: a middlebox on PORT (all addresses) forwarding to UPHOST:UPPORT,
replacing each FROM by TO in what the server sends (STARTTLS stripping).
"""
import socket
import ssl
import sys
import threading

GREETING = {"smtp": b"220 fake.test ESMTP fake\r\n",
            "pop3": b"+OK fake ready\r\n",
            "imap": b"* OK [CAPABILITY IMAP4rev1 STARTTLS] fake ready\r\n",
            "ftp": b"220 fake FTP\r\n"}
GO = {"smtp": b"220 go ahead\r\n", "pop3": b"+OK go ahead\r\n",
      "imap": b"%s OK go ahead\r\n", "ftp": b"234 go ahead\r\n"}
INJECTED = {"smtp": b"250 injected\r\n", "pop3": b"+OK injected\r\n",
            "imap": b"* OK injected\r\n", "ftp": b"200 injected\r\n"}


def answer(proto, tag, verb):
    """The reply to a command other than the upgrade, and whether the
    server closes after it."""
    if proto == "smtp":
        if verb in (b"EHLO", b"HELO"):
            return b"250-fake.test\r\n250-STARTTLS\r\n250 HELP\r\n", False
        if verb == b"QUIT":
            return b"221 bye\r\n", True
        return b"250 ok\r\n", False
    if proto == "pop3":
        if verb == b"CAPA":
            return b"+OK\r\nSTLS\r\nUSER\r\n.\r\n", False
        return (b"+OK bye\r\n", True) if verb == b"QUIT" else (b"+OK\r\n", False)
    if proto == "imap":
        if verb == b"CAPABILITY":
            return (b"* CAPABILITY IMAP4rev1 STARTTLS\r\n%s OK done\r\n" % tag,
                    False)
        if verb == b"LOGOUT":
            return b"* BYE\r\n%s OK bye\r\n" % tag, True
        return b"%s OK done\r\n" % tag, False
    if verb == b"FEAT":
        return b"211-Features:\r\n AUTH TLS\r\n PBSZ\r\n211 End\r\n", False
    if verb == b"CCC":
        return b"200 CCC ok\r\n", False
    return (b"221 bye\r\n", True) if verb == b"QUIT" else (b"200 ok\r\n", False)


def is_upgrade(proto, verb, words):
    if proto == "ftp":
        return verb == b"AUTH" and len(words) > 1 and words[1].upper() == b"TLS"
    return verb == {"smtp": b"STARTTLS", "pop3": b"STLS",
                    "imap": b"STARTTLS"}[proto]


def serve(conn, proto, inject, ctx):
    s, buf = conn, b""
    s.sendall(GREETING[proto])
    while True:
        while b"\n" not in buf:
            d = s.recv(4096)
            if not d:
                return
            buf += d
        ln, buf = buf.split(b"\n", 1)
        words = ln.strip().split()
        if not words:
            continue
        tag = b""
        if proto == "imap":
            tag, words = words[0], words[1:] or [b""]
        verb = words[0].upper()
        if is_upgrade(proto, verb, words) and not isinstance(s, ssl.SSLSocket):
            go = GO[proto] % tag if proto == "imap" else GO[proto]
            s.sendall(go + (INJECTED[proto] if inject else b""))
            if buf:
                continue	# pipelined cleartext: answer it
            first = s.recv(1, socket.MSG_PEEK)
            if first == b"\x16":
                s = ctx.wrap_socket(s, server_side=True)
            continue
        if proto == "ftp" and verb == b"CCC" and isinstance(s, ssl.SSLSocket):
            s.sendall(answer(proto, tag, verb)[0])
            s = s.unwrap()
            continue
        reply, close = answer(proto, tag, verb)
        s.sendall(reply)
        if close:
            return


def handle(conn, proto, inject, ctx):
    try:
        serve(conn, proto, inject, ctx)
    except (OSError, ssl.SSLError):
        pass
    finally:
        conn.close()


def listen(sock, proto, inject, ctx):
    while True:
        c, _ = sock.accept()
        threading.Thread(target=handle, args=(c, proto, inject, ctx),
                         daemon=True).start()


def fake(cert, key, specs):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    threads = []
    for spec in specs:
        parts = spec.split(":")
        proto, port, inject = parts[0], int(parts[1]), parts[2:] == ["inject"]
        sock = socket.create_server(("::", port), family=socket.AF_INET6,
                                    dualstack_ipv6=True)
        t = threading.Thread(target=listen, args=(sock, proto, inject, ctx),
                             daemon=True)
        t.start()
        threads.append(t)
    for t in threads:
        t.join()


def pump(a, b, repl):
    try:
        while True:
            d = a.recv(4096)
            if not d:
                break
            for old, new in repl:
                d = d.replace(old, new)
            b.sendall(d)
    except OSError:
        pass
    for s in (a, b):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def relay(port, uphost, upport, pairs):
    repl = [(pairs[i].encode(), pairs[i + 1].encode())
            for i in range(0, len(pairs), 2)]
    s = socket.create_server(("0.0.0.0", port))
    while True:
        c, _ = s.accept()
        try:
            u = socket.create_connection((uphost, upport))
        except OSError:
            c.close()
            continue
        threading.Thread(target=pump, args=(c, u, []), daemon=True).start()
        threading.Thread(target=pump, args=(u, c, repl), daemon=True).start()


def main():
    if len(sys.argv) >= 5 and sys.argv[1] == "fake":
        fake(sys.argv[2], sys.argv[3], sys.argv[4:])
    elif len(sys.argv) >= 7 and sys.argv[1] == "relay" and len(sys.argv) % 2:
        relay(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5:])
    else:
        sys.exit(__doc__)


main()
