# SPDX-License-Identifier: MIT
# Sourced by scripts/demo and bench/bringup: a device namespace and an
# infrastructure namespace joined by a veth pair, with dnsmasq (DHCP + DNS),
# chronyd (NTP) and nginx (HTTP/HTTPS captive-portal probes, certificate
# from a CA made at run time) in the infrastructure namespace.  tb_up6
# makes the same bed with IPv6 only: radvd (prefix + RDNSS) instead of
# DHCP, and every server on the infrastructure's IPv6 address; tb_up46
# both on the same link (dual stack).  Nothing
# outside the two namespaces is touched.

TB_NET=10.77.0
TB_NET6=2001:db8:77:1 # /64 of the IPv6-only bed
TB_ID=$$
TB_DEV=lwsd-dev-$TB_ID
TB_INF=lwsd-inf-$TB_ID
TB_IF_DEV=vdev0
TB_IF_INF=vinf0
TB_DIR=
TB_PIDS=()

tb_log() { printf '%s\n' "$*" >&2; }

tb_wait() { # seconds, command... : poll until the command succeeds
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.05
  done
}

tb_down() {
  local p
  for p in "${TB_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${TB_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  TB_PIDS=()
  ip netns del "$TB_DEV" 2>/dev/null || true
  ip netns del "$TB_INF" 2>/dev/null || true
  [ -n "$TB_DIR" ] && rm -rf "$TB_DIR"
  TB_DIR=
}

tb_certs() {
  local d=$TB_DIR/pki
  mkdir -p "$d"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=lws-demo CA" \
    -keyout "$d/ca.key" -out "$d/ca.pem" >/dev/null 2>&1
  openssl req -newkey rsa:2048 -nodes -subj "/CN=portal.lws.test" \
    -keyout "$d/srv.key" -out "$d/srv.csr" >/dev/null 2>&1
  printf 'subjectAltName=DNS:portal.lws.test\n' > "$d/ext"
  openssl x509 -req -in "$d/srv.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" \
    -CAcreateserial -days 1 -extfile "$d/ext" -out "$d/srv.pem" >/dev/null 2>&1
}

# DHCP (range .FIRST-.LAST, 1 h leases) with router, DNS and NTP options,
# and DNS for the demo's names; its pid goes to TB_PIDS[0].  Further
# arguments go to dnsmasq.
tb_dnsmasq() { # first, last, [dnsmasq args...]
  ip netns exec "$TB_INF" dnsmasq -k --conf-file=/dev/null \
    --interface="$TB_IF_INF" --bind-interfaces --except-interface=lo \
    --no-resolv --no-hosts --log-facility="$TB_DIR/dnsmasq.log" \
    --pid-file="$TB_DIR/dnsmasq.pid" --dhcp-leasefile="$TB_DIR/leases" \
    --dhcp-range="$TB_NET.$1,$TB_NET.$2,255.255.255.0,1h" \
    --dhcp-option=option:router,"$TB_NET.1" \
    --dhcp-option=option:dns-server,"$TB_NET.1" \
    --dhcp-option=option:ntp-server,"$TB_NET.1" \
    --dhcp-rapid-commit --dhcp-authoritative --no-ping \
    --address=/portal.lws.test/"$TB_NET.1" \
    --address=/time.lws.test/"$TB_NET.1" "${@:3}" &
  TB_PIDS[0]=$!
}

# Drops PERCENT % of the packets at random in each direction on the server
# side of the link (nftables in the server namespace); 0 removes the rule.
tb_loss() { # percent
  ip netns exec "$TB_INF" nft delete table inet lwsloss 2>/dev/null || true
  [ "$1" -gt 0 ] || return 0
  ip netns exec "$TB_INF" nft -f - <<NFT
table inet lwsloss {
  chain in { type filter hook input priority 0; iifname "$TB_IF_INF" numgen random mod 100 < $1 drop; }
  chain out { type filter hook output priority 0; oifname "$TB_IF_INF" numgen random mod 100 < $1 drop; }
}
NFT
}

