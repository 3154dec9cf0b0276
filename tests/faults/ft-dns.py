#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# A DNS server for the fault suite: on ADDR:53/udp it answers every A
# question with 10.77.0.1 (TTL TTL_S, default 1 s), or with SERVFAIL while
# the file MODE holds "servfail", or not at all while it holds "silent".
# With LOG, each question received (answered or not) is appended to it as
# "<unix ms> <qtype> <name>".
# Runs until killed.  Usage: ft-dns.py ADDR MODE [TTL_S [LOG]]
import socket
import struct
import sys
import time

sys.dont_write_bytecode = True  # nothing written into the source tree
from ftmode import mode  # noqa: E402

addr, mode_path = sys.argv[1], sys.argv[2]
ttl = int(sys.argv[3]) if len(sys.argv) > 3 else 1
log = open(sys.argv[4], "a", buffering=1) if len(sys.argv) > 4 else None
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((addr, 53))


def question_end(q):
    i = 12
    while i < len(q) and q[i]:
        i += 1 + q[i]
    return i + 5  # the root label, QTYPE and QCLASS


def qname(q, end):
    labels, i = [], 12
    while i < end - 5:
        labels.append(q[i + 1:i + 1 + q[i]].decode("ascii", "replace"))
        i += 1 + q[i]
    return ".".join(labels)


while True:
    q, peer = s.recvfrom(2048)
    if len(q) < 17:
        continue
    end = question_end(q)
    if end > len(q):
        continue
    qtype = struct.unpack("!H", q[end - 4:end - 2])[0]
    if log:
        print("%d %d %s" % (time.time() * 1000, qtype, qname(q, end)), file=log,
              flush=True)
    m = mode(mode_path)
    if m == "silent":
        continue
    flags = 0x8180 | (2 if m == "servfail" else 0)
    an = 1 if m != "servfail" and qtype == 1 else 0
    r = q[:2] + struct.pack("!HHHHH", flags, 1, an, 0, 0) + q[12:end]
    if an:
        r += struct.pack("!HHHIH", 0xC00C, 1, 1, ttl, 4) + socket.inet_aton("10.77.0.1")
    try:
        s.sendto(r, peer)
    except OSError:  # dropped on the way out (nftables: EPERM): lost
        pass
