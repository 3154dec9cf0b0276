#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# A small DHCPv4 server for the fault suite (dnsmasq's shortest lease is
# 2 min): on IFACE it hands out FIRST..LAST of NET.0/24 with LEASE_S-second
# leases (T1 half, T2 7/8), router/DNS/NTP NET.1, answers DISCOVER with
# OFFER and REQUEST with ACK (NAK for an address that is not the client's),
# unless the file MODE holds "silent" (then it answers nothing) or "noack"
# (then it answers DISCOVER only) or "dup" (then it sends each reply
# twice, logging the copy as "DUP").  Each reply is logged to stdout as
# "<unix ms> <ACK|OFFER|NAK> <address>", each DISCOVER and REQUEST received
# as "<unix ms> RX-DISCOVER|RX-REQUEST <client MAC>".
# Runs until killed.  Usage: ft-dhcpd.py IFACE NET FIRST LAST LEASE_S MODE
import socket
import struct
import sys
import time

sys.dont_write_bytecode = True  # nothing written into the source tree
from ftmode import mode  # noqa: E402

iface, net, first, last, lease_s, mode_path = sys.argv[1:7]
first, last, lease_s = int(first), int(last), int(lease_s)
me = socket.inet_aton(net + ".1")
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, iface.encode())
s.bind(("", 67))
leases = {}  # chaddr -> address (bytes)


def options(p):
    o, i = {}, 240
    while i < len(p) and p[i] != 255:
        if p[i] == 0:
            i += 1
            continue
        if i + 1 >= len(p):
            break
        o[p[i]] = p[i + 2:i + 2 + p[i + 1]]
        i += 2 + p[i + 1]
    return o


def address_for(mac):
    if mac in leases:
        return leases[mac]
    used = set(leases.values())
    for n in range(first, last + 1):
        a = socket.inet_aton("%s.%d" % (net, n))
        if a not in used:
            leases[mac] = a
            return a
    return None


def reply(q, kind, yiaddr):
    o = bytes([53, 1, kind, 54, 4]) + me
    if kind != 6:
        o += bytes([51, 4]) + struct.pack("!I", lease_s)
        o += bytes([58, 4]) + struct.pack("!I", lease_s // 2)
        o += bytes([59, 4]) + struct.pack("!I", lease_s * 7 // 8)
        o += bytes([1, 4]) + socket.inet_aton("255.255.255.0")
        for code in (3, 6, 42):
            o += bytes([code, 4]) + me
    p = bytes([2, 1, 6, 0]) + q[4:8] + bytes(2) + q[10:12] + q[12:16]
    p += (yiaddr if kind != 6 else bytes(4)) + bytes(8) + q[28:44]
    p += bytes(192) + q[236:240] + o + bytes([255])
    ciaddr = q[12:16]
    dst = socket.inet_ntoa(ciaddr) if ciaddr != bytes(4) else "255.255.255.255"
    name = {2: "OFFER", 5: "ACK", 6: "NAK"}[kind]
    for copy in range(2 if mode(mode_path) == "dup" else 1):
        try:
            s.sendto(p, (dst, 68))
        except OSError:  # dropped on the way out (nftables: EPERM): lost
            return
        print("%d %s %s" % (time.time() * 1000, "DUP" if copy else name,
                            socket.inet_ntoa(yiaddr) if yiaddr else "-"), flush=True)


while True:
    q, peer = s.recvfrom(1500)
    if len(q) < 240 or q[0] != 1 or q[236:240] != b"\x63\x82\x53\x63":
        continue
    o = options(q)
    t = o.get(53, b"\0")[0]
    mac = q[28:34]
    if t in (1, 3):
        print("%d RX-%s %s" % (time.time() * 1000, "DISCOVER" if t == 1 else "REQUEST",
                               mac.hex(":")), flush=True)
    m = mode(mode_path)
    if m == "silent" or (m == "noack" and t == 3):
        continue
    if t == 1:  # DISCOVER
        a = address_for(mac)
        if a:
            reply(q, 2, a)
    elif t == 3:  # REQUEST
        if 54 in o and o[54] != me:
            leases.pop(mac, None)  # it chose another server
            continue
        want = o.get(50) or q[12:16]
        a = address_for(mac)
        reply(q, 5 if a == want else 6, want)
    elif t == 7:  # RELEASE
        leases.pop(mac, None)
