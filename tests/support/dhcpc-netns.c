/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Network namespace helpers (see dhcpc-netns.h).
 */
#if !defined(_GNU_SOURCE)
#define _GNU_SOURCE
#endif
#include "dhcpc-netns.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <netinet/in.h>
#include <sys/socket.h>

#define DT_PREFIX "lwsdt-"

static int dt_vsh(const char *ns, char *out, size_t outlen, const char *fmt,
                  va_list ap)
{
    char cmd[1024], full[1200];
    FILE *f;
    size_t got = 0;
    int st;

    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    if (ns)
        snprintf(full, sizeof(full), "ip netns exec %s sh -c '%s'", ns, cmd);
    else
        snprintf(full, sizeof(full), "%s", cmd);
    f = popen(full, "r");
    if (!f)
        return -1;
    if (out && outlen) {
        size_t n;

        while (got + 1 < outlen &&
               (n = fread(out + got, 1, outlen - 1 - got, f)) > 0)
            got += n;
        out[got] = '\0';
    }
    {
        char sink[256];

        while (fread(sink, 1, sizeof(sink), f) > 0)
            ;
    }
    st = pclose(f);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int dt_netns_sh(const char *ns, char *out, size_t outlen, const char *fmt, ...)
{
    va_list ap;
    int r;

    va_start(ap, fmt);
    r = dt_vsh(ns, out, outlen, fmt, ap);
    va_end(ap);
    return r;
}

static int dt_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int dt_sh(const char *fmt, ...)
{
    va_list ap;
    int r;

    va_start(ap, fmt);
    r = dt_vsh(NULL, NULL, 0, fmt, ap);
    va_end(ap);
    return r;
}

void dt_netns_reap_stale(void)
{
    DIR *dir = opendir("/run/netns");
    struct dirent *de;

    if (!dir)
        return;
    while ((de = readdir(dir))) {
        char *end;
        long pid;

        if (strncmp(de->d_name, DT_PREFIX, strlen(DT_PREFIX)))
            continue;
        pid = strtol(de->d_name + strlen(DT_PREFIX), &end, 10);
        if (pid <= 0 || *end != '-' || pid == getpid())
            continue;
        /* its creator is gone: end what it left running in there (a
         * server it started), then the namespace */
        if (kill((pid_t)pid, 0) && errno == ESRCH)
            dt_sh("ip netns pids %s 2>/dev/null | xargs -r kill -9; "
                  "ip netns del %s 2>/dev/null",
                  de->d_name, de->d_name);
    }
    closedir(dir);
}

/* Names of a pair's namespaces and links (pid-unique), after reaping the
 * leftovers of dead test processes; @kind tells link types apart. */
static void dt_netpair_names(struct dt_netpair *p, const char *tag, char kind)
{
    int pid = (int)getpid();

    memset(p, 0, sizeof(*p));
    dt_netns_reap_stale();
    snprintf(p->ns_srv, sizeof(p->ns_srv), DT_PREFIX "%d-%s-s", pid, tag);
    snprintf(p->ns_cli, sizeof(p->ns_cli), DT_PREFIX "%d-%s-c", pid, tag);
    snprintf(p->if_srv, sizeof(p->if_srv), "%c%d%.3ss", kind, pid % 10000000,
             tag);
    snprintf(p->if_cli, sizeof(p->if_cli), "%c%d%.3sc", kind, pid % 10000000,
             tag);
    p->created = true;
}

int dt_netpair_create(struct dt_netpair *p, const char *tag,
                      const char *srv_cidr)
{
    dt_netpair_names(p, tag, 'd');
    if (dt_sh("ip netns add %s && ip netns add %s", p->ns_srv, p->ns_cli) ||
        dt_sh("ip link add %s netns %s type veth peer name %s netns %s",
              p->if_srv, p->ns_srv, p->if_cli, p->ns_cli) ||
        dt_sh("ip -n %s link set lo up && ip -n %s link set lo up && "
              "ip -n %s link set %s up && ip -n %s link set %s up",
              p->ns_srv, p->ns_cli, p->ns_srv, p->if_srv, p->ns_cli,
              p->if_cli) ||
        (srv_cidr && dt_sh("ip -n %s addr add %s dev %s", p->ns_srv, srv_cidr,
                           p->if_srv))) {
        fprintf(stderr, "dt_netpair_create(%s) failed\n", tag);
        dt_netpair_destroy(p);
        return -1;
    }
    return 0;
}

int dt_netpair_create_macvlan(struct dt_netpair *p, const char *tag,
                              const char *srv_cidr)
{
    dt_netpair_names(p, tag, 'm');
    if (dt_sh("ip netns add %s && ip netns add %s", p->ns_srv, p->ns_cli) ||
        /* the parent: a veth pair kept up inside the server namespace */
        dt_sh("ip -n %s link add mvp0 type veth peer name mvp1 && "
              "ip -n %s link set mvp1 up && ip -n %s link set mvp0 up && "
              "ip -n %s link add %s link mvp0 type macvlan mode bridge && "
              "ip -n %s link add %s link mvp0 type macvlan mode bridge && "
              "ip -n %s link set %s netns %s",
              p->ns_srv, p->ns_srv, p->ns_srv, p->ns_srv, p->if_srv, p->ns_srv,
              p->if_cli, p->ns_srv, p->if_cli, p->ns_cli) ||
        dt_sh("ip -n %s link set lo up && ip -n %s link set lo up && "
              "ip -n %s link set %s up && ip -n %s link set %s up",
              p->ns_srv, p->ns_cli, p->ns_srv, p->if_srv, p->ns_cli,
              p->if_cli) ||
        (srv_cidr && dt_sh("ip -n %s addr add %s dev %s", p->ns_srv, srv_cidr,
                           p->if_srv))) {
        fprintf(stderr, "dt_netpair_create_macvlan(%s) failed\n", tag);
        dt_netpair_destroy(p);
        return -1;
    }
    return 0;
}

void dt_netpair_destroy(struct dt_netpair *p)
{
    if (!p->created)
        return;
    p->created = false;
    dt_sh("ip netns del %s 2>/dev/null", p->ns_cli);
    dt_sh("ip netns del %s 2>/dev/null", p->ns_srv);
}

int dt_netns_enter(const char *ns, int *saved)
{
    char path[128];
    int fd;

    *saved = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (*saved < 0)
        return -1;
    snprintf(path, sizeof(path), "/run/netns/%s", ns);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || setns(fd, CLONE_NEWNET)) {
        if (fd >= 0)
            close(fd);
        close(*saved);
        *saved = -1;
        return -1;
    }
    close(fd);
    return 0;
}

int dt_netns_leave(int saved)
{
    int r;

    if (saved < 0)
        return -1;
    r = setns(saved, CLONE_NEWNET);
    close(saved);
    return r;
}

int dt_link_set(const char *ns, const char *ifname, bool up)
{
    return dt_sh("ip -n %s link set %s %s", ns, ifname, up ? "up" : "down");
}

int dt_ra_sock(const char *ns, const char *ifname)
{
    int saved, hops = 255, fd;

    if (dt_netns_enter(ns, &saved))
        return -1;
    fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
    dt_netns_leave(saved);
    if (fd >= 0 && (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname,
                               (socklen_t)strlen(ifname)) ||
                    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops,
                               sizeof(hops)))) {
        close(fd);
        fd = -1;
    }
    return fd;
}
