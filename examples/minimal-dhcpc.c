/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * minimal-dhcpc: run the DHCPv4 client on one interface and print every
 * change of its lease.  The lease is put on the interface (address,
 * routes, MTU) by the built-in rtnetlink code unless -n is given; the
 * system state machine is held at DHCP until the interface is bound.
 * Needs root (or CAP_NET_RAW + CAP_NET_ADMIN).
 *
 *   minimal-dhcpc [-n] [-a] [-R] [-k] [-l DIR] [-H HOSTNAME] [-1] IFACE
 *
 *   -n  report only, do not touch the interface
 *   -a  probe the address with ARP before using it (RFC 5227)
 *   -R  do not ask for Rapid Commit
 *   -k  keep the lease at exit (no RELEASE)
 *   -l  remember the lease in DIR for INIT-REBOOT at the next start
 *   -H  send HOSTNAME (option 12)
 *   -1  exit once bound
 *
 * Stop it with Ctrl-C: the lease is released unless -k.
 */
#include <lws-system.h>

#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct lws_context *cx;
static volatile sig_atomic_t interrupted;
static int once, bound;

static const char *ip(uint32_t host_order, char *buf, size_t len)
{
    struct in_addr a = {htonl(host_order)};

    return inet_ntop(AF_INET, &a, buf, (socklen_t)len);
}

static int on_change(void *opaque, lws_dhcpc_ifstate_t *is)
{
    char a[20], b[20];

    (void)opaque;
    printf("%s: %s, state %s\n", is->ifname, lws_dhcpc_event_name(is->event),
           lws_dhcpc_state_name(is->state));
    if (!is->ipv4)
        return 0;
    printf("  address %s/%u from server %s, lease %u s (T1 %u, T2 %u)%s\n",
           ip(is->ipv4, a, sizeof(a)), is->prefix_len,
           ip(is->server, b, sizeof(b)), is->lease_secs, is->t1_secs,
           is->t2_secs, is->rapid_commit ? ", rapid commit" : "");
    for (int i = 0; i < is->route_count; i++)
        printf("  route %s/%u via %s\n", ip(is->routes[i].dest, a, sizeof(a)),
               is->routes[i].prefix, ip(is->routes[i].gw, b, sizeof(b)));
    for (int i = 0; i < is->dns_count; i++)
        printf("  dns %s\n", ip(is->dns[i], a, sizeof(a)));
    for (int i = 0; i < is->ntp_count; i++)
        printf("  ntp %s\n", ip(is->ntp[i], a, sizeof(a)));
    if (is->domain[0])
        printf("  domain %s\n", is->domain);
    if (is->mtu)
        printf("  mtu %u\n", is->mtu);
    if (is->event == LWS_DHCPC_EVENT_BOUND)
        bound = 1;
    return 0;
}

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
    lws_cancel_service(cx); /* any thread, signal handlers included */
}

static void usage(void)
{
    fprintf(stderr, "usage: minimal-dhcpc [-n] [-a] [-R] [-k] [-l DIR] "
                    "[-H HOSTNAME] [-1] IFACE\n");
    exit(2);
}

int main(int argc, char **argv)
{
    struct lws_context_creation_info info;
    struct lws_dhcpc_info di;
    const char *iface = NULL;

    memset(&info, 0, sizeof(info));
    memset(&di, 0, sizeof(di));
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-n"))
            di.no_builtin_apply = 1;
        else if (!strcmp(argv[i], "-a"))
            di.acd = 1;
        else if (!strcmp(argv[i], "-R"))
            di.no_rapid_commit = 1;
        else if (!strcmp(argv[i], "-k"))
            di.no_release_on_remove = 1;
        else if (!strcmp(argv[i], "-1"))
            once = 1;
        else if (!strcmp(argv[i], "-l") && i + 1 < argc)
            di.lease_dir = argv[++i];
        else if (!strcmp(argv[i], "-H") && i + 1 < argc)
            di.hostname = argv[++i];
        else if (argv[i][0] == '-' || iface)
            usage();
        else
            iface = argv[i];
    }
    if (!iface)
        usage();
    info.dhcpc = &di;
    cx = lws_create_context(&info);
    if (!cx)
        return 1;
    if (lws_dhcpc_request(cx, iface, AF_INET, on_change, NULL)) {
        lws_context_destroy(cx);
        return 1;
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    while (!interrupted && !(once && bound) && !lws_service(cx, 0))
        ;
    if (!once)
        lws_dhcpc_remove(cx, iface); /* RELEASE, unless -k */
    lws_context_destroy(cx);
    return 0;
}
