/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Unit test of the DHCPv4 codec's captive-portal URI (RFC 8910 option 114):
 * asked for in the parameter request list, kept when every byte may be in
 * a URI, dropped (the rest of the message still parses) when one may not
 * or when it does not fit.
 */
#include "private-dhcpc.h"
#include "dhcpc-msg.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

static int ack_with(const void *uri, size_t len, struct lws__dhcpc_msg *p)
{
    static const uint8_t mac[6] = {2, 0, 0, 0, 0, 1};
    struct dt_msg m = {0};

    dt_msg_reply(&m, 5, 0x1234, mac, 0x0a000032);
    dt_msg_opt32(&m, 54, 0x0a000001);
    dt_msg_opt32(&m, 51, 3600);
    if (uri)
        dt_msg_opt(&m, 114, uri, len);
    dt_msg_end(&m);
    return lws__dhcpc_parse(m.buf, m.len, p);
}

static void test_dhcpc_uri_option_114(void **state)
{
    static const char uri[] = "https://portal.example/api?x=1";
    struct lws__dhcpc_msg p;
    char big[300];
    (void)state;

    assert_int_equal(ack_with(uri, sizeof(uri) - 1, &p), 0);
    assert_string_equal(p.captive, uri);
    assert_int_equal(ack_with(NULL, 0, &p), 0);
    assert_string_equal(p.captive, "");
    /* a space, a quote, a control: the option goes, the ACK stays */
    assert_int_equal(ack_with("https://a b", 11, &p), 0);
    assert_string_equal(p.captive, "");
    assert_int_equal(ack_with("https://a\"b", 11, &p), 0);
    assert_string_equal(p.captive, "");
    assert_int_equal(ack_with("https://a\nb", 11, &p), 0);
    assert_string_equal(p.captive, "");
    assert_int_equal(ack_with("https://\xc3\xa9", 10, &p), 0);
    assert_string_equal(p.captive, "");
    /* 255 bytes fit; longer (RFC 3396 concatenation) does not */
    memset(big, 'a', sizeof(big));
    assert_int_equal(ack_with(big, 255, &p), 0);
    assert_int_equal(strlen(p.captive), 255);
}

static void test_dhcpc_uri_requested(void **state)
{
    struct lws__dhcpc_tx t = {0};
    uint8_t buf[600];
    int n;
    bool found = false;
    (void)state;

    static const uint8_t mac[6] = {2, 0, 0, 0, 0, 1};

    t.type = LWS__DHCPC_DISCOVER;
    t.mac = mac;
    n = lws__dhcpc_build(buf, sizeof(buf), &t);
    assert_true(n > 240);
    /* options from 240 on: find the PRL (55) and 114 in it */
    for (int i = 240; i + 1 < n && buf[i] != 255;) {
        if (!buf[i]) {
            i++;
            continue;
        }
        if (buf[i] == 55)
            for (int k = 0; k < buf[i + 1]; k++)
                found |= buf[i + 2 + k] == 114;
        i += 2 + buf[i + 1];
    }
    assert_true(found);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dhcpc_uri_option_114),
        cmocka_unit_test(test_dhcpc_uri_requested),
    };

    return cmocka_run_group_tests_name("dhcpc-uri", tests, NULL, NULL);
}
