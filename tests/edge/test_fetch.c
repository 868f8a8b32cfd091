/* fetch against tests/tools/testserver.py on 127.0.0.1: one server (two ports, two origins)
 * for the whole group, started in the group setup and reaped in the group teardown. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "fetch.h"
#include "testserver.h"
#include "util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TOKEN "tok-123.secret"
#define S(x)  ((x) ? (x) : "NULL")
#define HELLO "hello, wall\n"

struct server {
    struct testserver srv;
    char root[256];
    struct fetcher *fetcher;
};

/* ---- fixtures ------------------------------------------------------------------------- */

static const char *const root_files[] = {"hello.txt", "feed.json", "img/a.png", "escape"};

static bool write_file(const char *dir, const char *name, const char *content)
{
    char *path = xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    bool ok = f && fputs(content, f) >= 0;
    if (f && fclose(f) != 0)
        ok = false;
    free(path);
    return ok;
}

static bool make_root(struct server *s)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(s->root, sizeof s->root, "%s/prikbord-fetch-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(s->root)) {
        s->root[0] = '\0';
        return false;
    }
    char *img = xasprintf("%s/img", s->root);
    char *escape = xasprintf("%s/escape", s->root);
    bool ok = write_file(s->root, "hello.txt", HELLO) &&
              write_file(s->root, "feed.json", "{\"version\": 1}\n") && mkdir(img, 0700) == 0 &&
              write_file(s->root, "img/a.png", "not really a png") && symlink("/etc", escape) == 0;
    free(img);
    free(escape);
    return ok;
}

static void remove_root(struct server *s)
{
    if (!s->root[0])
        return;
    for (size_t i = ARRAY_LEN(root_files); i-- > 0;) {
        char *path = xasprintf("%s/%s", s->root, root_files[i]);
        unlink(path);
        free(path);
    }
    char *img = xasprintf("%s/img", s->root);
    rmdir(img);
    free(img);
    rmdir(s->root);
}

static bool start_server(struct server *s)
{
    return testserver_start(&s->srv, s->root, true, 120);
}

static int group_teardown(void **state)
{
    struct server *s = *state;
    if (!s)
        return 0;
    fetcher_destroy(s->fetcher);
    testserver_stop(&s->srv);
    remove_root(s);
    free(s);
    fetch_global_cleanup();
    *state = NULL;
    return 0;
}

static int group_setup(void **state)
{
    /* The requests go to 127.0.0.1 only, whatever proxy the environment names. */
    setenv("no_proxy", "127.0.0.1,localhost", 1);
    setenv("NO_PROXY", "127.0.0.1,localhost", 1);
    struct server *s = xcalloc(1, sizeof *s);
    s->srv.stdin_fd = -1;
    *state = s;
    if (!fetch_global_init() || !make_root(s) || !start_server(s) ||
        !(s->fetcher = fetcher_create())) {
        group_teardown(state);
        return -1;
    }
    return 0;
}

/* ---- helpers -------------------------------------------------------------------------- */

/* A request with short limits, so every failure case ends quickly. */
static struct fetch_request base_request(const char *url)
{
    return (struct fetch_request){
        .url = url,
        .max_bytes = 1024 * 1024,
        .connect_timeout_ms = 2000,
        .total_timeout_ms = 10000,
        .low_speed_time_s = 2,
    };
}

static char *url_at(int port, const char *path)
{
    return xasprintf("http://127.0.0.1:%d%s", port, path);
}

/* GETs path on the first port with base_request; the caller clears resp. */
static enum fetch_result get_path(struct server *s, const char *path, struct fetch_response *resp)
{
    char *url = url_at(s->srv.port, path);
    struct fetch_request req = base_request(url);
    enum fetch_result r = fetcher_get(s->fetcher, &req, resp);
    free(url);
    return r;
}

static double seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (now.tv_nsec - start->tv_nsec) / 1e9;
}

static void assert_body_empty(const struct fetch_response *resp)
{
    assert_non_null(resp->body);
    assert_int_equal(resp->len, 0);
    assert_string_equal(resp->body, "");
}

/* ---- plain GETs ----------------------------------------------------------------------- */

