/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * minimal-cpd: bring the state ladder up to OPERATIONAL with captive-portal
 * detection configured, then print what CPD found.
 *
 *   minimal-cpd [--http URL] [--https URL] [--ca PEM] [--status N]
 *               [--body TEXT] [--hold]
 *
 * With no URL it probes http://connectivitycheck.gstatic.com/generate_204.
 * Exits 0 for INTERNET_OK, 2 for CAPTIVE_PORTAL, 3 for NO_INTERNET, 1 on
 * error.
 */
#include <lws-system.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int done;

/* The "done" pass of OPERATIONAL: the ladder is up, CPD has spoken. */
static int app_notify(lws_state_manager_t *mgr, lws_state_notify_link_t *link,
                      int current, int target)
{
    (void)link;
    if (current == target && current == LWS_SYSTATE_OPERATIONAL) {
        done = 1;
        lws_cancel_service(mgr->context);
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct lws_context_creation_info info;
    struct lws_cpd_info cpd;
    lws_state_notify_link_t nl = {.notify_cb = app_notify, .name = "app"};
    lws_state_notify_link_t *nls[] = {&nl, NULL};
    struct lws_context *cx;
    lws_cpd_result_t r;

    memset(&info, 0, sizeof(info));
    memset(&cpd, 0, sizeof(cpd));
    for (int i = 1; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;

        if (!strcmp(argv[i], "--hold")) {
            cpd.flags |= LWS_CPD_F_HOLD_UNTIL_OK;
            continue;
        }
        if (!v) {
            fprintf(stderr, "%s needs a value\n", argv[i]);
            return 1;
        }
        i++;
        if (!strcmp(argv[i - 1], "--http"))
            cpd.http_url = v;
        else if (!strcmp(argv[i - 1], "--https"))
            cpd.https_url = v;
        else if (!strcmp(argv[i - 1], "--ca"))
            cpd.ca_bundle = v;
        else if (!strcmp(argv[i - 1], "--status"))
            cpd.expect_status = (int)strtol(v, NULL, 10);
        else if (!strcmp(argv[i - 1], "--body"))
            cpd.expect_body = v;
        else {
            fprintf(stderr, "unknown option %s\n", argv[i - 1]);
            return 1;
        }
    }
    if (!cpd.http_url && !cpd.https_url)
        cpd.http_url = "http://connectivitycheck.gstatic.com/generate_204";

    lws_set_log_level(LLL_ERR | LLL_WARN | LLL_NOTICE, NULL);
    info.cpd = &cpd;
    info.register_notifier_list = nls;
    cx = lws_create_context(&info);
    if (!cx)
        return 1;
    while (!done && !lws_service(cx, 0))
        ;
    r = lws_system_cpd_state_get(cx);
    printf("CPD: %s (%s)\n", lws_cpd_result_name(r), lws_system_cpd_reason(cx));
    lws_context_destroy(cx);
    return r == LWS_CPD_INTERNET_OK      ? 0
           : r == LWS_CPD_CAPTIVE_PORTAL ? 2
           : r == LWS_CPD_NO_INTERNET    ? 3
                                         : 1;
}
