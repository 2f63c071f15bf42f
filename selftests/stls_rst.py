#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Segments the client did not send, in an SMTP dialogue, for the tlsgw
selftests: a blind RST spoofer's, or data beyond a hole.

usage: stls_rst.py HOST PORT SPORT OFFSET [COUNT | frag | ooo | differ]

Connects from SPORT (SO_REUSEADDR) and reads the client's ISN and the
server's off the SYN and SYN-ACK (an AF_PACKET socket on eth0), says
EHLO, then sends, from a raw socket, a RST with the client's addresses
whose sequence number is the client's next one plus OFFSET (a blind
attacker's guess). With COUNT, it sends instead COUNT one-byte data
segments there, acknowledging what the server sent (what a gateway that
misses some of the client's bytes sees: data beyond a hole). Then it
waits a second and sends AUTH PLAIN in cleartext. With frag, the raw
socket sends that AUTH PLAIN itself, at the client's next byte, in two
IPv4 fragments (OFFSET unused), and the client waits 10 s for the
gateway's RST. With ooo, the raw socket sends that AUTH PLAIN beyond a
hole (after the 6 bytes of "NOOP\r\n"), waits a second, then fills the
hole with NOOP; with differ, it sends NOOP beyond the hole, then
"RSET\r\nQUIT\r\n" to fill it, whose QUIT contradicts that NOOP; the client
then waits 10 s for the gateway's RST. No scapy: the packets are built
here.

Prints "result: reset|ok|closed|timeout" for what the AUTH got.
"""
import base64
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003  # outgoing frames reach ETH_P_ALL taps only


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def segment(src, dst, sport, dport, seq, ack=None, data=b""):
    """A RST, or with ack a data segment (ACK|PSH)."""
    flags, win = (0x04, 0) if ack is None else (0x18, 502)
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack or 0, 5 << 4,
                      flags, win, 0, 0) + data
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + \
        struct.pack("!BBH", 0, socket.IPPROTO_TCP, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0, 64,
                     socket.IPPROTO_TCP, 0, socket.inet_aton(src),
                     socket.inet_aton(dst))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return ip + tcp


def fragments(packet, first):
    """An IPv4 packet (20-byte header) in two fragments, the first with
    first (a multiple of 8) bytes of its payload."""
    hdr, data = packet[:20], packet[20:]
    out = []
    for off, part, more in ((0, data[:first], 0x2000),
                            (first, data[first:], 0)):
        ip = hdr[:2] + struct.pack("!HHH", 20 + len(part), 7,
                                   more | off // 8) + hdr[8:10] + \
            b"\0\0" + hdr[12:20]
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        out.append(ip + part)
    return out


def isns(sniff, dst, dport, sport):
    """The sequence numbers of our SYN to (dst, dport) from sport, and of
    the server's SYN-ACK."""
    isn = srv_isn = None
    end = time.time() + 10
    while time.time() < end and (isn is None or srv_isn is None):
        frame = sniff.recv(2048)
        ip = frame[14:]
        if frame[12:14] != b"\x08\x00" or len(ip) < 40 or \
                ip[9] != socket.IPPROTO_TCP:
            continue
        th = ip[(ip[0] & 15) * 4:]
        sp, dp, seq = struct.unpack("!HHI", th[:8])
        if ip[16:20] == socket.inet_aton(dst) and sp == sport and \
                dp == dport and th[13] & 0x12 == 0x02:
            isn = seq
        if ip[12:16] == socket.inet_aton(dst) and sp == dport and \
                dp == sport and th[13] & 0x12 == 0x12:
            srv_isn = seq
    if isn is None or srv_isn is None:
        raise SystemExit("SYN or SYN-ACK not seen")
    return isn, srv_isn


def answer(s, f, line):
    """Sends line (if any), reads the answer, prints the result."""
    try:
        if line:
            s.sendall(line)
        ln = f.readline()
        print("S: " + ln.decode(errors="replace").rstrip())
        res = "ok" if ln else "closed"
    except ConnectionResetError:
        res = "reset"
    except socket.timeout:
        res = "timeout"
    print("result: " + res)


def main():
    host, port, sport, offset = sys.argv[1], int(sys.argv[2]), \
        int(sys.argv[3]), int(sys.argv[4], 0)
    mode = sys.argv[5] if len(sys.argv) > 5 else ""
    count = int(mode) if mode.isdigit() else 0
    sniff = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                          socket.htons(ETH_P_ALL))
    sniff.bind(("eth0", ETH_P_ALL))
    sniff.settimeout(10)
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.settimeout(30)
    s.bind(("", sport))
    s.connect((host, port))
    isn, srv_isn = isns(sniff, host, port, sport)
    sniff.close()
    f = s.makefile("rb")
    sent = 0
    ln = f.readline()
    got = len(ln)
    print("S: " + ln.decode().rstrip())
    for cmd in (b"EHLO client.test\r\n",):
        s.sendall(cmd)
        sent += len(cmd)
        while True:
            ln = f.readline()
            got += len(ln)
            print("S: " + ln.decode().rstrip())
            if ln[3:4] == b" ":
                break
    seq = (isn + 1 + sent + offset) & 0xffffffff
    ack = (srv_isn + 1 + got) & 0xffffffff
    src = s.getsockname()[0]
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    auth = b"AUTH PLAIN " + base64.b64encode(b"\0alice\0secret") + b"\r\n"
    if mode in ("frag", "ooo", "differ"):
        seq = (isn + 1 + sent) & 0xffffffff
        if mode == "frag":
            for frag in fragments(segment(src, host, sport, port, seq, ack,
                                          auth), 24):
                raw.sendto(frag, (host, 0))
            print("C: (in two IP fragments) " + auth.decode().rstrip())
        else:
            later, first = (auth, b"NOOP\r\n") if mode == "ooo" else \
                (b"NOOP\r\n", b"RSET\r\nQUIT\r\n")
            raw.sendto(segment(src, host, sport, port, (seq + 6) & 0xffffffff,
                               ack, later), (host, 0))
            print("C: (beyond a hole) " + later.decode().rstrip())
            time.sleep(1)
            raw.sendto(segment(src, host, sport, port, seq, ack, first),
                       (host, 0))
            print("C: (in the hole) " + first.decode().rstrip())
        s.settimeout(10)
        answer(s, f, None)
        return
    if count:
        for i in range(count):
            raw.sendto(segment(src, host, sport, port,
                               (seq + i) & 0xffffffff, ack, b"X"), (host, 0))
        print("%d data segments: seq next%+d on" % (count, offset))
    else:
        raw.sendto(segment(src, host, sport, port, seq), (host, 0))
        print("spoofed RST: seq next%+d" % offset)
    time.sleep(1)
    answer(s, f, auth)


main()
