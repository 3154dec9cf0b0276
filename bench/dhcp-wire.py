#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The lws-system authors
"""bench/dhcp-wire.py: what in a client's DISCOVER makes dnsmasq slower.

With Rapid Commit, DISCOVER -> ACK (bench-dhcp's (b)) holds no client
packet, yet it differed between clients.  This probe sends DISCOVERs itself
from a packet socket in a namespace pair like bench-dhcp's (macvlans on a
veth, the same dnsmasq command line) and times DISCOVER -> ACK from a
packet socket on the server's end (kernel timestamps), one variable changed
at a time, the variants interleaved in an order shuffled each round:

  lws, dhcpcd     the DISCOVERs of minimal-dhcpc and of dhcpcd 9.4.1 as they
                  are on the wire (captured from one run of each at start),
                  replayed with a fresh xid;
  lws+...         the captured lws DISCOVER with one thing changed: the
                  client identifier as 01+MAC, dhcpcd's parameter request
                  list, no 108/114 asked for, dhcpcd's vendor class added,
                  the BOOTP broadcast flag set;
  spinN           the lws DISCOVER, the sender then busy for N us before it
                  sleeps (what a client does after its DISCOVER).

Prints per variant the median, p25, p75, p90 and how many runs were over
0.3 ms, and each median's ratio to the lws one.

Run as root: bench/dhcp-wire.py MINIMAL_DHCPC [rounds] [--no-rapid]
(needs ip, dnsmasq and dhcpcd; exit 77 when it cannot run).
"""
import ctypes
import os
import random
import select
import shutil
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time

PID = os.getpid()
NS_S, NS_C = f"lwsdt-{PID}-wp-s", f"lwsdt-{PID}-wp-c"  # the tests' reaper
IF_S, IF_C = f"m{PID % 10000000}wps", f"m{PID % 10000000}wpc"
SO_TIMESTAMPNS = 35
CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL(None, use_errno=True)
ROOT_NS = None


def sh(cmd):
    subprocess.run(cmd, shell=True, check=True)


def setup():
    s = f"ip -n {NS_S}"
    sh(f"ip netns add {NS_S} && ip netns add {NS_C}")
    sh(f"{s} link add mvp0 type veth peer name mvp1 && {s} link set mvp1 up"
       f" && {s} link set mvp0 up && "
       f"{s} link add {IF_S} link mvp0 type macvlan mode bridge && "
       f"{s} link add {IF_C} link mvp0 type macvlan mode bridge && "
       f"{s} link set {IF_C} netns {NS_C}")
    sh(f"{s} link set lo up && ip -n {NS_C} link set lo up && "
       f"{s} link set {IF_S} up && ip -n {NS_C} link set {IF_C} up && "
       f"{s} addr add 10.80.0.1/24 dev {IF_S}")


def teardown():
    subprocess.run(f"ip netns del {NS_C}; ip netns del {NS_S}", shell=True,
                   stderr=subprocess.DEVNULL)


def enter(ns):
    fd = os.open(f"/run/netns/{ns}", os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET):
            raise OSError(ctypes.get_errno(), "setns")
    finally:
        os.close(fd)


def leave():
    libc.setns(ROOT_NS, CLONE_NEWNET)


def dnsmasq(tmp, rapid):
    log = f"{tmp}/dnsmasq.log"
    argv = ["ip", "netns", "exec", NS_S, "dnsmasq", "-k",
            "--conf-file=/dev/null", "--bind-interfaces",
            f"--interface={IF_S}", f"--dhcp-leasefile={tmp}/leases",
            f"--pid-file={tmp}/dnsmasq.pid", "--no-ping", "--log-dhcp",
            "--log-facility=-", "--user=root", "--port=0",
            "--dhcp-range=10.80.0.50,10.80.0.199,255.255.255.0,1h",
            "--dhcp-option=option:router,10.80.0.1",
            "--dhcp-option=option:dns-server,10.80.0.1",
            "--dhcp-option=option:ntp-server,10.80.0.1"]
    if rapid:
        argv.append("--dhcp-rapid-commit")
    with open(log, "w") as f:
        p = subprocess.Popen(argv, stdout=f, stderr=f)
    for _ in range(100):
        time.sleep(0.05)
        with open(log) as f:
            if "sockets bound" in f.read():
                return p
    p.kill()
    raise RuntimeError("dnsmasq did not start")


