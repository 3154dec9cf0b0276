#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Integration: the whole device bring-up on an IPv6-only bed
# (scripts/testbed.sh tb_up6: radvd with RDNSS, dnsmasq DNS, chronyd and
# nginx on IPv6, no IPv4 anywhere).  From the demo's JSON: every step of
# the ladder in order with the default policy (either) passing DHCP on
# IPv6, the SLAAC address, router and RDNSS server reported, DNS, NTP and
# CPD all over IPv6, no IPv4 lease; then with --policy v4 the DHCP step is
# held, the DHCP client named as the holder.
set -euo pipefail
demo=$1 top=$2
[ "$(id -u)" -eq 0 ] || { echo "not root: skipped"; exit 77; }
for b in dnsmasq chronyd nginx openssl ip radvd; do
  command -v "$b" >/dev/null || [ -x "/usr/sbin/$b" ] || { echo "no $b: skipped"; exit 77; }
done
. "$top/scripts/testbed.sh"
trap tb_down EXIT
tb_up6
srv="$TB_NET6::1"
out=$(tb_demo "$demo" --json --ntp time.lws.test --timeout 60) ||
  { echo "$out"; echo "demo failed"; exit 1; }
echo "$out"

fail() { echo "FAIL: $*"; exit 1; }
has() { grep -qF -- "$1" <<<"$out" || fail "$2"; }
states=$(sed -n 's/.*"event":"state","msg":"\([A-Z_0-9]*\)".*/\1/p' <<<"$out" | tr '\n' ' ')
want="PRE_PRIV_DROP INITIALIZED COLLECTING_STDIN IFACE_COLDPLUG DHCP CPD_PRE_TIME TIME_VALID CPD_POST_TIME POLICY_VALID REGISTERED AUTH1 AUTH2 ONE_TIME_UPDATES OPERATIONAL POLICY_INVALID CONTEXT_DESTROYING "
[ "$states" = "$want" ] || fail "ladder was: $states"
has '"event":"policy","msg":"vdev0: either, usable: yes (v4 SELECTING, v6 router 1 address 1 dns 1)"' \
  "policy line"
grep -q "\"event\":\"ipv6\",\"msg\":\"address $TB_NET6:[0-9a-f:]*/64\"" <<<"$out" || fail "SLAAC address"
grep -q '"event":"ipv6","msg":"router fe80:' <<<"$out" || fail "router"
has "\"event\":\"ipv6\",\"msg\":\"dns server $srv " "RDNSS server"
has "\"event\":\"ntp\",\"msg\":\"server $srv stratum" "NTP over IPv6"
has '"event":"ntp","msg":"validated sync #1' "no NTP sync"
has '"event":"cpd","msg":"OK: https://portal.lws.test/generate_204' "CPD over HTTPS"
has "\"event\":\"dns\",\"msg\":\"time.lws.test -> $srv\"" "time.lws.test"
has "\"event\":\"dns\",\"msg\":\"portal.lws.test -> $srv\"" "portal.lws.test"
! grep -q '"event":"lease"' <<<"$out" || fail "an IPv4 lease on an IPv6-only bed"
! ip -n "$TB_DEV" -4 addr show dev "$TB_IF_DEV" | grep -q inet || fail "IPv4 address"
# nginx logs the client's address first: the device's SLAAC address
grep -q "^$TB_NET6:[0-9a-f:]* .*GET /generate_204" "$TB_DIR/nginx-access.log" ||
  fail "the probes did not come over IPv6"
echo "bring-up on IPv6 only: every step in order, DNS / NTP / CPD over IPv6"

# The v4 policy on the same bed: DHCP is held, by the DHCP client.
tb_reset_dev
rc=0
out=$(tb_demo "$demo" --ntp time.lws.test --policy v4 --timeout 20) || rc=$?
echo "$out" | tail -8
[ "$rc" -eq 2 ] || fail "--policy v4: exit code $rc, want 2"
has "'dhcpc' holds DHCP" "--policy v4: held step"
has "vdev0: v4, usable: no (v4 SELECTING, v6 router 1 address 1 dns 1)" \
  "--policy v4: IPv6 usable but not counted"
echo "bring-up on IPv6 only with --policy v4: DHCP held by 'dhcpc'"
