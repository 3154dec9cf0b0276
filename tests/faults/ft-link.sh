#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fault suite: the link during and after DORA, one device (lws-system-demo
# --stay) against a DHCP server of our own (ft-dhcpd.py, 10 s leases; its
# mode file holds the client in a state):
#  1. carrier loss in SELECTING: the server is silent, the server-side veth
#     goes down (the device's end loses carrier, its admin state stays up)
#     and up again, the server answers: LINK_DOWN, LINK_UP, a lease;
#  2. carrier loss in REQUESTING (a fresh device): the server offers but
#     does not ACK, the carrier goes and comes back, the server answers:
#     the same;
#  3. the interface removed and re-created (ip link del, a new veth pair
#     with the same names, so a new MAC and ifindex), three times: the
#     client sees it go (rtnetlink), drops the lease, and leases anew on the
#     new interface, asking as the new MAC; open fds do not grow.
# Every wait is bounded; timings are printed.
. "$(dirname "$0")/ft-lib.sh"
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }

mode=$TB_DIR/dhcp-mode
srv_count() { grep -c "$1" "$srv" || true; }
wait_srv() { # seconds, pattern, at least n
  local deadline=$((SECONDS + $1))
  until [ "$(srv_count "$2")" -ge "$3" ]; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.05
  done
}
fds() { ls "/proc/$bg_pid/fd" | wc -l; }

echo silent >"$mode"
ft_own_dhcpd 10
tb_reset_dev
ft_demo_bg link --timeout 60 --ntp "$TB_NET.1" --dns "$TB_NET.1"

# Carrier loss while the client waits in a DORA state.
carrier_loss() { # label, server mode, the request it waits for
  local down up bound t_up
  wait_srv 10 "RX-$3" $(($(srv_count "RX-$3") + 1)) ||
    { cat "$srv"; fail "$1: no $3 from the client"; }
  down=$(count 'vdev0: LINK_DOWN'); up=$(count 'vdev0: LINK_UP')
  bound=$(count 'vdev0: BOUND')
  ip -n "$TB_INF" link set "$TB_IF_INF" down
  wait_count 5 'vdev0: LINK_DOWN' $((down + 1)) || { tail "$log"; fail "$1: no LINK_DOWN on carrier loss"; }
  ip -n "$TB_DEV" -o link show "$TB_IF_DEV" | grep -q 'NO-CARRIER' ||
    fail "$1: the device's end did not lose carrier"
  sleep 1 # the fault itself: no carrier for 1 s
  echo ok >"$mode"
  ip -n "$TB_INF" link set "$TB_IF_INF" up
  t_up=$(ms_now)
  wait_count 5 'vdev0: LINK_UP' $((up + 1)) || { tail "$log"; fail "$1: no LINK_UP"; }
  wait_count 20 'vdev0: BOUND' $((bound + 1)) || { tail "$log"; fail "$1: no lease after the carrier came back"; }
  echo "$1: LINK_DOWN, LINK_UP; a lease $(($(ms_now) - t_up)) ms after the carrier came back"
  [ "$(addrs | wc -l)" -eq 1 ] || fail "$1: addresses '$(addrs)'"
}

# 1. In SELECTING (the server silent).
carrier_loss "carrier lost in SELECTING" silent DISCOVER
wait_count 30 '"headline"' 1 || { tail -20 "$log"; fail "no OPERATIONAL"; }

ft_stay_ends

# 2. In REQUESTING (offers, no ACK), a device without a lease.
echo noack >"$mode"
tb_reset_dev
offers=$(srv_count ' OFFER ')
ft_demo_bg link2 --timeout 60 --ntp "$TB_NET.1" --dns "$TB_NET.1"
wait_srv 10 ' OFFER ' $((offers + 1)) || { cat "$srv"; fail "no OFFER"; }
carrier_loss "carrier lost in REQUESTING" noack REQUEST
wait_count 30 '"headline"' 1 || { tail -20 "$log"; fail "no OPERATIONAL"; }

# 3. The interface removed and re-created, three times.
fd0=$(fds)
for i in 1 2 3; do
  bound=$(count 'vdev0: BOUND')
  down=$(count 'vdev0: LINK_DOWN')
  mac_old=$(ip -n "$TB_DEV" -o link show "$TB_IF_DEV" | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2)
  ip -n "$TB_DEV" link del "$TB_IF_DEV"
  t_del=$(ms_now)
  wait_count 5 'vdev0: LINK_DOWN' $((down + 1)) || { tail "$log"; fail "removal $i: not noticed"; }
  echo "removal $i: noticed (LINK_DOWN) $(($(ms_now) - t_del)) ms after ip link del"
  ip link add "$TB_IF_DEV" netns "$TB_DEV" type veth peer name "$TB_IF_INF" \
    netns "$TB_INF"
  ip -n "$TB_INF" addr add "$TB_NET.1/24" dev "$TB_IF_INF"
  ip -n "$TB_INF" link set "$TB_IF_INF" up
  ft_own_dhcpd 10 # its socket was bound to the old interface
  mac=$(ip -n "$TB_DEV" -o link show "$TB_IF_DEV" | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2)
  [ "$mac" != "$mac_old" ] || fail "removal $i: the new veth has the old MAC"
  ip -n "$TB_DEV" link set "$TB_IF_DEV" up
  t_up=$(ms_now)
  wait_count 20 'vdev0: BOUND' $((bound + 1)) || { tail "$log"; cat "$srv"; fail "removal $i: no lease on the new interface"; }
  grep -q "RX-DISCOVER $mac" "$srv" || fail "removal $i: no DISCOVER from the new MAC $mac"
  [ "$(addrs | wc -l)" -eq 1 ] || fail "removal $i: addresses '$(addrs)'"
  echo "removal $i: a lease $(addrs) as $mac $(($(ms_now) - t_up)) ms after the new interface came up; fds $(fds)"
  [ "$i" -ne 1 ] || fd1=$(fds)
done
echo "fds: $fd0 before the first removal, $fd1 after it, $(fds) after the third"
[ "$(fds)" -le "$fd1" ] || fail "fds grew from $fd1 to $(fds) over two more removals"
[ "$(fds)" -le "$((fd0 + 2))" ] || fail "fds grew from $fd0 to $(fds)"
ft_stay_ends
echo "faults/link: all scenarios passed"