static void test_get_200(void **state)
{
    struct fetch_response resp;
    assert_int_equal(get_path(*state, "/file/hello.txt", &resp), FETCH_OK);
    assert_int_equal(resp.result, FETCH_OK);
    assert_int_equal(resp.status, 200);
    /* The server gzips for us; the body arrives decoded. */
    assert_int_equal(resp.len, strlen(HELLO));
    assert_string_equal(resp.body, HELLO);
    assert_non_null(resp.etag);
    assert_non_null(resp.last_modified);
    assert_string_equal(resp.content_type, "application/octet-stream");
    assert_int_equal(resp.retry_after_s, -1);
    fetch_response_clear(&resp);
    assert_null(resp.body);
    assert_int_equal(resp.retry_after_s, -1);
}

static void test_not_modified_by_etag(void **state)
{
    struct server *s = *state;
    struct fetch_response first, second;
    assert_int_equal(get_path(s, "/file/hello.txt", &first), FETCH_OK);
    char *url = url_at(s->srv.port, "/file/hello.txt");
    struct fetch_request req = base_request(url);
    req.if_none_match = first.etag;
    assert_int_equal(fetcher_get(s->fetcher, &req, &second), FETCH_NOT_MODIFIED);
    assert_int_equal(second.status, 304);
    assert_body_empty(&second);
    assert_string_equal(second.etag, first.etag);

    req.if_none_match = "\"something-else\"";
    fetch_response_clear(&second);
    assert_int_equal(fetcher_get(s->fetcher, &req, &second), FETCH_OK);
    assert_string_equal(second.body, HELLO);
    fetch_response_clear(&second);
    fetch_response_clear(&first);
    free(url);
}

static void test_not_modified_by_date(void **state)
{
    struct server *s = *state;
    struct fetch_response first, second;
    assert_int_equal(get_path(s, "/file/hello.txt", &first), FETCH_OK);
    char *url = url_at(s->srv.port, "/file/hello.txt");
    struct fetch_request req = base_request(url);
    req.if_modified_since = first.last_modified;
    assert_int_equal(fetcher_get(s->fetcher, &req, &second), FETCH_NOT_MODIFIED);
    assert_int_equal(second.status, 304);
    fetch_response_clear(&second);

    req.if_modified_since = "Thu, 01 Jan 1998 00:00:00 GMT";
    assert_int_equal(fetcher_get(s->fetcher, &req, &second), FETCH_OK);
    fetch_response_clear(&second);
    fetch_response_clear(&first);
    free(url);
}

static void test_http_errors(void **state)
{
    static const long codes[] = {404, 500, 401, 403};
    for (size_t i = 0; i < ARRAY_LEN(codes); i++) {
        char path[32], error[32], body[32];
        snprintf(path, sizeof path, "/status/%ld", codes[i]);
        snprintf(error, sizeof error, "HTTP %ld", codes[i]);
        snprintf(body, sizeof body, "status %ld\n", codes[i]);
        struct fetch_response resp;
        assert_int_equal(get_path(*state, path, &resp), FETCH_HTTP_ERROR);
        assert_int_equal(resp.status, codes[i]);
        assert_string_equal(resp.error, error);
        assert_string_equal(resp.body, body); /* an error body is kept */
        assert_int_equal(resp.retry_after_s, -1);
        fetch_response_clear(&resp);
    }
    struct fetch_response resp;
    assert_int_equal(get_path(*state, "/no-such-route", &resp), FETCH_HTTP_ERROR);
    assert_int_equal(resp.status, 404);
    fetch_response_clear(&resp);
}

static void test_error_body_is_capped(void **state)
{
    struct server *s = *state;
    char *url = url_at(s->srv.port, "/status/500");
    struct fetch_request req = base_request(url);
    req.max_bytes = 5;
    struct fetch_response resp;
    assert_int_equal(fetcher_get(s->fetcher, &req, &resp), FETCH_HTTP_ERROR);
    assert_int_equal(resp.status, 500);
    assert_int_equal(resp.len, 5);
    assert_string_equal(resp.body, "statu");
    fetch_response_clear(&resp);
    free(url);
}

