#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fault suite: reordering, duplication and rate limiting on the server
# side.  Relays of our own (ft-relay.py) on a second server address (.2)
# stand between the device and dnsmasq's DNS (a DNS-only dnsmasq on the
# server namespace's loopback, the same names) and chronyd; the DHCP server
# is ours (ft-dhcpd.py), which can send every reply twice.
#  1. bring-up, three runs, with every DNS and NTP datagram delayed 0-300 ms
#     at random (reordered) and sent twice, and every DHCP reply sent twice:
#     OPERATIONAL, one lease (one BOUND, one address), one validated sync,
#     CPD OK, the names resolved; the relays' duplicate counts printed;
#  2. the DNS relay passes at most 3 answers a second while the device
#     looks up a fresh name every 100 ms for 8 s: lookups still complete,
#     every lookup gets an outcome within its deadline (nothing stuck in the
#     queue); the limit lifted, the next lookups succeed at once.
# Every wait is bounded; timings are printed.
. "$(dirname "$0")/ft-lib.sh"
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }

ft_own_dhcpd 3600
ip -n "$TB_INF" addr add "$TB_NET.2/24" dev "$TB_IF_INF"
rmode=$TB_DIR/relay-mode
ip netns exec "$TB_INF" dnsmasq -k --conf-file=/dev/null --interface=lo \
  --bind-interfaces --listen-address=127.0.0.1 --no-resolv --no-hosts \
  --log-facility="$TB_DIR/dnsmasq-dns.log" --pid-file="$TB_DIR/dnsmasq-dns.pid" \
  --address=/portal.lws.test/"$TB_NET.1" --address=/time.lws.test/"$TB_NET.1" \
  --address=/lws.test/"$TB_NET.1" &
TB_PIDS[20]=$!
up=("" 127.0.0.1 "$TB_NET.1")
for i in 1 2; do
  p=$((i == 1 ? 53 : 123))
  ip netns exec "$TB_INF" python3 "$top/tests/faults/ft-relay.py" "$TB_NET.2" \
    "${up[$i]}" "$p" "$rmode" "$TB_DIR/relay-$p.count" 2>>"$TB_DIR/relay.log" &
  TB_PIDS[$((20 + i))]=$!
done
tb_wait 10 ip netns exec "$TB_INF" sh -c "ss -Hlun | grep -q '127.0.0.1:53 ' &&
  ss -Hlun | grep -q '$TB_NET.2:53 ' && ss -Hlun | grep -q '$TB_NET.2:123 '" ||
  fail "our DNS server or relays did not start"

