#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# An SNTP server for the fault suite whose clock runs OFFSET seconds from
# this machine's (which it only reads): on ADDR:123/udp it answers each
# client request (mode 3) as a stratum 2 server.  Runs until killed.
# Usage: ft-ntpd.py ADDR OFFSET_S
import socket
import struct
import sys
import time

NTP_EPOCH = 2208988800  # 1900 -> 1970


def ntp_ts(t):
    sec = int(t) + NTP_EPOCH
    frac = int((t - int(t)) * (1 << 32)) & 0xFFFFFFFF
    return struct.pack("!II", sec & 0xFFFFFFFF, frac)


addr, offset = sys.argv[1], float(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((addr, 123))
while True:
    q, peer = s.recvfrom(512)
    if len(q) < 48 or (q[0] & 7) != 3:
        continue
    rx = time.time() + offset
    vn = (q[0] >> 3) & 7
    head = struct.pack("!BBbb", (vn << 3) | 4, 2, 4, -20)
    # root delay and dispersion: 1 ms each (16.16 seconds); refid
    head += struct.pack("!II", 65, 65) + socket.inet_aton("10.77.0.9")
    r = head + ntp_ts(rx - 8) + q[40:48] + ntp_ts(rx) + ntp_ts(time.time() + offset)
    try:
        s.sendto(r, peer)
    except OSError:  # dropped on the way out (nftables: EPERM): lost
        pass
