/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Unit tests of the RFC 8908 Captive Portal API reader (pure): the state
 * object of RFC 8908 section 5 with its members, members skipped whatever
 * their kind, the bounds (size, nesting, URL length and characters,
 * integers), every truncation refused, and the Content-Type check; the API
 * request's Accept header; and on a real context the captive-portal URI
 * taken from the network news (kept, replaced, cleared, reported by
 * lws_system_cpd_get_status()).
 */
#include "private-cpd.h"
#include "private-cpd-capport.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>

static int parse(const char *s, struct lws__capport *c)
{
    return lws__capport_parse((const uint8_t *)s, strlen(s), c);
}

static void test_capport_rfc8908_example(void **state)
{
    static const char ex[] =
        "{\n  \"captive\": false,\n"
        "  \"user-portal-url\": \"https://example.org/portal.html\",\n"
        "  \"venue-info-url\": \"https://flight.example.com/entertainment\",\n"
        "  \"seconds-remaining\": 326,\n"
        "  \"can-extend-session\": true\n}\n";
    struct lws__capport c;
    (void)state;

    assert_int_equal(parse(ex, &c), 0);
    assert_int_equal(c.captive, 0);
    assert_int_equal(c.can_extend, 1);
    assert_int_equal(c.seconds_remaining, 326);
    assert_int_equal(c.bytes_remaining, -1);
    assert_string_equal(c.user_portal_url, "https://example.org/portal.html");
    assert_string_equal(c.venue_info_url,
                        "https://flight.example.com/entertainment");

    assert_int_equal(parse("{\"captive\":true}", &c), 0);
    assert_int_equal(c.captive, 1);
    assert_int_equal(c.seconds_remaining, -1);
    assert_string_equal(c.user_portal_url, "");
}

static void test_capport_members_skipped(void **state)
{
    struct lws__capport c;
    (void)state;

    /* unknown members of every kind, escapes, nesting, empty containers */
    assert_int_equal(
        parse("{\"x\":{\"a\":[1,-2.5e3,{\"b\":null},[]],\"c\":\"\\u0041\\n\"},"
              "\"y\":[],\"z\":{},\"captive\":true,\"w\":false}",
              &c),
        0);
    assert_int_equal(c.captive, 1);
    /* escaped slashes are a URL's own */
    assert_int_equal(parse("{\"captive\":true,\"user-portal-url\":"
                           "\"https:\\/\\/p.example\\/login\"}",
                           &c),
                     0);
    assert_string_equal(c.user_portal_url, "https://p.example/login");
    /* a URL member that is not a string is skipped */
    assert_int_equal(parse("{\"captive\":true,\"user-portal-url\":[1]}", &c),
                     0);
    assert_string_equal(c.user_portal_url, "");
    /* the last of repeated members counts */
    assert_int_equal(parse("{\"captive\":true,\"captive\":false}", &c), 0);
    assert_int_equal(c.captive, 0);
}

static void test_capport_bounds(void **state)
{
    char big[LWS__CAPPORT_JSON_MAX + 64], url[400];
    struct lws__capport c;
    (void)state;

    /* URLs with characters a URL cannot hold, or too long: absent */
    assert_int_equal(
        parse("{\"captive\":true,\"user-portal-url\":\"https://a b\"}", &c), 0);
    assert_string_equal(c.user_portal_url, "");
    assert_int_equal(
        parse("{\"captive\":true,\"user-portal-url\":\"https://a\\\"<\"}", &c),
        0);
    assert_string_equal(c.user_portal_url, "");
    assert_int_equal(
        parse("{\"captive\":true,\"user-portal-url\":\"\\u00e9\"}", &c), 0);
    assert_string_equal(c.user_portal_url, "");
    snprintf(url, sizeof(url),
             "{\"captive\":true,\"user-portal-url\":\"%0300d\"}", 0);
    assert_int_equal(parse(url, &c), 0);
    assert_string_equal(c.user_portal_url, "");
    /* numbers: only non-negative integers below 2^53 */
    assert_int_equal(parse("{\"captive\":true,\"seconds-remaining\":1e3,"
                           "\"bytes-remaining\":-5}",
                           &c),
                     0);
    assert_int_equal(c.seconds_remaining, -1);
    assert_int_equal(c.bytes_remaining, -1);
    assert_int_equal(
        parse("{\"captive\":true,\"seconds-remaining\":9007199254740993}", &c),
        0);
    assert_int_equal(c.seconds_remaining, -1);
    assert_int_equal(
        parse("{\"captive\":true,\"seconds-remaining\":9007199254740991}", &c),
        0);
    assert_int_equal(c.seconds_remaining, 9007199254740991LL);
    /* size */
    memset(big, ' ', sizeof(big));
    memcpy(big, "{\"captive\":true}", 16);
    assert_int_equal(lws__capport_parse((const uint8_t *)big, sizeof(big), &c),
                     -EMSGSIZE);
    /* nesting: 8 levels are skipped, 9 refused */
    assert_int_equal(parse("{\"captive\":true,\"d\":[[[[[[[[1]]]]]]]]}", &c),
                     0);
    assert_int_equal(parse("{\"captive\":true,\"d\":[[[[[[[[[1]]]]]]]]]}", &c),
                     -EBADMSG);
}

