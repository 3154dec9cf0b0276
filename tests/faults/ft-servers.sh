#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fault suite: servers that die and come back, against the real servers of
# scripts/testbed.sh, through the whole device (lws-system-demo).
#  1. NTP server down at boot, back 6 s later: the device waits at
#     TIME_VALID (held by the SNTP client), then syncs and reaches
#     OPERATIONAL once chronyd answers again;
#  2. first DNS server dead (nothing listening: port unreachable), second
#     one good: every name resolves, CPD is OK;
#  3. first DNS server silent (its datagrams dropped): the same, later.
# Every wait is bounded; timings are printed.
. "$(dirname "$0")/ft-lib.sh"

# 1. NTP outage at boot.
kill "${TB_PIDS[1]}"; wait "${TB_PIDS[1]}" 2>/dev/null || true
tb_reset_dev
log=$TB_DIR/ntp.json
: >"$log"
(exec ip netns exec "$TB_DEV" "$demo" --iface "$TB_IF_DEV" --json \
  --timeout 60 --ntp "$TB_NET.1" --dns "$TB_NET.1") >>"$log" 2>&1 &
bg_pid=$!
tb_wait 20 grep -q '"msg":"DHCP"' "$log" || { cat "$log"; fail "ntp: no DHCP step"; }
sleep 6 # the fault itself: NTP stays down for 6 s after the lease
grep -q '"msg":"TIME_VALID"' "$log" && fail "ntp: TIME_VALID without a server"
ip netns exec "$TB_INF" chronyd -x -d -f "$TB_DIR/chrony.conf" \
  >>"$TB_DIR/chronyd.log" 2>&1 &
TB_PIDS[1]=$!
t_back=$(ms_now)
rc=0; wait "$bg_pid" || rc=$?
bg_pid=
[ "$rc" -eq 0 ] || { tail -5 "$log"; fail "ntp: exit $rc"; }
grep -q '"event":"ntp","msg":"validated sync #1' "$log" || fail "ntp: no sync"
echo "NTP down 6 s after the lease: OPERATIONAL $(($(ms_now) - t_back)) ms (at most) after chronyd returned"

# A second DNS server: dnsmasq (DNS only) on .2; the testbed's stays on .1.
ip -n "$TB_INF" addr add "$TB_NET.2/24" dev "$TB_IF_INF"
dns_run() { # label, --dns list -> checks names and CPD, prints times
  local label=$1 out rc=0 op
  tb_reset_dev
  out=$(ip netns exec "$TB_DEV" "$demo" --iface "$TB_IF_DEV" --json \
    --timeout 60 --ntp "$TB_NET.1" --dns "$2" \
    --cpd-url http://portal.lws.test/generate_204 \
    --cpd-url https://portal.lws.test/generate_204 \
    --ca "$TB_DIR/pki/ca.pem" --resolve time.lws.test) || rc=$?
  [ "$rc" -eq 0 ] || { echo "$out" | tail -5; fail "$label: exit $rc"; }
  grep -q '"event":"cpd","msg":"OK' <<<"$out" || { echo "$out" | grep cpd; fail "$label: CPD not OK"; }
  grep -q '"msg":"time.lws.test -> 10.77.0.1"' <<<"$out" || fail "$label: time.lws.test"
  grep -q '"msg":"portal.lws.test -> 10.77.0.1"' <<<"$out" || fail "$label: portal.lws.test"
  op=$(sed -n 's/.*OPERATIONAL in \([0-9]*\) ms.*/\1/p' <<<"$out")
  echo "$label: names resolved, CPD OK, OPERATIONAL at $op ms"
}

# 2. Nothing listens on .2:53: the kernel answers port unreachable.
dns_run "first DNS server dead" "$TB_NET.2,$TB_NET.1"

# 3. .2 silent: its DNS datagrams are dropped in the server namespace.
ip netns exec "$TB_INF" nft -f - <<NFT
table inet lwsdns {
  chain in { type filter hook input priority 0; ip daddr $TB_NET.2 udp dport 53 drop; }
}
NFT
dns_run "first DNS server silent" "$TB_NET.2,$TB_NET.1"
echo "faults/servers: all scenarios passed"
