# SPDX-License-Identifier: MIT
# Sourced by the fault suite's scenarios (tests/faults/ft-*.sh) with the
# demo and the source tree as $1 and $2: skips (77) without root or a
# server program, brings the testbed up (scripts/testbed.sh) and takes it
# down on exit, with a demo left running in the background (bg_pid).
set -euo pipefail
demo=$1 top=$2
[ "$(id -u)" -eq 0 ] || { echo "not root: skipped"; exit 77; }
for b in dnsmasq chronyd nginx openssl ip nft; do
  command -v "$b" >/dev/null || [ -x "/usr/sbin/$b" ] || { echo "no $b: skipped"; exit 77; }
done
. "$top/scripts/testbed.sh"
bg_pid=
ft_cleanup() {
  if [ -n "$bg_pid" ]; then
    kill "$bg_pid" 2>/dev/null || true
    wait "$bg_pid" 2>/dev/null || true
  fi
  tb_down
}
trap ft_cleanup EXIT
tb_up

fail() { echo "FAIL: $*"; exit 1; }
ms_now() { echo $(($(date +%s%N) / 1000000)); }

# Lines of the background demo's log ($log) matching a pattern; waiting for
# at least n of them while the demo ($bg_pid) runs.
count() { grep -c "$1" "$log" || true; }
wait_count() { # seconds, pattern, at least n
  local deadline=$((SECONDS + $1))
  until [ "$(count "$2")" -ge "$3" ]; do
    [ $SECONDS -lt $deadline ] || return 1
    kill -0 "$bg_pid" 2>/dev/null || return 1
    sleep 0.05
  done
}

# The --stay demo never timed out after OPERATIONAL and exits 0 on SIGTERM.
ft_stay_ends() {
  local rc=0
  grep -q '"event":"timeout"' "$log" && fail "timeout after OPERATIONAL"
  kill -TERM "$bg_pid"
  wait "$bg_pid" || rc=$?
  bg_pid=
  [ "$rc" -eq 0 ] || { tail -5 "$log"; fail "exit $rc after SIGTERM"; }
}

# Starts the demo on the device side in the background, --json and --stay,
# logging to $TB_DIR/NAME.json ($log); bg_pid is its pid.  addrs lists the
# device interface's IPv4 addresses.
ft_demo_bg() { # name, extra demo args...
  log=$TB_DIR/$1.json; shift
  : >"$log"
  (exec ip netns exec "$TB_DEV" "$demo" --iface "$TB_IF_DEV" --json --stay \
    "$@") >>"$log" 2>&1 &
  bg_pid=$!
}
addrs() { ip -n "$TB_DEV" -4 -o addr show dev "$TB_IF_DEV" | awk '{print $4}'; }

# Replaces dnsmasq (DHCP and DNS) with our DHCP server (ft-dhcpd.py, leases
# of the given seconds, .100-.150), or restarts ours; its log is $srv, its
# mode file $TB_DIR/dhcp-mode.
srv=$TB_DIR/dhcpd.log
ft_own_dhcpd() { # lease seconds
  kill "${TB_PIDS[0]}" 2>/dev/null || true
  wait "${TB_PIDS[0]}" 2>/dev/null || true
  ip netns exec "$TB_INF" python3 "$top/tests/faults/ft-dhcpd.py" "$TB_IF_INF" \
    "$TB_NET" 100 150 "$1" "$TB_DIR/dhcp-mode" >>"$srv" 2>&1 &
  TB_PIDS[0]=$!
  tb_wait 10 ip netns exec "$TB_INF" sh -c "ss -Hlun | grep -q ':67 '" ||
    fail "our DHCP server did not start"
}