# The two namespaces and the veth pair, links up, no address; the CA.
tb_ns_up() {
  TB_DIR=$(mktemp -d "${TMPDIR:-/tmp}/lwst-demo-XXXXXX")
  ip netns add "$TB_DEV"
  ip netns add "$TB_INF"
  ip -n "$TB_DEV" link set lo up
  ip -n "$TB_INF" link set lo up
  ip link add "$TB_IF_DEV" netns "$TB_DEV" type veth peer name "$TB_IF_INF" \
    netns "$TB_INF"
  ip -n "$TB_INF" link set "$TB_IF_INF" up
  tb_certs
}

# NTP: chronyd serving its local clock on ADDRESS to NETWORK (and on
# ADDRESS2 to NETWORK2, of the other family, when given); -x: never
# touches the clock.
tb_chronyd() { # address, network, [address2, network2]
  cat > "$TB_DIR/chrony.conf" <<CONF
local stratum 8
allow $2
bindaddress $1
${3:+allow $4}
${3:+bindaddress $3}
port 123
cmdport 0
pidfile $TB_DIR/chronyd.pid
driftfile $TB_DIR/chrony.drift
CONF
  ip netns exec "$TB_INF" chronyd -x -d -f "$TB_DIR/chrony.conf" \
    >"$TB_DIR/chronyd.log" 2>&1 &
  TB_PIDS+=($!)
}