static void test_retry_after_seconds(void **state)
{
    struct fetch_response resp;
    assert_int_equal(get_path(*state, "/status/503?retry_after=120", &resp), FETCH_HTTP_ERROR);
    assert_int_equal(resp.status, 503);
    assert_string_equal(resp.error, "HTTP 503");
    assert_int_equal(resp.retry_after_s, 120);
    fetch_response_clear(&resp);

    assert_int_equal(get_path(*state, "/status/429?retry_after=99999999999999999999", &resp),
                     FETCH_HTTP_ERROR);
    assert_true(resp.retry_after_s > 0); /* clamped, not overflowed */
    fetch_response_clear(&resp);

    assert_int_equal(get_path(*state, "/status/503?retry_after=soon", &resp), FETCH_HTTP_ERROR);
    assert_int_equal(resp.retry_after_s, -1);
    fetch_response_clear(&resp);
}

static void test_retry_after_date(void **state)
{
    /* "Thu, 26 Nov 2026 10:00:00 GMT", URL-encoded. The server's Date header is the clock. */
    time_t when = time(NULL) + 120;
    struct tm tm;
    gmtime_r(&when, &tm);
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char path[128];
    snprintf(path, sizeof path,
             "/status/429?retry_after=%s%%2C%%20%02d%%20%s%%20%04d%%20%02d:%02d:%02d%%20GMT",
             days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
             tm.tm_min, tm.tm_sec);
    struct fetch_response resp;
    assert_int_equal(get_path(*state, path, &resp), FETCH_HTTP_ERROR);
    assert_int_equal(resp.status, 429);
    assert_in_range(resp.retry_after_s, 115, 121);
    fetch_response_clear(&resp);

    assert_int_equal(get_path(*state,
                              "/status/503?retry_after=Sun%2C%2006%20Nov%201994%2008:49:37%20GMT",
                              &resp),
                     FETCH_HTTP_ERROR);
    assert_int_equal(resp.retry_after_s, 0); /* in the past: retry now */
    fetch_response_clear(&resp);
}

/* ---- limits --------------------------------------------------------------------------- */

static void test_too_large(void **state)
{
    struct server *s = *state;
    char *url = url_at(s->srv.port, "/big?bytes=4000000");
    struct fetch_request req = base_request(url);
    req.max_bytes = 100000;
    struct fetch_response resp;
    assert_int_equal(fetcher_get(s->fetcher, &req, &resp), FETCH_TOO_LARGE);
    assert_int_equal(resp.status, 200);
    assert_body_empty(&resp);
    assert_non_null(strstr(resp.error, "larger than 100000"));
    fetch_response_clear(&resp);
    free(url);

    /* Exactly max_bytes is allowed; one byte more is not. */
    url = url_at(s->srv.port, "/big?bytes=1000");
    req = base_request(url);
    req.max_bytes = 1000;
    assert_int_equal(fetcher_get(s->fetcher, &req, &resp), FETCH_OK);
    assert_int_equal(resp.len, 1000);
    assert_int_equal(resp.body[1000], '\0');
    fetch_response_clear(&resp);
    req.max_bytes = 999;
    assert_int_equal(fetcher_get(s->fetcher, &req, &resp), FETCH_TOO_LARGE);
    fetch_response_clear(&resp);
    free(url);
}

static long max_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static void test_gzip_bomb(void **state)
{
    struct server *s = *state;
    char *url = url_at(s->srv.port, "/gzip-bomb");
    struct fetch_request req = base_request(url);
    req.max_bytes = 1024 * 1024;
    struct fetch_response resp;
    long before = max_rss_kb();
    assert_int_equal(fetcher_get(s->fetcher, &req, &resp), FETCH_TOO_LARGE);
    /* 50 MB decoded would show; the cap keeps the peak near max_bytes. */
    assert_true(max_rss_kb() - before < 20 * 1024);
    assert_body_empty(&resp);
    fetch_response_clear(&resp);
    free(url);
}

static void test_stall_hits_low_speed_limit(void **state)
{
    struct server *s = *state;
    char *url = url_at(s->srv.port, "/stall");
    struct fetch_request req = base_request(url);
    req.low_speed_time_s = 1;
    struct fetch_response resp;
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    assert_int_equal(fetcher_get(s->fetcher, &req, &resp), FETCH_TRANSPORT_ERROR);
    assert_true(seconds_since(&start) < 5);
    assert_true(resp.error[0] != '\0');
    assert_body_empty(&resp);
    fetch_response_clear(&resp);
    free(url);
}

