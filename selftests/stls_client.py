#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Scripted STARTTLS dialogues for the tlsgw selftests.

usage: stls_client.py HOST PORT PROTO SCENARIO [--split] [--hold[=SECS]]
                      [--sport=PORT]

PROTO: smtp, pop3, imap, ftp. SCENARIO:
  starttls  capabilities, upgrade, TLS handshake, one command over TLS
  refused   capabilities, upgrade that the server is expected to refuse
  auth      credentials in cleartext (alice/secret)
  inject    the upgrade command and another command in one segment
  plain     capabilities and quit, no upgrade
  pretls    a command require-tls forbids before the upgrade
  ccc       FTP: AUTH TLS, then CCC in cleartext instead of a handshake
  ccc-tls   FTP: AUTH TLS, TLS handshake, PBSZ and CCC inside TLS, TLS
            ended with close_notify both ways (RFC 4217), then USER, PASS
            and PWD in cleartext
--split sends every command one byte per TCP segment; --hold keeps the
connection open 20 seconds (or SECS) before its last command (plain,
starttls) or before the credentials (auth); --sport binds the client
to that source port (SO_REUSEADDR).

Prints the dialogue and, last, "result: tls|refused|ok|reset|closed".
"""
import base64
import socket
import ssl
import sys
import time

UPGRADE = {"smtp": b"STARTTLS", "pop3": b"STLS", "imap": b"a1 STARTTLS",
           "ftp": b"AUTH TLS"}
CAPA = {"smtp": b"EHLO client.test", "pop3": b"CAPA",
        "imap": b"a0 CAPABILITY", "ftp": b"FEAT"}
QUIT = {"smtp": b"QUIT", "pop3": b"QUIT", "imap": b"a9 LOGOUT",
        "ftp": b"QUIT"}
AUTH = {"smtp": [b"AUTH PLAIN " + base64.b64encode(b"\0alice\0secret")],
        "pop3": [b"USER alice", b"PASS secret"],
        "imap": [b"a2 LOGIN alice secret"],
        "ftp": [b"USER alice", b"PASS secret"]}
PRETLS = {"smtp": b"MAIL FROM:<carol@test>", "pop3": b"STAT",
          "imap": b"a3 SELECT INBOX", "ftp": b"PWD"}
INJECT = {"smtp": b"RSET", "pop3": b"CAPA", "imap": b"a5 NOOP",
          "ftp": b"NOOP"}


class Reset(Exception):
    pass


class Closed(Exception):
    pass


class Conn:
    def __init__(self, host, port, proto, split, sport=None):
        if sport is None:
            self.s = socket.create_connection((host, port), timeout=30)
        else:
            self.s = socket.socket(socket.AF_INET6 if ":" in host
                                   else socket.AF_INET)
            self.s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self.s.settimeout(30)
            self.s.bind(("", sport))
            self.s.connect((host, port))
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.proto, self.split, self.buf = proto, split, b""

    def _recv(self):
        try:
            d = self.s.recv(4096)
        except ConnectionResetError:
            raise Reset()
        if not d:
            raise Closed()
        self.buf += d

    def line(self):
        while b"\n" not in self.buf:
            self._recv()
        ln, self.buf = self.buf.split(b"\n", 1)
        print("S: " + ln.decode(errors="replace").rstrip())
        return ln.rstrip(b"\r")

    def reply(self, tag=None, multi=False):
        """One reply: its final line."""
        while True:
            ln = self.line()
            if self.proto in ("smtp", "ftp"):
                if len(ln) >= 4 and ln[:3].isdigit() and ln[3:4] == b" ":
                    return ln
            elif self.proto == "pop3":
                if not multi or ln.startswith(b"-ERR") or ln == b".":
                    return ln
            elif tag is None or ln.startswith(tag + b" "):
                return ln

    def send(self, data, split=None):
        print("C: " + data.decode(errors="replace").rstrip())
        split = self.split if split is None else split
        try:
            if split:
                for b in data:
                    self.s.send(bytes([b]))
                    time.sleep(0.02)
            else:
                self.s.sendall(data)
        except (ConnectionResetError, BrokenPipeError):
            raise Reset()

    def cmd(self, c, **kw):
        self.send(c + b"\r\n")
        return self.reply(**kw)


def ok(proto, ln):
    if proto in ("smtp", "ftp"):
        return ln[:1] == b"2"
    if proto == "pop3":
        return ln.startswith(b"+OK")
    return b" OK" in ln


def capabilities(c, proto):
    if proto == "imap":
        c.cmd(CAPA[proto], tag=b"a0")
    else:
        c.cmd(CAPA[proto], multi=True)


def tls_wrap(c, host):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    c.s = ctx.wrap_socket(c.s, server_hostname=host)


def ccc_tls(c, host):
    tls_wrap(c, host)
    print("TLS: " + c.s.version())
    c.cmd(b"PBSZ 0")
    if not ok("ftp", c.cmd(b"CCC")):
        return "refused"
    try:
        c.s = c.s.unwrap()
    except ConnectionResetError:
        raise Reset()
    print("TLS ended (close_notify both ways)")
    for a in AUTH["ftp"]:
        c.cmd(a)
    c.cmd(PRETLS["ftp"])
    c.cmd(QUIT["ftp"])
    return "ok"


def tls_command(c, proto, host, hold):
    tls_wrap(c, host)
    print("TLS: " + c.s.version())
    for ln in c.buf.splitlines():	# sent after the go-ahead, in cleartext
        print("S (before TLS): " + ln.decode(errors="replace"))
    c.buf = b""
    if hold:
        sys.stdout.flush()
        time.sleep(hold)
    if proto == "imap":
        c.cmd(QUIT[proto], tag=b"a9")
    else:
        c.cmd(QUIT[proto])


def run(host, port, proto, scenario, split, hold, sport):
    c = Conn(host, port, proto, split, sport)
    c.reply()
    capabilities(c, proto)
    if scenario == "plain":
        if hold:
            sys.stdout.flush()
            time.sleep(hold)
        c.cmd(QUIT[proto], tag=b"a9")
        return "ok"
    if scenario == "pretls":
        c.cmd(PRETLS[proto], tag=b"a3")
        c.cmd(QUIT[proto], tag=b"a9")
        return "ok"
    if scenario == "auth":
        if hold:
            sys.stdout.flush()
            time.sleep(hold)
        for a in AUTH[proto]:
            c.cmd(a, tag=b"a2")
        c.cmd(QUIT[proto], tag=b"a9")
        return "ok"
    if scenario == "inject":
        c.send(UPGRADE[proto] + b"\r\n" + INJECT[proto] + b"\r\n",
               split=False)
        # A server that takes the upgrade waits for a ClientHello.
        c.s.settimeout(8)
        c.reply(tag=b"a1")
        c.reply(tag=b"a5")
        return "ok"
    ans = c.cmd(UPGRADE[proto], tag=b"a1")
    if not ok(proto, ans):
        return "refused"
    if scenario == "ccc":
        c.cmd(b"CCC")
        c.cmd(QUIT[proto])
        return "ok"
    if scenario == "ccc-tls":
        return ccc_tls(c, host)
    tls_command(c, proto, host, hold)
    return "tls"


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    host, port, proto, scenario = args
    hold, sport = 0, None
    for a in sys.argv[1:]:
        if a == "--hold":
            hold = 20
        elif a.startswith("--hold="):
            hold = float(a[7:])
        elif a.startswith("--sport="):
            sport = int(a[8:])
    try:
        res = run(host, int(port), proto, scenario, "--split" in sys.argv,
                  hold, sport)
    except Reset:
        res = "reset"
    except Closed:
        res = "closed"
    except socket.timeout:
        res = "timeout"
    except (ssl.SSLError, OSError) as e:
        print("error: %s" % e)
        res = "error"
    print("result: " + res)


main()
