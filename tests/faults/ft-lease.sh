#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fault suite: short leases from a DHCP server of our own (ft-dhcpd.py, 10 s
# leases, T1 5 s, T2 8.75 s; dnsmasq's shortest is 2 min) in place of
# dnsmasq's DHCP, one device (lws-system-demo --stay):
#  1. renewals: the lease is renewed at T1, again and again;
#  2. the server stops answering (no NAK): RENEWING, REBINDING, then the
#     lease expires at its end (never before), the address leaves the
#     interface; the server answers again: a new lease;
#  3. the link goes down for longer than the lease: the lease expires while
#     it is down; link up: a fresh lease, one address on the interface.
# Every wait is bounded; timings are printed.
. "$(dirname "$0")/ft-lib.sh"
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }

mode=$TB_DIR/dhcp-mode
echo ok >"$mode"
ft_own_dhcpd 10

tb_reset_dev
ft_demo_bg lease --timeout 30 --ntp "$TB_NET.1" --dns "$TB_NET.1"
acks() { grep -c ' ACK ' "$srv" || true; }
wait_acks() { # seconds, at least n
  local deadline=$((SECONDS + $1))
  until [ "$(acks)" -ge "$2" ]; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.05
  done
}
last_ack_ms() { grep ' ACK ' "$srv" | tail -1 | cut -d' ' -f1 | cut -d. -f1; }

wait_count 30 '"headline"' 1 || { cat "$log" "$srv"; fail "no OPERATIONAL"; }
echo "OPERATIONAL with a 10 s lease: $(addrs)"

# 1. Two renewals at T1.
n=$(acks)
wait_acks 15 $((n + 2)) || { cat "$srv"; tail "$log"; fail "renew: no renewals"; }
grep ' ACK ' "$srv" | tail -3 | awk '{ if (p) printf "renew: ACK %.1f s after the previous\n", ($1 - p) / 1000; p = $1 }'

# 2. The server goes silent: the lease runs out.
echo silent >"$mode"
t_ack=$(last_ack_ms)
wait_count 20 'vdev0: EXPIRED' 1 || { tail -20 "$log"; fail "silent: the lease did not expire"; }
t_exp=$(ms_now)
[ -z "$(addrs)" ] || fail "silent: address '$(addrs)' still on the interface after EXPIRED"
el=$((t_exp - t_ack))
echo "silent server: EXPIRED $el ms after the last ACK (lease 10 s), address removed"
[ "$el" -ge 9000 ] || fail "silent: the lease expired early ($el ms after its last ACK)"
echo ok >"$mode"
t_back=$(ms_now)
bound=$(count 'vdev0: BOUND')
wait_count 30 'vdev0: BOUND' $((bound + 1)) || { tail -20 "$log"; fail "silent: no new lease after the server came back"; }
echo "silent server: a new lease $(addrs) $(($(ms_now) - t_back)) ms after it answered again"

# 3. Link down for 13 s (longer than the lease).
exp=$(count 'vdev0: EXPIRED')
bound=$(count 'vdev0: BOUND')
ip -n "$TB_DEV" link set "$TB_IF_DEV" down
wait_count 5 'vdev0: LINK_DOWN' 1 || fail "long flap: no LINK_DOWN"
sleep 13 # the fault itself: longer than the 10 s lease
[ "$(count 'vdev0: EXPIRED')" -gt "$exp" ] || { tail -20 "$log"; fail "long flap: the lease did not expire while the link was down"; }
ip -n "$TB_DEV" link set "$TB_IF_DEV" up
t_up=$(ms_now)
wait_count 30 'vdev0: BOUND' $((bound + 1)) || { tail -20 "$log"; fail "long flap: no lease after link up"; }
echo "link down 13 s: lease expired while down; a new lease $(addrs) $(($(ms_now) - t_up)) ms after link up"
[ "$(addrs | wc -l)" -eq 1 ] || fail "long flap: addresses '$(addrs)'"
ft_stay_ends
echo "faults/lease: all scenarios passed"