static void test_capport_rejects(void **state)
{
    static const char *const bad[] = {
        "",
        "[]",
        "{\"captive\":\"yes\"}",
        "{\"seconds-remaining\":10}",
        "{\"captive\":true}trailing",
        "{\"captive\":true,}",
        "{\"captive\" true}",
        "{captive:true}",
        "{\"captive\":tru}",
        "{\"captive\":true,\"n\":012}",
        "{\"captive\":true,\"n\":1.}",
        "{\"captive\":true,\"n\":-01}",
        "{\"captive\":true,\"n\":1e}",
        "{\"captive\":true,\"n\":-}",
        "{\"captive\":true,\"s\":\"\\x\"}",
        "{\"captive\":true,\"s\":\"a\nb\"}",
        "{\"captive\":true,\"a\":[1,]}",
        "{\"captive\":true,\"a\":[1 2]}",
        "{\"captive\":true,\"o\":{\"k\" 1}}",
        "{\"captive\":true,\"o\":{1:2}}",
        "{\"captive\":true,\"a\":[}",
    };
    static const char ok[] = "{\"captive\":true,\"user-portal-url\":"
                             "\"https://p.example/\",\"x\":[{\"y\":1}]}";
    struct lws__capport c;
    (void)state;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (parse(bad[i], &c) != -EBADMSG)
            fail_msg("accepted: %s", bad[i]);
    }
    /* every proper prefix of a good object is refused */
    for (size_t n = 0; n < sizeof(ok) - 1; n++)
        assert_int_equal(lws__capport_parse((const uint8_t *)ok, n, &c),
                         -EBADMSG);
    assert_int_equal(parse(ok, &c), 0);
}

static void test_capport_content_type(void **state)
{
    static const char *const yes[] = {
        "HTTP/1.1 200 OK\r\nContent-Type: application/captive+json\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX: y\r\ncontent-type:application/captive+json;"
        " charset=utf-8\r\n\r\n",
        "HTTP/1.1 200 OK\nCONTENT-TYPE: Application/Captive+JSON\n\n"};
    static const char *const no[] = {
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Type: application/captive+jsonx\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX-Content-Type: application/captive+json\r\n\r\n",
        "HTTP/1.1 200 OK\r\n\r\n"};
    (void)state;

    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
        assert_true(
            lws__capport_ctype_ok((const uint8_t *)yes[i], strlen(yes[i])));
    for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
        assert_false(
            lws__capport_ctype_ok((const uint8_t *)no[i], strlen(no[i])));
}

static void test_capport_request(void **state)
{
    struct lws__http_url u;
    char buf[1024];
    int n;
    (void)state;

    assert_int_equal(lws__http_url_parse("https://portal.example/api", &u), 0);
    n = lws__cpd_portal_request(&u, buf, sizeof(buf));
    assert_true(n > 0);
    assert_int_equal((size_t)n, strlen(buf));
    assert_non_null(strstr(buf, "GET /api HTTP/1.1\r\n"));
    assert_non_null(strstr(buf, "\r\nAccept: application/captive+json\r\n"));
    assert_null(strstr(buf, "*/*"));
    assert_non_null(strstr(buf, "Connection: close\r\n\r\n"));
    /* no room */
    assert_int_equal(lws__cpd_portal_request(&u, buf, (size_t)n), -ENOSPC);
}