static void test_total_timeout(void **state)
{
    struct server *s = *state;
    char *url = url_at(s->srv.port, "/slow?bytes=100&delay_ms=50");
    struct fetch_request req = base_request(url);
    req.total_timeout_ms = 300;
    struct fetch_response resp;
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    assert_int_equal(fetcher_get(s->fetcher, &req, &resp), FETCH_TRANSPORT_ERROR);
    assert_true(seconds_since(&start) < 3);
    fetch_response_clear(&resp);
    free(url);

    /* A slow but finished drip is fine. */
    assert_int_equal(get_path(s, "/slow?bytes=5&delay_ms=10", &resp), FETCH_OK);
    assert_string_equal(resp.body, "sssss");
    fetch_response_clear(&resp);
}

static int closed_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    int port = -1;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

static void test_connection_refused(void **state)
{
    struct server *s = *state;
    int port = closed_port();
    assert_true(port > 0);
    char *url = url_at(port, "/feed.json");
    struct fetch_request req = base_request(url);
    req.token = TOKEN;
    req.token_origin = url;
    struct fetch_response resp;
    assert_int_equal(fetcher_get(s->fetcher, &req, &resp), FETCH_TRANSPORT_ERROR);
    assert_int_equal(resp.status, 0);
    assert_true(resp.error[0] != '\0');
    assert_null(strstr(resp.error, TOKEN));
    assert_body_empty(&resp);
    fetch_response_clear(&resp);
    free(url);
}

/* ---- schemes and redirects ------------------------------------------------------------ */

static void test_redirect_followed(void **state)
{
    struct fetch_response resp;
    assert_int_equal(get_path(*state, "/redirect?to=/file/hello.txt", &resp), FETCH_OK);
    assert_string_equal(resp.body, HELLO);
    assert_non_null(resp.etag); /* the final response's headers, not the redirect's */
    fetch_response_clear(&resp);
}

static void test_redirect_to_file_refused(void **state)
{
    struct server *s = *state;
    char *url = url_at(s->srv.port, "/redirect?to=file:///etc/passwd");
    for (int allow_file = 0; allow_file <= 1; allow_file++) {
        struct fetch_request req = base_request(url);
        req.allow_file = allow_file;
        struct fetch_response resp;
        assert_int_equal(fetcher_get(s->fetcher, &req, &resp), FETCH_REFUSED);
        assert_body_empty(&resp);
        fetch_response_clear(&resp);
    }
    free(url);
}

static void test_redirect_loop_stops(void **state)
{
    struct fetch_response resp;
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    assert_int_equal(get_path(*state, "/redirect-loop", &resp), FETCH_HTTP_ERROR);
    assert_non_null(strstr(resp.error, "redirects"));
    assert_true(seconds_since(&start) < 5);
    fetch_response_clear(&resp);
}

static void test_schemes_refused(void **state)
{
    struct server *s = *state;
    char *file_url = xasprintf("file://%s/hello.txt", s->root);
    const char *urls[] = {NULL,
                          "",
                          "ftp://127.0.0.1/x",
                          "gopher://127.0.0.1/",
                          "dict://127.0.0.1/",
                          "127.0.0.1/x",
                          "javascript:alert(1)",
                          "data:text/plain,hi",
                          file_url};
    for (size_t i = 0; i < ARRAY_LEN(urls); i++) {
        struct fetch_request req = base_request(urls[i]);
        struct fetch_response resp;
        assert_int_equal(fetcher_get(s->fetcher, &req, &resp), FETCH_REFUSED);
        assert_int_equal(resp.status, 0);
        assert_true(resp.error[0] != '\0');
        assert_body_empty(&resp);
        fetch_response_clear(&resp);
    }
    free(file_url);
}

static void test_file_url(void **state)
{
    struct server *s = *state;
    char *url = xasprintf("file://%s/hello.txt", s->root);
    struct fetch_request req = base_request(url);
    req.allow_file = true;
    req.token = TOKEN;
    req.token_origin = url;
    struct fetch_response resp;
    assert_int_equal(fetcher_get(s->fetcher, &req, &resp), FETCH_OK);
    assert_int_equal(resp.status, 200);
    assert_string_equal(resp.body, HELLO);
    fetch_response_clear(&resp);

    req.max_bytes = 4;
    assert_int_equal(fetcher_get(s->fetcher, &req, &resp), FETCH_TOO_LARGE);
    fetch_response_clear(&resp);
    free(url);

    url = xasprintf("file://%s/missing.json", s->root);
    req = base_request(url);
    req.allow_file = true;
    assert_int_equal(fetcher_get(s->fetcher, &req, &resp), FETCH_TRANSPORT_ERROR);
    fetch_response_clear(&resp);
    free(url);
}

