#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fault suite: DNS server health, one device (lws-system-demo --stay, a
# fresh name every 200 ms) with two servers of our own (ft-dns.py), A on .2
# first and B on .3, in the server namespace:
#  1. A goes silent: after the first lookups (one try timeout), lookups go
#     to B first and succeed quickly; A is only probed now and then;
#  2. A comes back: a probe finds it and it is asked first again;
#  3. A answers SERVFAIL: lookups go on through B, A is asked last.
# Every wait is bounded; timings are printed, the assertions are generous.
. "$(dirname "$0")/ft-lib.sh"
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }

for x in 2 3; do
  ip -n "$TB_INF" addr add "$TB_NET.$x/24" dev "$TB_IF_INF"
  echo ok >"$TB_DIR/mode$x"
  : >"$TB_DIR/q$x"
  ip netns exec "$TB_INF" python3 "$top/tests/faults/ft-dns.py" "$TB_NET.$x" \
    "$TB_DIR/mode$x" 1 "$TB_DIR/q$x" 2>>"$TB_DIR/ft-dns.log" &
  TB_PIDS[$((10 + x))]=$!
  tb_wait 10 ip netns exec "$TB_INF" sh -c "ss -Hlun | grep -q '$TB_NET.$x:53 '" ||
    fail "DNS server on .$x did not start"
done
qa() { wc -l <"$TB_DIR/q2"; }

tb_reset_dev
ft_demo_bg dnshealth --timeout 40 --ntp "$TB_NET.1" \
  --dns "$TB_NET.2,$TB_NET.3" \
  --cpd-url http://portal.lws.test/generate_204 --ca "$TB_DIR/pki/ca.pem" \
  --lookup-every 200 h.lws.test
wait_count 40 '"headline"' 1 || { tail -20 "$log"; fail "no OPERATIONAL"; }
wait_count 10 '"event":"lookup".*: ok' 5 || { tail "$log"; fail "no lookups"; }

seq_of() { sed -n 's/.*"msg":"#\([0-9]*\) .*/\1/p'; }
last_seq() { grep '"event":"lookup"' "$log" | seq_of | tail -1; }
# Lookups after sequence number $1 (started after a fault, plus $2 more
# skipped): "ok|failed ms" lines.
rows_after() {
  grep '"event":"lookup"' "$log" |
    sed -n 's/.*"msg":"#\([0-9]*\) [^ ]* \([a-z]*\)\( in \([0-9.]*\) ms\)\{0,1\}.*/\1 \2 \4/p' |
    awk -v s="$1" '$1 > s { print $2, $3 }'
}
# Prints and checks the lookups since $1: all succeeded, median < 1 s.
summary() { # label, seq, lookups skipped at the start
  local rows ok nok nf
  rows=$(rows_after "$(($2 + $3))")
  ok=$(awk '$1 == "ok" { print $2 }' <<<"$rows" | sort -n)
  nok=$(grep -c . <<<"$ok" || true)
  nf=$(awk '$1 != "ok"' <<<"$rows" | grep -c . || true)
  echo "$1: $nok ok (median $(sed -n "$(((nok + 1) / 2))p" <<<"$ok") ms," \
    "max $(tail -1 <<<"$ok") ms), $nf failed"
  [ "$nok" -ge 5 ] || fail "$1: too few lookups"
  [ "$nf" -eq 0 ] || fail "$1: lookups failed"
  awk -v n="$nok" 'NR == int((n + 1) / 2) { exit !($1 < 1000) }' <<<"$ok" ||
    fail "$1: median lookup 1 s or more"
}
echo "both servers up: $(qa) questions to A so far"

# 1. A silent.
s0=$(last_seq); q0=$(qa)
echo silent >"$TB_DIR/mode2"
t0=$(ms_now)
sleep 1.5
first=$(rows_after "$s0" | head -1)
echo "A silent: first lookup after it: $first ms"
sleep 4
summary "A silent (from the 3rd lookup on)" "$s0" 2
n=$(rows_after "$s0" | grep -c . || true)
echo "A silent: A asked $(($(qa) - q0)) times in $(($(ms_now) - t0)) ms, $n lookups ($((2 * n)) questions)"
[ $(($(qa) - q0)) -lt "$n" ] || fail "A silent: still asked first"

# 2. A back: a probe finds it, then it is asked first again.
echo ok >"$TB_DIR/mode2"
t0=$(ms_now); q0=$(qa)
deadline=$((SECONDS + 40))
until [ $(($(qa) - q0)) -ge 4 ]; do # a probe, then asked first
  [ $SECONDS -lt $deadline ] || fail "A back: never probed in 40 s"
  sleep 0.05
done
echo "A back: probed and up again $(($(ms_now) - t0)) ms after it came back"
s0=$(last_seq); q0=$(qa)
sleep 3
n=$(rows_after "$s0" | grep -c . || true)
summary "A back" "$s0" 0
echo "A back: A asked $(($(qa) - q0)) times for $n lookups"
[ $(($(qa) - q0)) -ge "$n" ] || fail "A back: not asked first again"

# 3. A answers SERVFAIL.
s0=$(last_seq); q0=$(qa)
echo servfail >"$TB_DIR/mode2"
sleep 4
summary "A SERVFAIL" "$s0" 0
n=$(rows_after "$s0" | grep -c . || true)
echo "A SERVFAIL: A asked $(($(qa) - q0)) times for $n lookups"
[ $(($(qa) - q0)) -lt "$n" ] || fail "A SERVFAIL: still asked first"
grep 'adns: server ' "$log" | head -12

ft_stay_ends
echo "faults/dnshealth: all scenarios passed"