# CPD endpoints on LISTEN (nginx's form: 10.0.0.1 or [2001:db8::1]), and
# on LISTEN2 when given: 204 over HTTP and HTTPS; a portal (302) while the file $TB_DIR/flags/portal
# exists (nginx's workers, not root, must reach it).
tb_nginx() { # listen address, [listen address 2]
  mkdir -p "$TB_DIR/nginx" "$TB_DIR/flags"
  chmod 711 "$TB_DIR"
  chmod 755 "$TB_DIR/flags"
  cat > "$TB_DIR/nginx.conf" <<CONF
worker_processes 1;
pid $TB_DIR/nginx.pid;
error_log $TB_DIR/nginx-error.log;
events { worker_connections 64; }
http {
  access_log $TB_DIR/nginx-access.log;
  client_body_temp_path $TB_DIR/nginx;
  proxy_temp_path $TB_DIR/nginx;
  fastcgi_temp_path $TB_DIR/nginx;
  uwsgi_temp_path $TB_DIR/nginx;
  scgi_temp_path $TB_DIR/nginx;
  server {
    listen $1:80;
    listen $1:443 ssl;
${2:+listen $2:80;}
${2:+listen $2:443 ssl;}
    server_name portal.lws.test;
    ssl_certificate $TB_DIR/pki/srv.pem;
    ssl_certificate_key $TB_DIR/pki/srv.key;
    location /generate_204 {
      if (-f $TB_DIR/flags/portal) { return 302 http://portal.lws.test/login; }
      return 204;
    }
  }
}
CONF
  ip netns exec "$TB_INF" nginx -p "$TB_DIR/nginx" -c "$TB_DIR/nginx.conf" \
    -g 'daemon off;' >"$TB_DIR/nginx.log" 2>&1 &
  TB_PIDS+=($!)
}

# Waits until NTP, DNS and HTTPS listen on ADDRESS (ss's form) and, when
# given, something listens on UDP port EXTRA (DHCP's 67).
tb_ready() { # address, [extra udp port]
  local extra=${2:+"&& ss -Hlun | grep -q ':$2 '"}
  tb_wait 10 ip netns exec "$TB_INF" sh -c \
    "ss -Hlun | grep -qF '$1:123' && ss -Hltn | grep -qF '$1:443' &&
     ss -Hlun | grep -qF '$1:53' $extra" ||
    { tb_log "testbed: servers did not start"; cat "$TB_DIR"/*.log >&2; return 1; }
}

tb_up() {
  tb_ns_up
  ip -n "$TB_INF" addr add "$TB_NET.1/24" dev "$TB_IF_INF"
  tb_dnsmasq 100 150
  tb_chronyd "$TB_NET.1" "$TB_NET.0/24"
  tb_nginx "$TB_NET.1"
  tb_ready "$TB_NET.1" 67
}

# radvd: the /64 for SLAAC and the infrastructure's ::1 as RDNSS.
tb_radvd() {
  cat > "$TB_DIR/radvd.conf" <<CONF
interface $TB_IF_INF {
  AdvSendAdvert on;
  MinRtrAdvInterval 3;
  MaxRtrAdvInterval 10;
  prefix $TB_NET6::/64 { AdvOnLink on; AdvAutonomous on; };
  RDNSS $TB_NET6::1 { AdvRDNSSLifetime 600; };
};
CONF
  ip netns exec "$TB_INF" radvd -n -m stderr -C "$TB_DIR/radvd.conf" \
    -p "$TB_DIR/radvd.pid" >"$TB_DIR/radvd.log" 2>&1 &
  TB_PIDS+=($!)
}

# The IPv6-only bed: no IPv4 address on either side.  radvd advertises the
# /64 (SLAAC) with the infrastructure as RDNSS; dnsmasq is the DNS server
# only (its pid is TB_PIDS[0], as with tb_up), chronyd and nginx listen on
# the same IPv6 address.
tb_up6() {
  tb_ns_up
  ip netns exec "$TB_INF" sysctl -qw net.ipv6.conf.all.forwarding=1
  ip -n "$TB_INF" -6 addr add "$TB_NET6::1/64" dev "$TB_IF_INF" nodad
  ip netns exec "$TB_INF" dnsmasq -k --conf-file=/dev/null \
    --listen-address="$TB_NET6::1" --bind-interfaces \
    --no-resolv --no-hosts --log-facility="$TB_DIR/dnsmasq.log" \
    --pid-file="$TB_DIR/dnsmasq.pid" \
    --address=/portal.lws.test/"$TB_NET6::1" \
    --address=/time.lws.test/"$TB_NET6::1" &
  TB_PIDS[0]=$!
  tb_radvd
  tb_chronyd "$TB_NET6::1" "$TB_NET6::/64"
  tb_nginx "[$TB_NET6::1]"
  tb_ready "[$TB_NET6::1]"
}

# The dual-stack bed: tb_up's IPv4 (DHCP from dnsmasq) and tb_up6's IPv6
# (radvd: SLAAC prefix and RDNSS) on the same link; dnsmasq answers DNS on
# both families with both an A and an AAAA for each name, chronyd and
# nginx listen on both addresses.
tb_up46() {
  tb_ns_up
  ip netns exec "$TB_INF" sysctl -qw net.ipv6.conf.all.forwarding=1
  ip -n "$TB_INF" addr add "$TB_NET.1/24" dev "$TB_IF_INF"
  ip -n "$TB_INF" -6 addr add "$TB_NET6::1/64" dev "$TB_IF_INF" nodad
  tb_dnsmasq 100 150 --address=/portal.lws.test/"$TB_NET6::1" \
    --address=/time.lws.test/"$TB_NET6::1"
  tb_radvd
  tb_chronyd "$TB_NET.1" "$TB_NET.0/24" "$TB_NET6::1" "$TB_NET6::/64"
  tb_nginx "$TB_NET.1" "[$TB_NET6::1]"
  tb_ready "$TB_NET.1" 67 && tb_ready "[$TB_NET6::1]"
}

# Puts the device side back to "link down, no address" between runs.
tb_reset_dev() {
  ip -n "$TB_DEV" link set "$TB_IF_DEV" down
  ip -n "$TB_DEV" addr flush dev "$TB_IF_DEV"
  : > "$TB_DIR/leases"
}

tb_demo() { # demo binary, extra args...
  local bin=$1; shift
  ip netns exec "$TB_DEV" "$bin" --iface "$TB_IF_DEV" \
    --cpd-url http://portal.lws.test/generate_204 \
    --cpd-url https://portal.lws.test/generate_204 \
    --ca "$TB_DIR/pki/ca.pem" --resolve time.lws.test "$@"
}