static void test_request_headers(void **state)
{
    struct server *s = *state;
    char *url = url_at(s->srv.port, "/headers");
    struct fetch_request req = base_request(url);
    req.user_agent = "prikbord/0.1.0 (lobby-1)";
    req.if_none_match = "\"abc\"";
    req.if_modified_since = "Thu, 01 Jan 1998 00:00:00 GMT";
    struct fetch_response resp;
    assert_int_equal(fetcher_get(s->fetcher, &req, &resp), FETCH_OK);
    assert_non_null(strstr(resp.body, "\"User-Agent\": \"prikbord/0.1.0 (lobby-1)\""));
    assert_non_null(strstr(resp.body, "\"Accept\": \"application/json"));
    assert_non_null(strstr(resp.body, "gzip"));
    assert_non_null(strstr(resp.body, "\"If-None-Match\": \"\\\"abc\\\"\""));
    assert_non_null(strstr(resp.body, "\"If-Modified-Since\": \"Thu, 01 Jan 1998"));
    assert_null(strstr(resp.body, "Authorization"));
    assert_string_equal(resp.content_type, "application/json");
    fetch_response_clear(&resp);

    req = base_request(url);
    assert_int_equal(fetcher_get(s->fetcher, &req, &resp), FETCH_OK);
    assert_non_null(strstr(resp.body, "\"User-Agent\": \"prikbord\""));
    assert_null(strstr(resp.body, "If-None-Match"));
    fetch_response_clear(&resp);
    free(url);
}

static void test_header_injection_refused(void **state)
{
    struct server *s = *state;
    char *url = url_at(s->srv.port, "/headers");
    struct fetch_request req = base_request(url);
    struct fetch_response resp;
    req.token = "abc\r\nX-Evil: 1";
    req.token_origin = url;
    assert_int_equal(fetcher_get(s->fetcher, &req, &resp), FETCH_REFUSED);
    assert_null(strstr(resp.error, "abc"));
    fetch_response_clear(&resp);

    req = base_request(url);
    req.if_none_match = "\"x\"\nX-Evil: 1";
    assert_int_equal(fetcher_get(s->fetcher, &req, &resp), FETCH_REFUSED);
    fetch_response_clear(&resp);

    req = base_request(url);
    req.user_agent = "prikbord\r\nX-Evil: 1";
    assert_int_equal(fetcher_get(s->fetcher, &req, &resp), FETCH_REFUSED);
    fetch_response_clear(&resp);
    free(url);
}

/* ---- the token ------------------------------------------------------------------------ */

static bool saw_token(const struct fetch_response *resp)
{
    return strstr(resp->body, "\"authorization\": true") &&
           strstr(resp->body, "\"value\": \"Bearer " TOKEN "\"");
}

static bool saw_no_authorization(const struct fetch_response *resp)
{
    return strstr(resp->body, "\"authorization\": false") && !strstr(resp->body, TOKEN);
}

/* GETs url with the token configured for origin; the caller clears resp. */
static enum fetch_result get_with_token(struct server *s, const char *url, const char *origin,
                                        struct fetch_response *resp)
{
    struct fetch_request req = base_request(url);
    req.token = TOKEN;
    req.token_origin = origin;
    return fetcher_get(s->fetcher, &req, resp);
}

static void test_token_sent_to_same_origin(void **state)
{
    struct server *s = *state;
    char *feed = url_at(s->srv.port, "/feed.json");
    char *echo = url_at(s->srv.port, "/echo-auth");
    char *hop = url_at(s->srv.port, "/redirect?to=/echo-auth");
    struct fetch_response resp;
    assert_int_equal(get_with_token(s, echo, feed, &resp), FETCH_OK);
    assert_true(saw_token(&resp));
    fetch_response_clear(&resp);
    /* A redirect that stays on the origin keeps the token. */
    assert_int_equal(get_with_token(s, hop, feed, &resp), FETCH_OK);
    assert_true(saw_token(&resp));
    fetch_response_clear(&resp);
    /* Without a token configured, nothing is sent. */
    struct fetch_request req = base_request(echo);
    req.token_origin = feed;
    assert_int_equal(fetcher_get(s->fetcher, &req, &resp), FETCH_OK);
    assert_true(saw_no_authorization(&resp));
    fetch_response_clear(&resp);
    free(hop);
    free(echo);
    free(feed);
}

