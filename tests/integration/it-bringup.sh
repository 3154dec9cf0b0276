#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Integration: the whole device bring-up in network namespaces against
# dnsmasq (DHCP + DNS), chronyd and nginx (scripts/testbed.sh).  Asserts
# every step of the ladder in order, the lease, the NTP sync, the CPD
# result, the names resolved and the attach callbacks, from the demo's JSON.
set -euo pipefail
demo=$1 top=$2
[ "$(id -u)" -eq 0 ] || { echo "not root: skipped"; exit 77; }
for b in dnsmasq chronyd nginx openssl ip; do
  command -v "$b" >/dev/null || [ -x "/usr/sbin/$b" ] || { echo "no $b: skipped"; exit 77; }
done
. "$top/scripts/testbed.sh"
trap tb_down EXIT
tb_up
out=$(tb_demo "$demo" --json --timeout 30) || { echo "$out"; echo "demo failed"; exit 1; }
echo "$out"

fail() { echo "FAIL: $*"; exit 1; }
states=$(sed -n 's/.*"event":"state","msg":"\([A-Z_0-9]*\)".*/\1/p' <<<"$out" | tr '\n' ' ')
want="PRE_PRIV_DROP INITIALIZED COLLECTING_STDIN IFACE_COLDPLUG DHCP CPD_PRE_TIME TIME_VALID CPD_POST_TIME POLICY_VALID REGISTERED AUTH1 AUTH2 ONE_TIME_UPDATES OPERATIONAL POLICY_INVALID CONTEXT_DESTROYING "
[ "$states" = "$want" ] || fail "ladder was: $states"
grep -q '"event":"dhcp","msg":"vdev0: BOUND' <<<"$out" || fail "no BOUND"
grep -q '"event":"lease","msg":"vdev0 10.77.0.1[0-5][0-9]/24 router 10.77.0.1' <<<"$out" || fail "lease"
grep -q '"event":"lease","msg":"ntp server 10.77.0.1"' <<<"$out" || fail "no NTP server from DHCP"
grep -q '"event":"ntp","msg":"validated sync #1' <<<"$out" || fail "no NTP sync"
grep -q '"event":"clock","msg":"set_clock(' <<<"$out" || fail "set_clock not requested"
grep -q '"event":"cpd","msg":"OK' <<<"$out" || fail "CPD not OK"
grep -q '"event":"dns","msg":"time.lws.test -> 10.77.0.1"' <<<"$out" || fail "time.lws.test"
grep -q '"event":"dns","msg":"portal.lws.test -> 10.77.0.1"' <<<"$out" || fail "portal.lws.test"
# The DHCP step came before the DHCP-gated attach callback, which came
# before TIME_VALID; the OPERATIONAL-gated one came after OPERATIONAL.
order=$(grep -n -E '"msg":"(DHCP|TIME_VALID|OPERATIONAL)"|thread ' <<<"$out" | cut -d: -f1 | tr '\n' ' ')
n_dhcp=$(grep -n '"msg":"DHCP"' <<<"$out" | cut -d: -f1)
n_net=$(grep -n "thread 'net-user'" <<<"$out" | cut -d: -f1)
n_tv=$(grep -n '"msg":"TIME_VALID"' <<<"$out" | cut -d: -f1)
n_tls=$(grep -n "thread 'tls-user'" <<<"$out" | cut -d: -f1)
n_op=$(grep -n '"msg":"OPERATIONAL"' <<<"$out" | cut -d: -f1)
n_app=$(grep -n "thread 'app'" <<<"$out" | cut -d: -f1)
[ "$n_dhcp" -lt "$n_net" ] && [ "$n_net" -lt "$n_tv" ] && [ "$n_tv" -lt "$n_tls" ] &&
  [ "$n_op" -lt "$n_app" ] || fail "attach order: $order"
grep -q '"event":"headline","msg":"link up -> OPERATIONAL in [0-9]* ms"' <<<"$out" || fail "headline"
echo "bring-up: every step in order"

# --stay: the timeout bounds the bring-up only.  Run with a 2 s timeout,
# wait for OPERATIONAL, then for twice the timeout more: the demo must still
# be running (and print no timeout), and exit 0 on SIGTERM.
tb_reset_dev
stay_out=$TB_DIR/stay.out
# exec: the signal must reach the demo, not a subshell running tb_demo.
(exec ip netns exec "$TB_DEV" "$demo" --iface "$TB_IF_DEV" --stay --timeout 2 \
  --ntp "$TB_NET.1" --dns "$TB_NET.1") >"$stay_out" 2>&1 &
stay_pid=$!
tb_wait 30 grep -q '"headline"\|link up -> OPERATIONAL' "$stay_out" ||
  { cat "$stay_out"; kill "$stay_pid"; fail "--stay: no OPERATIONAL"; }
t_op=$SECONDS
# Not a wait for an event: the assertion is that nothing happens for 4 s
# after OPERATIONAL, twice the timeout that used to end the run.
sleep 4
kill -0 "$stay_pid" 2>/dev/null || { cat "$stay_out"; fail "--stay: exited $((SECONDS - t_op)) s after OPERATIONAL"; }
kill -TERM "$stay_pid"
rc=0; wait "$stay_pid" || rc=$?
tail -3 "$stay_out"
[ "$rc" -eq 0 ] || { cat "$stay_out"; fail "--stay: exit code $rc after SIGTERM, want 0"; }
! grep -q "timeout" "$stay_out" || { cat "$stay_out"; fail "--stay: timeout after OPERATIONAL"; }
grep -q "interrupted" "$stay_out" || fail "--stay: no 'interrupted'"
echo "bring-up --stay: still running 4 s after OPERATIONAL with a 2 s timeout, exit 0 on SIGTERM"

# Without a DHCP server the demo must give up with the reason, not hang.
kill "${TB_PIDS[0]}" && wait "${TB_PIDS[0]}" 2>/dev/null || true
tb_reset_dev
rc=0
out=$(tb_demo "$demo" --timeout 2) || rc=$?
echo "$out" | tail -3
[ "$rc" -eq 2 ] || fail "timeout exit code $rc, want 2"
grep -q "timeout .*held by 'dhcpc'" <<<"$out" || fail "timeout reason"
grep -q "'dhcpc' holds DHCP" <<<"$out" || fail "held step"
echo "bring-up without DHCP: exit 2 naming the holder"
