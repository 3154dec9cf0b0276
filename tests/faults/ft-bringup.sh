#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fault suite: the whole device (lws-system-demo) against the real servers
# of scripts/testbed.sh (dnsmasq, chronyd, nginx in namespaces).
#  1. bring-up at 10 % and 30 % packet loss each way (nftables `numgen
#     random` in the server namespace): a lease and OPERATIONAL within 60 s;
#  2. steady state (--stay): a 3 s link flap on the device side: LINK_DOWN,
#     LINK_UP, the lease re-verified (BOUND), one address on the interface;
#  3. the DHCP server restarts with a new range and no memory of leases,
#     then the link flaps: the old address is refused (NAK) and a lease in
#     the new range replaces it, one address on the interface;
#  4. the demo is still running (no timeout at OPERATIONAL) and exits 0.
# Every wait is bounded; timings are printed.
. "$(dirname "$0")/ft-lib.sh"

# 1. Bring-up under loss.
for loss in 10 30; do
  tb_loss "$loss"
  tb_reset_dev
  rc=0
  out=$(tb_demo "$demo" --json --timeout 60) || rc=$?
  [ "$rc" -eq 0 ] || { echo "$out" | tail -5; fail "loss $loss %: exit $rc"; }
  lease=$(sed -n 's/.*"t_ms":\([0-9]*\)[.0-9]*,"event":"dhcp","msg":"vdev0: BOUND.*/\1/p' <<<"$out" | head -1)
  op=$(sed -n 's/.*OPERATIONAL in \([0-9]*\) ms.*/\1/p' <<<"$out")
  [ -n "$lease" ] && [ -n "$op" ] || fail "loss $loss %: no lease or OPERATIONAL"
  echo "loss $loss % each way: lease at $lease ms, OPERATIONAL at $op ms"
done
tb_loss 0

# 2.-4. Steady state with --stay.
tb_reset_dev
ft_demo_bg stay --timeout 20 --ntp "$TB_NET.1" --dns "$TB_NET.1"

wait_count 30 '"headline"' 1 || { cat "$log"; fail "--stay: no OPERATIONAL"; }
first=$(addrs)
echo "steady state: OPERATIONAL, address $first"

# 2. Link flap, 3 s.
bound=$(count 'vdev0: BOUND')
t0=$(ms_now)
ip -n "$TB_DEV" link set "$TB_IF_DEV" down
wait_count 5 'vdev0: LINK_DOWN' 1 || { cat "$log"; fail "flap: no LINK_DOWN"; }
sleep 3 # the fault itself: the link stays down for 3 s
ip -n "$TB_DEV" link set "$TB_IF_DEV" up
t_up=$(ms_now)
wait_count 5 'vdev0: LINK_UP' 1 || { cat "$log"; fail "flap: no LINK_UP"; }
wait_count 20 'vdev0: BOUND' $((bound + 1)) || { cat "$log"; fail "flap: lease not re-verified"; }
echo "link flap 3 s: lease re-verified $(($(ms_now) - t_up)) ms after link up"
[ "$(addrs)" = "$first" ] || fail "flap: addresses now '$(addrs)', was '$first'"

# 3. Renumbering: a new server range, no lease memory, then a flap.
kill "${TB_PIDS[0]}"; wait "${TB_PIDS[0]}" 2>/dev/null || true
: > "$TB_DIR/leases"
tb_dnsmasq 200 250
tb_wait 10 ip netns exec "$TB_INF" sh -c "ss -Hlun | grep -q ':67 '" ||
  fail "renumber: dnsmasq did not restart"
bound=$(count 'vdev0: BOUND')
naks=$(count 'vdev0: NAK')
ip -n "$TB_DEV" link set "$TB_IF_DEV" down
wait_count 5 'vdev0: LINK_DOWN' 2 || { cat "$log"; fail "renumber: no LINK_DOWN"; }
ip -n "$TB_DEV" link set "$TB_IF_DEV" up
t_up=$(ms_now)
wait_count 20 'vdev0: NAK' $((naks + 1)) || { cat "$log"; fail "renumber: no NAK"; }
wait_count 20 'vdev0: BOUND' $((bound + 1)) || { cat "$log"; fail "renumber: no new lease"; }
now=$(addrs)
echo "renumbering: NAK, new lease $now $(($(ms_now) - t_up)) ms after link up"
[[ "$now" =~ ^$TB_NET\.2[0-5][0-9]/24$ ]] || fail "renumber: addresses '$now' (want one in .200-.250)"

# 4. Still running, no timeout; exits 0 on SIGTERM.
ft_stay_ends
echo "faults/bringup: all scenarios passed"