static void test_token_not_sent_to_other_origin(void **state)
{
    struct server *s = *state;
    char *feed = url_at(s->srv.port, "/feed.json");
    char *other = url_at(s->srv.port2, "/echo-auth");
    char *by_name = xasprintf("http://localhost:%d/echo-auth", s->srv.port);
    struct fetch_response resp;
    /* Another port on the same host is another origin. */
    assert_int_equal(get_with_token(s, other, feed, &resp), FETCH_OK);
    assert_true(saw_no_authorization(&resp));
    fetch_response_clear(&resp);
    /* So is another host name for the same address. */
    assert_int_equal(get_with_token(s, by_name, feed, &resp), FETCH_OK);
    assert_true(saw_no_authorization(&resp));
    fetch_response_clear(&resp);
    /* No token_origin: no token at all. */
    assert_int_equal(get_with_token(s, other, NULL, &resp), FETCH_OK);
    assert_true(saw_no_authorization(&resp));
    fetch_response_clear(&resp);
    free(by_name);
    free(other);
    free(feed);
}

/* The proof that libcurl drops our custom Authorization header when a redirect leaves the
 * origin: the server on the second port reports what it received. */
static void test_token_not_sent_across_redirect(void **state)
{
    struct server *s = *state;
    char *feed = url_at(s->srv.port, "/feed.json");
    static const char *const codes[] = {"301", "302", "303", "307", "308"};
    for (size_t i = 0; i < ARRAY_LEN(codes); i++) {
        char *targets[] = {
            xasprintf("http://127.0.0.1:%d/echo-auth", s->srv.port2),
            xasprintf("http://localhost:%d/echo-auth", s->srv.port),
        };
        for (size_t k = 0; k < ARRAY_LEN(targets); k++) {
            char *path = xasprintf("/redirect?code=%s&to=%s", codes[i], targets[k]);
            char *hop = url_at(s->srv.port, path);
            struct fetch_response resp;
            assert_int_equal(get_with_token(s, hop, feed, &resp), FETCH_OK);
            if (!saw_no_authorization(&resp))
                fail_msg("token followed a %s redirect to %s: %s", codes[i], targets[k], resp.body);
            fetch_response_clear(&resp);
            free(hop);
            free(path);
            free(targets[k]);
        }
    }
    free(feed);
}

static void test_token_never_in_error(void **state)
{
    struct server *s = *state;
    char *feed = url_at(s->srv.port, "/status/401");
    struct fetch_response resp;
    assert_int_equal(get_with_token(s, feed, feed, &resp), FETCH_HTTP_ERROR);
    assert_int_equal(resp.status, 401);
    assert_null(strstr(resp.error, TOKEN));
    fetch_response_clear(&resp);
    free(feed);

    /* Even an error message that would quote the token (here: the scheme) is scrubbed. */
    struct fetch_request req = base_request("gopher://127.0.0.1/");
    req.token = "gopher";
    req.token_origin = "gopher://127.0.0.1/";
    assert_int_equal(fetcher_get(s->fetcher, &req, &resp), FETCH_REFUSED);
    assert_null(strstr(resp.error, "gopher"));
    assert_non_null(strstr(resp.error, "******"));
    fetch_response_clear(&resp);
}

/* ---- URL helpers ---------------------------------------------------------------------- */

