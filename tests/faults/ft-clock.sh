#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fault suite: wall-clock steps while running.  One device (lws-system-demo
# --stay --wall-clock FILE: the library reads a wall clock of the test's,
# this machine's plus FILE's offset, and its set_clock requests are applied
# to that clock; the host clock is only read) with 10 s leases from
# ft-dhcpd.py, chronyd for NTP (given and learned from the lease, polled
# every 15 s, the shortest poll) and ft-dns.py (TTL 3 s) for a name looked
# up every 250 ms:
#  1. the device starts 3 years behind: the first validated sync steps the
#     wall clock forward by years through set_clock;
#  2. the test steps the wall clock 5 hours forward, then 2 years back: the
#     library hears of the step and re-syncs at once (a burst, well before
#     the next poll), and set_clock steps the clock back; the steps the
#     library made itself start no re-sync of their own;
# and throughout: the lease is renewed every 5 s (T1, on the monotonic
# clock), never expires nor rebinds; the cached name is asked from the
# server about once per TTL, never more often (no flush), never much later
# (no stale entry); after the last step NTP keeps its 15 s poll; the state
# never moves after OPERATIONAL.  Every wait is bounded; timings are
# printed.
. "$(dirname "$0")/ft-lib.sh"
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }

ft_own_dhcpd 10
ip -n "$TB_INF" addr add "$TB_NET.2/24" dev "$TB_IF_INF"
qlog=$TB_DIR/dns-queries.log
: >"$qlog"
ip netns exec "$TB_INF" python3 "$top/tests/faults/ft-dns.py" "$TB_NET.2" \
  "$TB_DIR/dns-mode" 3 "$qlog" 2>>"$TB_DIR/ft-dns.log" &
TB_PIDS[10]=$!
tb_wait 10 ip netns exec "$TB_INF" sh -c "ss -Hlun | grep -q '$TB_NET.2:53 '" ||
  fail "our DNS server did not start"

wall=$TB_DIR/wall-offset
off_now() { cat "$wall"; }
# |offset| below a second: the test's clock agrees with the host's again.
near_zero() { awk -v o="$(off_now)" 'BEGIN { exit !(o < 1 && o > -1) }'; }
# The demo reads FILE at any time: it is replaced, never half written.
set_wall() { echo "$1" >"$wall.new" && mv "$wall.new" "$wall"; }
set_wall -94608000 # 3 years (of 365 days) behind

tb_reset_dev
# chronyd named twice: --ntp and the lease's option 42.  The first step is
# from the time floor (the build's time, the clock being behind it), over
# max_step (1000 s) once the build is older: one server named twice is
# believed as a lone one (it once waited for "another server" forever).
ft_demo_bg clock --timeout 30 --ntp "$TB_NET.1" --dns "$TB_NET.2" \
  --ntp-poll 15 --wall-clock "$wall" --lookup-cached 250 cached.lws.test
t_start=$(ms_now)
wait_count 30 '"headline"' 1 || { tail -20 "$log"; fail "no OPERATIONAL"; }
states=$(count '"event":"state"')

# 1. The first sync stepped the clock forward by years.
grep -q '"event":"clock","msg":"set_clock([0-9.]*): test wall clock stepped +94608' "$log" ||
  { grep '"clock"\|"ntp"' "$log"; fail "first sync: no step of +3 years through set_clock"; }
near_zero || fail "first sync: the test clock is $(off_now) s off"
echo "start 3 years behind: set_clock stepped it forward; $(grep -o 'link up -> OPERATIONAL in [0-9]* ms' "$log")"