def cap_open():
    enter(NS_S)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    s.bind((IF_S, 3))
    leave()
    return s


def bootp_at(p):
    """Offset of the BOOTP header in an Ethernet frame, or None."""
    if len(p) < 34 or p[12:14] != b"\x08\x00" or p[23] != 17:
        return None
    o = 14 + (p[14] & 15) * 4 + 8
    if len(p) < o + 240 or p[o + 236:o + 240] != b"\x63\x82\x53\x63":
        return None
    return o


def options(p, o):
    i, out = o + 240, []
    while i + 1 < len(p) and p[i] != 255:
        if p[i] == 0:
            i += 1
            continue
        out.append((p[i], bytes(p[i + 2:i + 2 + p[i + 1]])))
        i += 2 + p[i + 1]
    return out


def msg_type(p):
    o = bootp_at(p)
    if o is None:
        return 0, None
    for c, v in options(p, o):
        if c == 53 and v:
            return v[0], o
    return 0, None


def frames(cap, timeout):
    """(kernel time ns, type, frame, offset) of DHCP frames until timeout."""
    end = time.monotonic() + timeout
    while True:
        left = end - time.monotonic()
        if left <= 0 or not select.select([cap], [], [], left)[0]:
            return
        data, anc, _, _ = cap.recvmsg(2048, 256)
        t = None
        for lvl, typ, d in anc:
            if lvl == socket.SOL_SOCKET and typ == SO_TIMESTAMPNS:
                sec, ns = struct.unpack("qq", d[:16])
                t = sec * 10**9 + ns
        ty, o = msg_type(data)
        if ty:
            yield t, ty, data, o


def drain(s):
    s.setblocking(False)
    try:
        while True:
            s.recv(4096)
    except BlockingIOError:
        pass
    s.setblocking(True)