/* The URI from the news, as lws_system_cpd_get_status() reports it. */
static void test_capport_news_uri(void **state)
{
    struct lws_context_creation_info info;
    struct lws_cpd_info ci = {0};
    struct lws_cpd_status st;
    struct lws_context *cx;
    (void)state;

    memset(&info, 0, sizeof(info));
    ci.https_url = "https://cpd.example/generate_204";
    info.cpd = &ci;
    info.target_state = LWS_SYSTATE_INITIALIZED; /* no check runs */
    cx = lws_create_context(&info);
    assert_non_null(cx);
    assert_int_equal(lws_system_cpd_get_status(cx, &st), 0);
    assert_string_equal(st.portal_uri, "");
    assert_int_equal(st.api, 0);
    assert_int_equal(st.seconds_remaining, -1);

    lws__news_publish(cx, &(struct lws__news){.kind = LWS__NEWS_CAPTIVE_URI,
                                              .iface = "eth0",
                                              .uri = "https://cp.example/api"});
    assert_int_equal(lws_system_cpd_get_status(cx, &st), 0);
    assert_string_equal(st.portal_uri, "https://cp.example/api");
    assert_string_equal(st.portal_if, "eth0");
    /* RFC 8910's "no captive portal here" from another interface changes
     * nothing; from this one it clears the URI (restored below) */
    lws__news_publish(
        cx, &(struct lws__news){.kind = LWS__NEWS_CAPTIVE_URI,
                                .iface = "wlan0",
                                .uri = "urn:ietf:params:capport:unrestricted"});
    assert_int_equal(lws_system_cpd_get_status(cx, &st), 0);
    assert_string_equal(st.portal_uri, "https://cp.example/api");
    lws__news_publish(
        cx, &(struct lws__news){.kind = LWS__NEWS_CAPTIVE_URI,
                                .iface = "eth0",
                                .uri = "urn:ietf:params:capport:unrestricted"});
    assert_int_equal(lws_system_cpd_get_status(cx, &st), 0);
    assert_string_equal(st.portal_uri, "");
    lws__news_publish(cx, &(struct lws__news){.kind = LWS__NEWS_CAPTIVE_URI,
                                              .iface = "eth0",
                                              .uri = "https://cp.example/api"});
    /* another interface's network clears nothing it did not name */
    lws__news_publish(cx, &(struct lws__news){.kind = LWS__NEWS_CAPTIVE_URI,
                                              .iface = "wlan0"});
    assert_int_equal(lws_system_cpd_get_status(cx, &st), 0);
    assert_string_equal(st.portal_uri, "https://cp.example/api");
    /* a newer URI replaces it; its network stops naming one: gone */
    lws__news_publish(cx, &(struct lws__news){.kind = LWS__NEWS_CAPTIVE_URI,
                                              .iface = "wlan0",
                                              .uri = "https://w.example/"});
    assert_int_equal(lws_system_cpd_get_status(cx, &st), 0);
    assert_string_equal(st.portal_uri, "https://w.example/");
    assert_string_equal(st.portal_if, "wlan0");
    lws__news_publish(cx, &(struct lws__news){.kind = LWS__NEWS_CAPTIVE_URI,
                                              .iface = "wlan0",
                                              .uri = ""});
    assert_int_equal(lws_system_cpd_get_status(cx, &st), 0);
    assert_string_equal(st.portal_uri, "");
    lws_context_destroy(cx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_capport_rfc8908_example),
        cmocka_unit_test(test_capport_members_skipped),
        cmocka_unit_test(test_capport_bounds),
        cmocka_unit_test(test_capport_rejects),
        cmocka_unit_test(test_capport_content_type),
        cmocka_unit_test(test_capport_request),
        cmocka_unit_test(test_capport_news_uri),
    };

    lws_set_log_level(LLL_ERR | LLL_WARN, NULL);
    return cmocka_run_group_tests_name("cpd-capport", tests, NULL, NULL);
}