# 2. External steps: each heard at once, re-validated by a burst well before
# the next poll (15 s) and set back.
step() { # label, offset in seconds, the sync's offset in whole seconds
  local syncs t0 dt line off
  syncs=$(count '"msg":"validated sync')
  set_wall "$2"
  t0=$(ms_now)
  wait_count 20 '"msg":"validated sync' $((syncs + 1)) ||
    { grep '"ntp"\|"clock"' "$log" | tail; fail "$1: no sync within 20 s"; }
  dt=$(($(ms_now) - t0))
  # The poll is 15 s: a sync within 5 s is the step's.
  [ "$dt" -lt 5000 ] || fail "$1: re-synced only after $dt ms (the poll's, not the step's)"
  line=$(grep '"msg":"validated sync' "$log" | tail -1)
  off=$(sed -n 's/.*offset \([-+][0-9.]*\) ms.*/\1/p' <<<"$line")
  awk -v o="$off" -v s="$3" 'BEGIN { d = o / 1000 - s; exit !(d < 2 && d > -2) }' ||
    fail "$1: the sync's offset is not the step: $line"
  tb_wait 2 near_zero || fail "$1: set_clock did not set the clock back ($(off_now) s)"
  echo "$1: re-validated $dt ms after the step and set the clock back ($(sed -n 's/.*\(offset [-+0-9.]* ms\).*/\1/p' <<<"$line"))"
}
sleep 3 # a renewal and a few cached lookups before the first step
step "wall clock 5 h forward" 18000 -18000
sleep 3
# The step set_clock made was reported too, and started nothing.
[ "$(count '"msg":"validated sync')" -eq 2 ] || fail "a re-sync after our own step"
step "wall clock 2 years back" -63072000 +63072000
syncs=$(count '"msg":"validated sync')
# The poll goes on from the last sync (renewals and lookups meanwhile).
wait_count 25 '"msg":"validated sync' $((syncs + 1)) || fail "ntp: no poll after the last step"
[ "$(count '"msg":"validated sync')" -eq $((syncs + 1)) ] || fail "a re-sync after our own step"
nrep=$(count 'wall clock stepped.*reported')
# 3 steps of ours (the start's, and one after each of the test's) and the
# test's 2.
[ "$nrep" -ge 5 ] || fail "the demo reported $nrep steps, not 5"

# Throughout: renewals at T1, no expiry, no rebinding.
[ "$(count 'vdev0: EXPIRED')" -eq 0 ] || fail "the lease expired"
[ "$(count 'REBINDING')" -eq 0 ] || fail "the lease went to REBINDING"
gaps=$(grep ' ACK ' "$srv" | awk '{ if (p) printf "%.2f\n", ($1 - p) / 1000; p = $1 }')
echo "renewals: ACKs $(tr '\n' ' ' <<<"$gaps")s apart (T1 5 s)"
[ "$(grep -c . <<<"$gaps")" -ge 4 ] || fail "fewer than 4 renewals"
awk '$1 < 4.5 || $1 > 6.5 { bad = 1 } END { exit bad }' <<<"$gaps" ||
  fail "a renewal not at T1 (5 s): $(tr '\n' ' ' <<<"$gaps")"

# The cache: the name asked about once per TTL (3 s) all along.
qgaps=$(awk '$2 == 1 && $3 == "cached.lws.test" { if (p) printf "%.2f\n", ($1 - p) / 1000; p = $1 }' "$qlog")
echo "cache: cached.lws.test asked from the server $(tr '\n' ' ' <<<"$qgaps")s apart (TTL 3 s, a lookup every 0.25 s)"
[ "$(grep -c . <<<"$qgaps")" -ge 5 ] || fail "cache: fewer than 6 questions"
awk '$1 < 2.9 { bad = 1 } END { exit bad }' <<<"$qgaps" || fail "cache: a question before the TTL ran out (flushed)"
awk '$1 > 4.5 { bad = 1 } END { exit bad }' <<<"$qgaps" || fail "cache: a question long after the TTL (stale entry kept)"
nf=$(grep -c '"event":"lookup".*failed' "$log" || true)
[ "$nf" -eq 0 ] || fail "cache: $nf lookups failed"

# NTP: the steps' syncs came early, then the poll went on from the last.
sgaps=$(grep '"msg":"validated sync' "$log" | sed -n 's/.*"t_ms":\([0-9.]*\),.*/\1/p' |
  awk '{ if (p) printf "%.1f\n", ($1 - p) / 1000; p = $1 }')
echo "ntp: syncs $(tr '\n' ' ' <<<"$sgaps")s apart (two steps, then the 15 s poll)"
tail -1 <<<"$sgaps" | awk '$1 < 14 || $1 > 19 { bad = 1 } END { exit bad }' ||
  fail "ntp: the sync after the last step's is off its 15 s poll"
[ "$(count '"event":"state"')" -eq "$states" ] || fail "the state moved after OPERATIONAL"
ft_stay_ends
echo "faults/clock: all scenarios passed in $(($(ms_now) - t_start)) ms"