static void test_url_resolve(void **state)
{
    (void)state;
    static const struct {
        const char *base, *ref, *want;
    } cases[] = {
        {"http://a.example/feed/v1.json", "img/p.png", "http://a.example/feed/img/p.png"},
        {"http://a.example/feed/v1.json", "../p.png", "http://a.example/p.png"},
        {"http://a.example/feed/v1.json", "/../../etc/passwd", "http://a.example/etc/passwd"},
        {"http://a.example/feed/v1.json", "//cdn.example/p.png", "http://cdn.example/p.png"},
        {"https://a.example/feed", "?page=2", "https://a.example/feed?page=2"},
        {"http://a.example/x", "https://b.example/y", "https://b.example/y"},
        {"HTTP://a.example/x", "y", "http://a.example/y"},
        {"http://a.example/x", "HTTPS://b.example/", "https://b.example/"},
        {"https://a.example:8443/f/x", "y", "https://a.example:8443/f/y"},
        {"file:///srv/feed/feed.json", "img/a.png", "file:///srv/feed/img/a.png"},
        {"file:///srv/feed/feed.json", "../../etc/passwd", "file:///etc/passwd"},
        {"http://a.example/x", "javascript:alert(1)", NULL},
        {"http://a.example/x", "", NULL},
        {"http://a.example/x", NULL, NULL},
        {"", "x", NULL},
        {NULL, "x", NULL},
        {NULL, NULL, NULL},
        {"a.example/feed", "x", NULL},
        {"not a url", "x", NULL},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        char *got = url_resolve(cases[i].base, cases[i].ref);
        if (!cases[i].want && got)
            fail_msg("case %zu: %s + %s = %s, want NULL", i, S(cases[i].base), S(cases[i].ref),
                     got);
        if (cases[i].want && (!got || strcmp(got, cases[i].want) != 0))
            fail_msg("case %zu: %s + %s = %s, want %s", i, S(cases[i].base), S(cases[i].ref),
                     got ? got : "NULL", cases[i].want);
        free(got);
    }
}

static void test_url_same_origin(void **state)
{
    (void)state;
    static const struct {
        const char *a, *b;
        bool want;
    } cases[] = {
        {"http://a.example/x", "http://a.example/y?z=1", true},
        {"http://a.example/x", "http://a.example:80/y", true},
        {"https://a.example/", "https://a.example:443/z", true},
        {"HTTPS://A.EXAMPLE/", "https://a.example/", true},
        {"http://user:pw@a.example/", "http://a.example/", true},
        {"http://a.example/", "https://a.example/", false},
        {"http://a.example:8080/", "http://a.example:8081/", false},
        {"http://a.example:443/", "https://a.example/", false},
        {"http://127.0.0.1/", "http://localhost/", false},
        {"http://a.example/", "http://a.example.evil.example/", false},
        {"file:///srv/feed.json", "file:///srv/feed.json", false},
        {"ftp://a.example/", "ftp://a.example/", false},
        {"http://a.example/", "", false},
        {"", "", false},
        {NULL, "http://a.example/", false},
        {"http://a.example/", NULL, false},
        {"a.example", "a.example", false},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        if (url_same_origin(cases[i].a, cases[i].b) != cases[i].want)
            fail_msg("case %zu: %s vs %s, want %d", i, S(cases[i].a), S(cases[i].b), cases[i].want);
    }
}

