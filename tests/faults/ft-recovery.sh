#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fault suite: recovery after OPERATIONAL, one device (lws-system-demo
# --stay) against the servers of scripts/testbed.sh plus servers of our own
# (ft-dns.py, ft-ntpd.py) in the server namespace.
#  1. CPD: the endpoint starts answering 302 (a portal) and the link flaps:
#     the re-check on link up reports Captive as a loss while the state
#     stays OPERATIONAL; the endpoint answers 204 again: the timed re-check
#     reports OK, the loss is over;
#  2. DNS with a second server configured (ours first on .2, dnsmasq on .1;
#     a fresh name every 250 ms): ours dies, comes back, answers SERVFAIL,
#     goes silent: after each, the time until a lookup started after the
#     fault succeeds;
#  3. NTP: chronyd is replaced by a server whose clock runs 5 min ahead: the
#     next poll (15 s) validates the new time (a step under max_step_s; a
#     larger one from a single server waits for a second to agree).
# The state never moves back from OPERATIONAL.  Every wait is bounded;
# timings are printed.
. "$(dirname "$0")/ft-lib.sh"
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }

ip -n "$TB_INF" addr add "$TB_NET.2/24" dev "$TB_IF_INF"
mode=$TB_DIR/dns-mode
echo ok >"$mode"
start_dns() {
  ip netns exec "$TB_INF" python3 "$top/tests/faults/ft-dns.py" "$TB_NET.2" \
    "$mode" 2>>"$TB_DIR/ft-dns.log" &
  TB_PIDS[10]=$!
  tb_wait 10 ip netns exec "$TB_INF" sh -c "ss -Hlun | grep -q '$TB_NET.2:53 '" ||
    fail "our DNS server did not start"
}
start_dns

tb_reset_dev
ft_demo_bg recovery --timeout 40 --ntp "$TB_NET.1" \
  --dns "$TB_NET.2,$TB_NET.1" --ntp-poll 15 \
  --cpd-url http://portal.lws.test/generate_204 \
  --cpd-url https://portal.lws.test/generate_204 --ca "$TB_DIR/pki/ca.pem" \
  --lookup-every 250 time.lws.test
wait_count 40 '"headline"' 1 || { tail -20 "$log"; fail "no OPERATIONAL"; }
grep -q '"event":"cpd","msg":"OK' "$log" || { grep cpd "$log"; fail "CPD not OK at OPERATIONAL"; }
states=$(count '"event":"state"')
echo "OPERATIONAL, CPD OK"

# 1. A portal appears; the link flaps (the re-check's trigger).
touch "$TB_DIR/flags/portal"
ip -n "$TB_DEV" link set "$TB_IF_DEV" down
wait_count 5 'vdev0: LINK_DOWN' 1 || fail "cpd: no LINK_DOWN"
sleep 1 # the fault itself: the link stays down for 1 s
ip -n "$TB_DEV" link set "$TB_IF_DEV" up
t_up=$(ms_now)
wait_count 30 '"cpd-check","msg":"Captive.*state OPERATIONAL, lost' 1 ||
  { grep -v lookup "$log" | tail -30; fail "cpd: no Captive reported after the link came up"; }
echo "cpd: portal seen $(($(ms_now) - t_up)) ms after link up (a loss; state OPERATIONAL)"
grep -o '"msg":"Captive[^"]*' "$log" | head -1
rm -f "$TB_DIR/flags/portal"
t_gone=$(ms_now)
oks=$(count '"cpd-check","msg":"OK')
wait_count 40 '"cpd-check","msg":"OK.*not lost' $((oks + 1)) ||
  { grep cpd "$log"; fail "cpd: OK not reported after the portal went"; }
echo "cpd: OK again $(($(ms_now) - t_gone)) ms after the portal went (timed re-check)"

# 2. DNS faults with a second server.
lookups() { grep -c '"event":"lookup"' "$log" || true; }
last_seq() { grep -o '"msg":"#[0-9]*' "$log" | tail -1 | tr -dc 0-9; }
# Waits until a lookup started after now succeeds; prints the time, the
# failures meanwhile and the slowest of the next successes.
seq_of() { sed -n 's/.*"msg":"#\([0-9]*\) .*/\1/p'; }
dns_recovers() { # label
  local s0 t0 deadline=$((SECONDS + 20))
  s0=$(grep '"event":"lookup"' "$log" | seq_of | tail -1); s0=${s0:-0}
  t0=$(ms_now)
  until grep '"event":"lookup".*: ok' "$log" | seq_of |
      awk -v s="$s0" '$1 > s + 1 { f = 1 } END { exit !f }'; do
    [ $SECONDS -lt $deadline ] || { tail -20 "$log"; fail "dns: $1: no lookup succeeded in 20 s"; }
    sleep 0.05
  done
  echo "dns: $1: a lookup started after it succeeded $(($(ms_now) - t0)) ms after"
  sleep 2 # the next lookups, for their times
  local rows ok nok nf mid
  rows=$(grep '"event":"lookup"' "$log" |
    sed -n 's/.*"msg":"#\([0-9]*\) [^ ]* \([a-z]*\)\( in \([0-9.]*\) ms\)\{0,1\}.*/\1 \2 \4/p' |
    awk -v s="$s0" '$1 > s')
  ok=$(awk '$2 == "ok" { print $3 }' <<<"$rows" | sort -n)
  nok=$(grep -c . <<<"$ok" || true)
  nf=$(awk '$2 != "ok"' <<<"$rows" | grep -c . || true)
  mid=$(((nok + 1) / 2))
  echo "dns: $1: since then $nok ok (median $(sed -n "${mid}p" <<<"$ok") ms, max $(tail -1 <<<"$ok") ms), $nf failed"
}
wait_count 10 '"event":"lookup".*: ok' 4 || { tail "$log"; fail "dns: no lookups"; }
kill "${TB_PIDS[10]}"; wait "${TB_PIDS[10]}" 2>/dev/null || true
dns_recovers "first server died"
start_dns
dns_recovers "first server back"
echo servfail >"$mode"
dns_recovers "first server answers SERVFAIL"
echo silent >"$mode"
dns_recovers "first server silent"
echo ok >"$mode"

# 3. NTP: chronyd replaced by a server 5 min ahead.
syncs=$(count '"msg":"validated sync')
kill "${TB_PIDS[1]}"; wait "${TB_PIDS[1]}" 2>/dev/null || true
ip netns exec "$TB_INF" python3 "$top/tests/faults/ft-ntpd.py" "$TB_NET.1" 300 \
  2>>"$TB_DIR/ft-ntpd.log" &
TB_PIDS[1]=$!
t_ntp=$(ms_now)
wait_count 45 '"msg":"validated sync' $((syncs + 1)) || { grep ntp "$log"; fail "ntp: no sync with the new server"; }
line=$(grep '"msg":"validated sync' "$log" | tail -1)
off=$(sed -n 's/.*offset \([-+][0-9]*\)\..*/\1/p' <<<"$line")
[ "${off:-0}" -gt 299000 ] && [ "$off" -lt 301000 ] || fail "ntp: offset '$off' ms, want about +300000"
echo "ntp: new server 5 min ahead validated $(($(ms_now) - t_ntp)) ms after the swap (offset $off ms)"

# Never backwards, still running, exits 0.
[ "$(count '"event":"state"')" -eq "$states" ] || { grep '"state"' "$log"; fail "the state moved after OPERATIONAL"; }
ft_stay_ends
echo "faults/recovery: all scenarios passed"
