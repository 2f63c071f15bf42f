#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A blind RST spoofer's view of an SMTP dialogue, for the tlsgw selftests.

usage: stls_rst.py HOST PORT SPORT OFFSET

Connects from SPORT (SO_REUSEADDR) and reads the client's ISN off its own
SYN (an AF_PACKET socket on eth0), says EHLO, then sends, from a raw
socket, a RST with the client's addresses whose sequence number is the
client's next one plus OFFSET (a blind attacker's guess), waits a second
and sends AUTH PLAIN in cleartext. No scapy: the packet is built here.

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


def rst(src, dst, sport, dport, seq):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, 0, 5 << 4, 0x04,
                      0, 0, 0)
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + \
        struct.pack("!BBH", 0, socket.IPPROTO_TCP, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0, 64,
                     socket.IPPROTO_TCP, 0, socket.inet_aton(src),
                     socket.inet_aton(dst))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return ip + tcp


def own_isn(sniff, dst, dport, sport):
    """The sequence number of our SYN to (dst, dport) from sport."""
    end = time.time() + 10
    while time.time() < end:
        frame = sniff.recv(2048)
        ip = frame[14:]
        if frame[12:14] != b"\x08\x00" or len(ip) < 40 or \
                ip[9] != socket.IPPROTO_TCP or \
                ip[16:20] != socket.inet_aton(dst):
            continue
        th = ip[(ip[0] & 15) * 4:]
        sp, dp, seq = struct.unpack("!HHI", th[:8])
        if sp == sport and dp == dport and th[13] & 0x12 == 0x02:
            return seq
    raise SystemExit("own SYN not seen")


def main():
    host, port, sport, offset = sys.argv[1], int(sys.argv[2]), \
        int(sys.argv[3]), int(sys.argv[4], 0)
    sniff = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                          socket.htons(ETH_P_ALL))
    sniff.bind(("eth0", ETH_P_ALL))
    sniff.settimeout(10)
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.settimeout(30)
    s.bind(("", sport))
    s.connect((host, port))
    isn = own_isn(sniff, host, port, sport)
    sniff.close()
    f = s.makefile("rb")
    sent = 0
    print("S: " + f.readline().decode().rstrip())
    for cmd in (b"EHLO client.test\r\n",):
        s.sendall(cmd)
        sent += len(cmd)
        while True:
            ln = f.readline()
            print("S: " + ln.decode().rstrip())
            if ln[3:4] == b" ":
                break
    seq = (isn + 1 + sent + offset) & 0xffffffff
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    raw.sendto(rst(s.getsockname()[0], host, sport, port, seq), (host, 0))
    print("spoofed RST: seq next%+d" % offset)
    time.sleep(1)
    try:
        s.sendall(b"AUTH PLAIN " +
                  base64.b64encode(b"\0alice\0secret") + b"\r\n")
        ln = f.readline()
        print("S: " + ln.decode(errors="replace").rstrip())
        res = "ok" if ln else "closed"
    except ConnectionResetError:
        res = "reset"
    except socket.timeout:
        res = "timeout"
    print("result: " + res)


main()