static void test_url_media_allowed(void **state)
{
    struct server *s = *state;
    const char *r = s->root;
    char *feed = xasprintf("file://%s/feed.json", r);
    char *upper_feed = xasprintf("FILE://%s/feed.json", r);
    char *local_feed = xasprintf("file://localhost%s/feed.json", r);
    char *img = xasprintf("file://%s/img/a.png", r);
    char *upper_img = xasprintf("FILE://%s/img/a.png", r);
    char *self = xasprintf("file://%s/feed.json", r);
    char *missing = xasprintf("file://%s/img/missing.png", r);
    char *dotdot = xasprintf("file://%s/../../etc/passwd", r);
    char *enc = xasprintf("file://%s/%%2e%%2e/%%2e%%2e/etc/passwd", r);
    char *enc_upper = xasprintf("file://%s/img/%%2E%%2E/%%2E%%2E/%%2e%%2E/etc/passwd", r);
    char *enc_slash = xasprintf("file://%s/img/..%%2f..%%2f..%%2fetc/passwd", r);
    char *symlink_escape = xasprintf("file://%s/escape/passwd", r);
    char *sibling = xasprintf("file://%sx/feed.json", r);
    char *dir_itself = xasprintf("file://%s/", r);
    char *nul = xasprintf("file://%s/img/a.png%%00.txt", r);
    char *other_host = xasprintf("file://evil.example%s/img/a.png", r);
    const struct {
        const char *feed, *url;
        bool want;
    } cases[] = {
        {"https://a.example/feed.json", "https://cdn.example/p.png", true},
        {"https://a.example/feed.json", "http://cdn.example/p.png", true},
        {"https://a.example/feed.json", "HTTPS://cdn.example/p.png", true},
        {NULL, "https://cdn.example/p.png", true},
        {feed, "https://cdn.example/p.png", true},
        {"https://a.example/feed.json", "file:///etc/passwd", false},
        {"https://a.example/feed.json", "FILE:///etc/passwd", false},
        {"https://a.example/feed.json", img, false},
        {"https://a.example/feed.json", "gopher://a.example/", false},
        {"https://a.example/feed.json", "ftp://a.example/p.png", false},
        {"https://a.example/feed.json", "dict://a.example/", false},
        {"https://a.example/feed.json", "data:image/png;base64,iVBORw0KGgo=", false},
        {"https://a.example/feed.json", "javascript:alert(1)", false},
        {"https://a.example/feed.json", "img/p.png", false},
        {"https://a.example/feed.json", "//cdn.example/p.png", false},
        {"https://a.example/feed.json", "", false},
        {"https://a.example/feed.json", NULL, false},
        {"https://a.example/feed.json", "http://", false},
        {feed, img, true},
        {feed, upper_img, true},
        {upper_feed, img, true},
        {local_feed, img, true},
        {feed, self, true},
        {feed, missing, false},
        {feed, "file:///etc/passwd", false},
        {feed, "FILE:///etc/passwd", false},
        {feed, dotdot, false},
        {feed, enc, false},
        {feed, enc_upper, false},
        {feed, enc_slash, false},
        {feed, symlink_escape, false},
        {feed, sibling, false},
        {feed, dir_itself, false},
        {feed, nul, false},
        {feed, other_host, false},
        {feed, "img/a.png", false},
        {NULL, img, false},
        {"", img, false},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        if (url_media_allowed(cases[i].feed, cases[i].url) != cases[i].want)
            fail_msg("case %zu: feed %s, url %s, want %d", i, S(cases[i].feed), S(cases[i].url),
                     cases[i].want);
    }
    char *all[] = {feed,    upper_feed, local_feed, img,       upper_img, self,
                   missing, dotdot,     enc,        enc_upper, enc_slash, symlink_escape,
                   sibling, dir_itself, nul,        other_host};
    for (size_t i = 0; i < ARRAY_LEN(all); i++)
        free(all[i]);
}

static void test_names_and_null_safety(void **state)
{
    (void)state;
    assert_string_equal(fetch_result_name(FETCH_OK), "ok");
    assert_string_equal(fetch_result_name(FETCH_NOT_MODIFIED), "not-modified");
    assert_string_equal(fetch_result_name(FETCH_REFUSED), "refused");
    assert_string_equal(fetch_result_name(FETCH_RESULT_COUNT), "unknown");
    fetcher_destroy(NULL);
    fetch_response_clear(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_200),
        cmocka_unit_test(test_not_modified_by_etag),
        cmocka_unit_test(test_not_modified_by_date),
        cmocka_unit_test(test_http_errors),
        cmocka_unit_test(test_error_body_is_capped),
        cmocka_unit_test(test_retry_after_seconds),
        cmocka_unit_test(test_retry_after_date),
        cmocka_unit_test(test_gzip_bomb),
        cmocka_unit_test(test_too_large),
        cmocka_unit_test(test_stall_hits_low_speed_limit),
        cmocka_unit_test(test_total_timeout),
        cmocka_unit_test(test_connection_refused),
        cmocka_unit_test(test_redirect_followed),
        cmocka_unit_test(test_redirect_to_file_refused),
        cmocka_unit_test(test_redirect_loop_stops),
        cmocka_unit_test(test_schemes_refused),
        cmocka_unit_test(test_file_url),
        cmocka_unit_test(test_request_headers),
        cmocka_unit_test(test_header_injection_refused),
        cmocka_unit_test(test_token_sent_to_same_origin),
        cmocka_unit_test(test_token_not_sent_to_other_origin),
        cmocka_unit_test(test_token_not_sent_across_redirect),
        cmocka_unit_test(test_token_never_in_error),
        cmocka_unit_test(test_url_resolve),
        cmocka_unit_test(test_url_same_origin),
        cmocka_unit_test(test_url_media_allowed),
        cmocka_unit_test(test_names_and_null_safety),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
