#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# A UDP relay for the fault suite, run in the server namespace between the
# device and a real server: datagrams to LISTEN_ADDR:PORT go to
# UPSTREAM:PORT from a socket of the relay's own per client, the replies go
# back to that client.  The file MODE (re-read for each datagram) holds
# words that shape both directions:
#   reorder   each datagram waits 0-300 ms at random, so later ones
#             overtake it;
#   dup       each datagram is sent twice, the copy 0-100 ms after;
#   rate=N    at most N replies a second go back (a token bucket of N);
#             the rest are dropped;
# "ok" (or a missing file): passed on at once.  Counts go to LOG, rewritten
# after each datagram: "in N out N dup N rate_dropped N".
# Runs until killed.  Usage: ft-relay.py LISTEN_ADDR UPSTREAM PORT MODE LOG
import heapq
import random
import select
import socket
import sys
import time

sys.dont_write_bytecode = True  # nothing written into the source tree
from ftmode import mode  # noqa: E402

listen, upstream, port, mode_path, log_path = sys.argv[1:6]
port = int(port)
front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
front.bind((listen, port))
back = {}  # client address -> its socket to the upstream server
owner = {}  # that socket -> the client address
later = []  # (when, seq, socket, datagram, destination)
seq = 0
counts = {"in": 0, "out": 0, "dup": 0, "rate_dropped": 0}
bucket, bucket_at = 0.0, time.monotonic()


def words():
    w = {}
    for t in mode(mode_path).split():
        k, _, v = t.partition("=")
        w[k] = v
    return w


def send(sock, data, dest):
    try:
        sock.sendto(data, dest)
        counts["out"] += 1
    except OSError:  # refused on the way out (nftables: EPERM): lost
        pass


def schedule(delay, sock, data, dest):
    global seq
    seq += 1
    heapq.heappush(later, (time.monotonic() + delay, seq, sock, data, dest))


def relay(sock, data, dest, reply):
    global bucket, bucket_at
    counts["in"] += 1
    w = words()
    if reply and "rate" in w:
        n = float(w["rate"])
        now = time.monotonic()
        bucket = min(n, bucket + (now - bucket_at) * n)
        bucket_at = now
        if bucket < 1:
            counts["rate_dropped"] += 1
            return
        bucket -= 1
    delay = random.uniform(0, 0.3) if "reorder" in w else 0
    schedule(delay, sock, data, dest)
    if "dup" in w:
        counts["dup"] += 1
        schedule(delay + random.uniform(0, 0.1), sock, data, dest)


while True:
    timeout = max(0, later[0][0] - time.monotonic()) if later else None
    ready, _, _ = select.select([front] + list(owner), [], [], timeout)
    for s in ready:
        data, peer = s.recvfrom(4096)
        if s is front:
            b = back.get(peer)
            if not b:
                b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                back[peer], owner[b] = b, peer
            relay(b, data, (upstream, port), False)
        else:
            relay(front, data, owner[s], True)
    while later and later[0][0] <= time.monotonic():
        _, _, s, data, dest = heapq.heappop(later)
        send(s, data, dest)
    if ready:
        with open(log_path, "w") as f:
            f.write("in %(in)d out %(out)d dup %(dup)d rate_dropped %(rate_dropped)d\n"
                    % counts)