def capture_discover(cap, argv):
    """Runs a client in the client namespace; its first DISCOVER's options
    (the client is ended once it is seen)."""
    subprocess.run(f"ip -n {NS_C} addr flush dev {IF_C}", shell=True)
    drain(cap)
    p = subprocess.Popen(["ip", "netns", "exec", NS_C] + argv,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    got = None
    for _, ty, d, o in frames(cap, 10):
        if ty == 1:
            got = (options(d, o), struct.unpack("!H", d[o + 10:o + 12])[0])
            break
    try:
        p.wait(timeout=5)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
    if not got:
        raise RuntimeError(f"no DISCOVER from {argv[0]}")
    return got


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(f"!{len(b) // 2}H", b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def frame(mac, xid, opts, flags, pad_to=300):
    bootp = (struct.pack("!BBBBIHH", 1, 1, 6, 0, xid, 0, flags) + bytes(16) +
             mac + bytes(10 + 192) + b"\x63\x82\x53\x63" +
             b"".join(bytes([c, len(v)]) + v for c, v in opts) + b"\xff")
    bootp += bytes(max(0, pad_to - len(bootp)))
    ulen = 8 + len(bootp)
    src, dst = bytes(4), b"\xff" * 4
    udp = struct.pack("!HHHH", 68, 67, ulen, 0) + bootp
    c = csum(src + dst + struct.pack("!BBH", 0, 17, ulen) + udp) or 0xffff
    udp = udp[:6] + struct.pack("!H", c) + udp[8:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0x10, 20 + ulen, 0, 0, 64, 17, 0,
                     src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return b"\xff" * 6 + mac + b"\x08\x00" + ip + udp


def replace(opts, code, value):
    """@opts with option @code set to @value in its place (after 53 when
    it was not there)."""
    if any(c == code for c, _ in opts):
        return [(c, value if c == code else v) for c, v in opts]
    return opts[:1] + [(code, value)] + opts[1:]


def main():
    global ROOT_NS
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    rapid = "--no-rapid" not in sys.argv
    if (os.geteuid() or not args or not shutil.which("dnsmasq") or
            not shutil.which("dhcpcd") or not shutil.which("ip")):
        print("usage (as root, with dnsmasq and dhcpcd): dhcp-wire.py "
              "MINIMAL_DHCPC [rounds] [--no-rapid]", file=sys.stderr)
        return 77
    rounds = int(args[1]) if len(args) > 1 else 200
    ROOT_NS = os.open("/proc/self/ns/net", os.O_RDONLY)
    tmp = tempfile.mkdtemp(prefix="dhcp-wire")
    dm = None
    setup()
    try:
        dm = dnsmasq(tmp, rapid)
        cap = cap_open()
        with open(f"{tmp}/dhcpcd.conf", "w") as f:
            f.write("ipv4only\nnoarp\nnoipv4ll\nnodelay\nclientid\n"
                    "define 114 string captive_portal\n"
                    "option rapid_commit, domain_name_servers, domain_name, "
                    "domain_search, interface_mtu, ntp_servers, "
                    "classless_static_routes, ipv6_only_preferred, "
                    "captive_portal\n")
        with open(f"{tmp}/hook", "w") as f:
            f.write("#!/bin/sh\nexit 0\n")
        os.chmod(f"{tmp}/hook", 0o755)
        lws, lws_flags = capture_discover(cap, [args[0], "-1", "-k", IF_C])
        dcd, dcd_flags = capture_discover(cap, [
            "unshare", "-m", "sh", "-c",
            "mount -t tmpfs t /run/dhcpcd && "
            "mount -t tmpfs t /var/lib/dhcpcd && "
            f"exec dhcpcd -1 -4 -B -f {tmp}/dhcpcd.conf -c {tmp}/hook {IF_C}"])
        enter(NS_C)
        tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        tx.bind((IF_C, 0))
        mac = tx.getsockname()[4]
        leave()
        get = dict(dcd).get
        prl = dict(lws)[55]
        variants = {
            "lws": dict(o=lws, f=lws_flags),
            "dhcpcd": dict(o=dcd, f=dcd_flags, pad=0),
            "lws+clientid01": dict(o=replace(lws, 61, b"\x01" + mac)),
            "lws+dhcpcd-prl": dict(o=replace(lws, 55, get(55))),
            "lws-108-114": dict(o=replace(
                lws, 55, bytes(c for c in prl if c not in (108, 114)))),
            "lws+vendorclass": dict(o=lws + [(60, get(60, b"dhcpcd"))]),
            "lws+broadcast": dict(o=lws, f=0x8000),
            "spin50": dict(o=lws, spin=50),
            "spin150": dict(o=lws, spin=150),
        }
        res = {k: [] for k in variants}
        for r in range(-1, rounds):  # round -1: warm-up, leases made
            order = list(variants)
            random.shuffle(order)
            for k in order:
                v = variants[k]
                time.sleep(0.02)
                drain(cap)
                xid = random.getrandbits(32)
                tx.send(frame(mac, xid, v["o"], v.get("f", 0),
                              v.get("pad", 300)))
                if v.get("spin"):
                    end = time.perf_counter_ns() + v["spin"] * 1000
                    while time.perf_counter_ns() < end:
                        pass
                t_disc = t_ack = None
                for t, ty, d, o in frames(cap, 2):
                    if struct.unpack("!I", d[o + 4:o + 8])[0] != xid:
                        continue
                    if ty == 1 and t_disc is None:
                        t_disc = t
                    elif ty == 2 and not rapid:  # REQUEST at once
                        sid = dict(options(d, o)).get(54, bytes(4))
                        req = [(53, b"\x03"), (50, d[o + 16:o + 20]),
                               (54, sid)] + [x for x in v["o"]
                                             if x[0] not in (53, 80)]
                        tx.send(frame(mac, xid, req, v.get("f", 0),
                                      v.get("pad", 300)))
                    elif ty == 5:
                        t_ack = t
                        break
                if r >= 0 and t_disc and t_ack:
                    res[k].append((t_ack - t_disc) / 1000)
        print(f"dhcp-wire: DISCOVER -> ACK at dnsmasq, Rapid Commit "
              f"{'on' if rapid else 'off'}, {rounds} interleaved rounds, "
              f"load {open('/proc/loadavg').read().split()[0]}")
        base = statistics.median(res["lws"]) if res["lws"] else 0
        for k, x in res.items():
            if not x:
                print(f"  {k:16s} no runs")
                continue
            x.sort()
            n, m = len(x), statistics.median(x)
            print(f"  {k:16s} n={n:4d} median {m:7.1f} us  p25 {x[n // 4]:6.1f}"
                  f"  p75 {x[3 * n // 4]:6.1f}  p90 {x[9 * n // 10]:7.1f}  "
                  f">0.3 ms {sum(1 for y in x if y > 300):3d}  "
                  f"{m / base if base else 0:.3f}x lws")
        return 0
    finally:
        if dm:
            dm.terminate()
            dm.wait()
        teardown()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