# 1. Reordered and duplicated bring-up.
echo "${FT_RELAY_MODE:-reorder dup}" >"$rmode"
echo dup >"$TB_DIR/dhcp-mode"
for run in 1 2 3; do
  tb_reset_dev
  rc=0
  out=$(tb_demo "$demo" --json --timeout 60 --dns "$TB_NET.2" --ntp "$TB_NET.2") || rc=$?
  [ "$rc" -eq 0 ] || { echo "$out" | grep -v attach | tail -20; fail "run $run: exit $rc"; }
  n() { grep -c "$1" <<<"$out" || true; }
  [ "$(n 'vdev0: BOUND')" -eq 1 ] || fail "run $run: $(n 'vdev0: BOUND') BOUND events"
  [ "$(n '"msg":"validated sync')" -eq 1 ] || fail "run $run: $(n '"msg":"validated sync') syncs"
  [ "$(n '"msg":"OPERATIONAL"')" -eq 1 ] || fail "run $run: OPERATIONAL $(n '"msg":"OPERATIONAL"') times"
  grep -q '"event":"cpd","msg":"OK' <<<"$out" || { grep cpd <<<"$out"; fail "run $run: CPD not OK"; }
  grep -q '"msg":"time.lws.test -> 10.77.0.1"' <<<"$out" || fail "run $run: time.lws.test"
  grep -q '"msg":"portal.lws.test -> 10.77.0.1"' <<<"$out" || fail "run $run: portal.lws.test"
  [ "$(addrs | wc -l)" -eq 1 ] || fail "run $run: addresses '$(addrs)'"
  echo "reorder+dup run $run: lease at $(sed -n 's/.*"t_ms":\([0-9]*\)[.0-9]*,"event":"dhcp","msg":"vdev0: BOUND.*/\1/p' <<<"$out") ms, $(grep -o 'OPERATIONAL in [0-9]* ms' <<<"$out"), one lease, one sync"
done
echo "relays: DNS $(cat "$TB_DIR/relay-53.count"); NTP $(cat "$TB_DIR/relay-123.count"); DHCP replies sent twice: $(grep -c ' DUP ' "$srv")"
grep -q ' dup [1-9]' "$TB_DIR/relay-53.count" || fail "the DNS relay duplicated nothing"
grep -q ' dup [1-9]' "$TB_DIR/relay-123.count" || fail "the NTP relay duplicated nothing"

# 2. DNS answers rate-limited to 3 a second.
echo ok >"$rmode"
echo ok >"$TB_DIR/dhcp-mode"
tb_reset_dev
ft_demo_bg relay --timeout 60 --dns "$TB_NET.2" --ntp "$TB_NET.2" \
  --lookup-every 100 lws.test
wait_count 30 '"headline"' 1 || { tail -20 "$log"; fail "no OPERATIONAL"; }
wait_count 10 '"event":"lookup".*: ok' 5 || { tail "$log"; fail "no lookups"; }
outcome_seqs() { grep '"event":"lookup"' "$log" | sed -n 's/.*"msg":"#\([0-9]*\) .*/\1/p'; }
s0=$(outcome_seqs | sort -n | tail -1)
echo "rate=3" >"$rmode"
sleep 8 # the fault itself: 8 s of 10 lookups a second against 3 answers
s1=$(outcome_seqs | sort -n | tail -1)
echo ok >"$rmode"
rows=$(grep '"event":"lookup"' "$log" |
  sed -n 's/.*"msg":"#\([0-9]*\) [^ ]* \([a-z]*\)\( in \([0-9.]*\) ms\)\{0,1\}.*/\1 \2 \4/p' |
  awk -v a="$s0" -v b="$s1" '$1 > a && $1 <= b')
ok=$(awk '$2 == "ok"' <<<"$rows" | grep -c . || true)
nf=$(awk '$2 != "ok"' <<<"$rows" | grep -c . || true)
echo "rate limit 3/s, 8 s: $ok lookups ok, $nf failed (max $(awk '{ print $3 }' <<<"$rows" | sort -n | tail -1) ms)"
[ "$ok" -ge 8 ] || fail "rate limit: only $ok lookups succeeded in 8 s"
# Every lookup gets an outcome within its 5 s deadline: 6 s after the limit
# was lifted, none started more than 5 s ago (50 ticks) is missing.
sleep 6
m=$(outcome_seqs | sort -n | tail -1)
missing=$(outcome_seqs | sort -un | awk -v a="$s0" -v b="$((m - 50))" '
  $1 > a && $1 <= b { seen[$1] = 1 } END { for (i = a + 1; i <= b; i++) if (!(i in seen)) n++; print n + 0 }')
[ "$missing" -eq 0 ] || fail "rate limit: $missing lookups between #$((s0 + 1)) and #$((m - 50)) never had an outcome"
ok2=$(grep '"event":"lookup".*: ok' "$log" | sed -n 's/.*"msg":"#\([0-9]*\) .*/\1/p' |
  awk -v a="$s1" '$1 > a + 20' | grep -c . || true)
echo "rate limit lifted: lookups #$((s0 + 1))..#$((m - 50)) all had an outcome; $ok2 ok since (of about 40)"
[ "$ok2" -ge 30 ] || fail "rate limit lifted: only $ok2 lookups succeeded in the 4 s after"
echo "relay DNS counts: $(cat "$TB_DIR/relay-53.count")"
ft_stay_ends
echo "faults/relay: all scenarios passed"
