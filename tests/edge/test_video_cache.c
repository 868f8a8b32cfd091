/* Intro videos through the fetch worker: downloaded straight to the cache folder from
 * tests/tools/testserver.py on 127.0.0.1 (two ports: two origins, for the token rule), checked,
 * offered in the snapshot, kept across a restart without network, counted in the cache's bound
 * and deleted with their item. Also the pieces: fetch's sink and imgcache's video files. The
 * videos are made with Debian's ffmpeg at test time. The tests wait on the worker's
 * notifications, never on a clock. */
/* realpath() is XSI, not plain POSIX 2008, in glibc. */
#define _XOPEN_SOURCE 700
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "fetch.h"
#include "imgcache.h"
#include "refresh.h"
#include "testserver.h"
#include "util.h"
#include "video.h"
#include "waiter.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TOKEN "tok-video.secret"

struct server {
    struct testserver srv;
    char root[256];
    struct fetcher *fetcher;
    size_t intro_size;
};

/* ---- files ---------------------------------------------------------------------------- */

static char *in_root(const struct server *s, const char *name)
{
    return xasprintf("%s/%s", s->root, name);
}

static bool write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    bool ok = f && fwrite(data, 1, len, f) == len;
    if (f && fclose(f) != 0)
        ok = false;
    return ok;
}

static size_t file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (size_t)st.st_size : 0;
}

static bool run(const char *const *argv)
{
    pid_t pid;
    int err = posix_spawnp(&pid, argv[0], NULL, NULL, (char *const *)argv, environ);
    if (err != 0) {
        fprintf(stderr, "cannot run %s: %s (scripts/deps --test installs it)\n", argv[0],
                strerror(err));
        return false;
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* Removes dir and everything in it (one level of subfolders is enough here). */
static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *p = xasprintf("%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
            remove_tree(p);
        else
            unlink(p);
        free(p);
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

/* Counts the files in dir whose names end with suffix. */
static int count_files(const char *dir, const char *suffix)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    size_t k = strlen(suffix);
    while (d && (e = readdir(d))) {
        size_t len = strlen(e->d_name);
        n += len >= k && strcmp(e->d_name + len - k, suffix) == 0;
    }
    if (d)
        closedir(d);
    return n;
}

/* Counts the files in dir whose names contain part. */
static int count_containing(const char *dir, const char *part)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    while (d && (e = readdir(d)))
        n += strstr(e->d_name, part) != NULL;
    if (d)
        closedir(d);
    return n;
}

/* ---- the server (testserver.h) --------------------------------------------------------- */

static bool start_server(struct server *s)
{
    return testserver_start(&s->srv, s->root, true, 300);
}

/* GET path on the first port into a string the caller frees. */
static char *get_text(struct server *s, const char *path)
{
    char *url = xasprintf("http://127.0.0.1:%d%s", s->srv.port, path);
    struct fetch_request req = {.url = url, .max_bytes = 1 << 20};
    struct fetch_response resp;
    enum fetch_result r = fetcher_get(s->fetcher, &req, &resp);
    free(url);
    if (r != FETCH_OK)
        fail_msg("GET %s: %s", path, resp.error);
    char *body = resp.body;
    resp.body = NULL;
    fetch_response_clear(&resp);
    return body;
}

static void set_feed(struct server *s, const char *route)
{
    char *path = xasprintf("/control?feed=%s", route);
    free(get_text(s, path));
    free(path);
}

/* An introduction; video and image are URLs or NULL. */
static void append_item(struct strbuf *b, const char *id, const char *video, const char *image)
{
    strbuf_appendf(b,
                   "%s{\"id\": \"%s\", \"type\": \"introduction\", \"published_at\": "
                   "\"2026-11-20T08:00:00Z\", \"group\": {\"id\": \"g\", \"name\": \"Nieuw\", "
                   "\"visibility\": \"open\"}, \"person\": {\"name\": \"Sanne %s\"}, \"body\": "
                   "\"Hoi!\"",
                   b->len > 30 ? ", " : "", id, id);
    if (video)
        strbuf_appendf(b, ", \"video_url\": \"%s\"", video);
    if (image)
        strbuf_appendf(b, ", \"image_url\": \"%s\"", image);
    strbuf_appends(b, "}");
}

/* feed.json: four introductions; feed2.json: the same without the first. */
static bool write_feeds(struct server *s)
{
    char *other = xasprintf("http://127.0.0.1:%d/file/other.mp4", s->srv.port2);
    bool ok = true;
    for (int v = 1; v <= 2; v++) {
        struct strbuf b = {0};
        strbuf_appends(&b, "{\"version\": 1, \"items\": [");
        if (v == 1)
            append_item(&b, "i-1", "/file/intro.mp4", NULL);
        append_item(&b, "i-2", other, NULL);
        append_item(&b, "i-3", "/file/notvideo.mp4", NULL);
        append_item(&b, "i-4", "/file/withphoto.mp4", "/file/none.jpg");
        strbuf_appends(&b, "]}\n");
        char *path = in_root(s, v == 1 ? "feed.json" : "feed2.json");
        ok = ok && write_file(path, b.data, b.len);
        free(path);
        strbuf_free(&b);
    }
    free(other);
    return ok;
}

static bool make_videos(struct server *s)
{
    char *intro = in_root(s, "intro.mp4");
    const char *argv[] = {"ffmpeg",    "-nostdin",   "-v",
                          "error",     "-y",         "-f",
                          "lavfi",     "-i",         "testsrc2=s=320x180:r=25:d=1",
                          "-c:v",      "libx264",    "-pix_fmt",
                          "yuv420p",   "-preset",    "veryfast",
                          "-movflags", "+faststart", intro,
                          NULL};
    static const char text[] = "<html>not a video</html>\n";
    bool ok = run(argv);
    s->intro_size = file_size(intro);
    const char *names[] = {"other.mp4", "withphoto.mp4"};
    for (size_t i = 0; ok && i < ARRAY_LEN(names); i++) {
        char *to = in_root(s, names[i]);
        const char *cp[] = {"cp", intro, to, NULL};
        ok = run(cp);
        free(to);
    }
    char *bad = in_root(s, "notvideo.mp4");
    ok = ok && write_file(bad, text, sizeof text - 1);
    free(bad);
    free(intro);
    return ok && s->intro_size > 1000;
}

static int group_teardown(void **state)
{
    struct server *s = *state;
    if (!s)
        return 0;
    fetcher_destroy(s->fetcher);
    testserver_stop(&s->srv);
    if (s->root[0])
        remove_tree(s->root);
    free(s);
    fetch_global_cleanup();
    *state = NULL;
    return 0;
}

static int group_setup(void **state)
{
    setenv("no_proxy", "127.0.0.1,localhost", 1);
    setenv("NO_PROXY", "127.0.0.1,localhost", 1);
    struct server *s = xcalloc(1, sizeof *s);
    s->srv.stdin_fd = -1;
    *state = s;
    const char *tmp = getenv("TMPDIR");
    snprintf(s->root, sizeof s->root, "%s/prikbord-vcache-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(s->root))
        s->root[0] = '\0';
    if (!s->root[0] || !fetch_global_init() || !make_videos(s) || !start_server(s) ||
        !write_feeds(s) || !(s->fetcher = fetcher_create())) {
        group_teardown(state);
        return -1;
    }
    return 0;
}

/* ---- running the worker --------------------------------------------------------------- */

static struct refresh_options options(struct server *s, const char *cache)
{
    char *feed = xasprintf("http://127.0.0.1:%d/feed", s->srv.port);
    struct refresh_options o = {
        .feed_url = feed,
        .token = TOKEN,
        .cache_dir = cache,
        .interval_s = 3600,
        .user_agent = "prikbord-test",
        .once = true,
        .connect_timeout_s = 5,
        .stall_timeout_s = 5,
        .transfer_timeout_s = 10,
        .max_feed_bytes = 1 << 20,
        .max_photo_px = 400,
        .video_max_bytes = (size_t)5 << 20,
    };
    return o;
}

/* Runs the worker once (a poll, and the videos it downloads after it) and returns the last
 * snapshot it handed over, or NULL when it handed none. */
static struct snapshot *run_once(struct refresh_options o)
{
    struct waiter w = WAITER_INIT;
    struct refresh *r = refresh_start(&o, waiter_notify, &w);
    assert_non_null(r);
    struct snapshot *last = NULL;
    struct refresh_state st = {0};
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 60;
    for (;;) {
        unsigned seen = waiter_events(&w);
        /* The attempt is counted after the videos of its content are in. */
        refresh_get_state(r, &st);
        struct snapshot *snap = refresh_take(r);
        if (snap) {
            snapshot_destroy(last);
            last = snap;
        }
        if (st.attempts > 0)
            break;
        pthread_mutex_lock(&w.lock);
        int rc = 0;
        while (w.events == seen && rc != ETIMEDOUT)
            rc = pthread_cond_timedwait(&w.cond, &w.lock, &until);
        pthread_mutex_unlock(&w.lock);
        if (rc == ETIMEDOUT)
            fail_msg("the fetch worker did not finish within a minute");
    }
    struct snapshot *snap = refresh_take(r);
    if (snap) {
        snapshot_destroy(last);
        last = snap;
    }
    refresh_stop(r);
    free((char *)o.feed_url);
    return last;
}

static char *url_on(int port, const char *path)
{
    return xasprintf("http://127.0.0.1:%d%s", port, path);
}

/* Whether the server's log has a request for path on port, with or without a token. */
static bool requested(struct server *s, int port, const char *path, bool with_token)
{
    char *log = get_text(s, "/log");
    char *want = xasprintf("{\"port\": %d, \"path\": \"%s\", \"auth\": %s", port, path,
                           with_token ? "true" : "false");
    bool found = strstr(log, want) != NULL;
    free(want);
    free(log);
    return found;
}

static int count_requests(struct server *s, const char *path)
{
    char *log = get_text(s, "/log");
    char *want = xasprintf("\"path\": \"%s\"", path);
    int n = 0;
    for (const char *p = strstr(log, want); p; p = strstr(p + 1, want))
        n++;
    free(want);
    free(log);
    return n;
}

/* ---- the tests ------------------------------------------------------------------------ */

/* One worker run downloads the videos into the cache, checks them and offers the good ones;
 * the token goes to the feed's origin only. Then a restart without network offers them from
 * the cache, without asking the server; then content without the first item deletes its
 * video. */
static void test_download_cache_and_remove(void **state)
{
    struct server *s = *state;
    char *cache = in_root(s, "cache");
    char *images = in_root(s, "cache/images");
    char *intro = url_on(s->srv.port, "/file/intro.mp4");
    char *other = url_on(s->srv.port2, "/file/other.mp4");
    char *bad = url_on(s->srv.port, "/file/notvideo.mp4");
    char *photo = url_on(s->srv.port, "/file/withphoto.mp4");
    set_feed(s, "/file/feed.json");

    struct snapshot *snap = run_once(options(s, cache));
    assert_non_null(snap);
    assert_false(snap->from_cache);
    assert_int_equal(snap->feed->n_items, 4);
    const struct snapshot_video *v = video_set_get(snap->videos, intro);
    assert_non_null(v);
    assert_non_null(strstr(v->path, "/cache/images/"));
    assert_int_equal(file_size(v->path), s->intro_size);
    assert_int_equal(v->info.width, 320);
    assert_int_equal(v->info.height, 180);
    assert_true(v->info.duration_ms >= 900 && v->info.duration_ms <= 1100);
    assert_string_equal(v->info.codec, "h264");
    /* no photo: a poster, fit to max_photo_px */
    assert_non_null(v->poster);
    assert_int_equal(v->poster->w, 320);
    assert_int_equal(v->poster->h, 180);
    assert_non_null(video_set_get(snap->videos, other));
    assert_null(video_set_get(snap->videos, bad)); /* refused by the probe */
    v = video_set_get(snap->videos, photo);
    assert_non_null(v);
    assert_null(v->poster); /* its item has a photo */
    assert_null(video_set_get(snap->videos, "http://127.0.0.1:1/nothing.mp4"));
    assert_null(video_set_get(NULL, intro));
    /* the token went to the feed's origin, never to the other port */
    assert_true(requested(s, s->srv.port, "/file/intro.mp4", true));
    assert_true(requested(s, s->srv.port2, "/file/other.mp4", false));
    assert_false(requested(s, s->srv.port2, "/file/other.mp4", true));
    /* on disk: four videos (the refused one too: it is the content's, and counted), each
     * with its URL beside it, and no temporary file */
    assert_int_equal(count_files(images, ".vid"), 4);
    assert_int_equal(count_files(images, ".vid.url"), 4);
    assert_int_equal(count_containing(images, ".tmp."), 0);
    snapshot_destroy(snap);

    /* Restart without the server's answer: the cached feed comes with its videos. */
    int asked = count_requests(s, "/file/intro.mp4");
    set_feed(s, "/status/503");
    snap = run_once(options(s, cache));
    assert_non_null(snap);
    assert_true(snap->from_cache);
    v = video_set_get(snap->videos, intro);
    assert_non_null(v);
    assert_non_null(v->poster);
    assert_int_equal(count_requests(s, "/file/intro.mp4"), asked);
    snapshot_destroy(snap);

    /* Content without the first item: its video leaves the disk with it. */
    set_feed(s, "/file/feed2.json");
    snap = run_once(options(s, cache));
    assert_non_null(snap);
    assert_int_equal(snap->feed->n_items, 3);
    assert_null(video_set_get(snap->videos, intro));
    assert_non_null(video_set_get(snap->videos, other));
    assert_int_equal(count_files(images, ".vid"), 3);
    assert_int_equal(count_files(images, ".vid.url"), 3);
    char path[PATH_MAX];
    struct imgcache *c = imgcache_open(images, (size_t)1 << 30);
    assert_false(imgcache_video_path(c, intro, path, sizeof path));
    assert_true(imgcache_video_path(c, other, path, sizeof path));
    imgcache_close(c);
    snapshot_destroy(snap);

    remove_tree(cache);
    free(cache);
    free(images);
    free(intro);
    free(other);
    free(bad);
    free(photo);
}

/* A video over video.max_mb is not kept, and leaves no file behind; with videos off
 * (video_max_bytes 0) none is even asked for. */
static void test_size_cap_and_off(void **state)
{
    struct server *s = *state;
    char *cache = in_root(s, "cache-cap");
    char *images = in_root(s, "cache-cap/images");
    char *intro = url_on(s->srv.port, "/file/intro.mp4");
    set_feed(s, "/file/feed.json");
    struct refresh_options o = options(s, cache);
    o.video_max_bytes = s->intro_size - 1;
    struct snapshot *snap = run_once(o);
    assert_non_null(snap);
    assert_null(video_set_get(snap->videos, intro));
    assert_int_equal(count_files(images, ".vid"), 1); /* notvideo.mp4 is small enough */
    assert_int_equal(count_containing(images, ".tmp."), 0);
    snapshot_destroy(snap);
    remove_tree(cache);

    int asked = count_requests(s, "/file/intro.mp4");
    o = options(s, cache);
    o.video_max_bytes = 0;
    snap = run_once(o);
    assert_non_null(snap);
    assert_int_equal(snap->feed->n_items, 4);
    assert_null(video_set_get(snap->videos, intro));
    assert_int_equal(count_requests(s, "/file/intro.mp4"), asked);
    assert_int_equal(count_files(images, ".vid"), 0);
    snapshot_destroy(snap);
    remove_tree(cache);
    free(cache);
    free(images);
    free(intro);
}

/* Videos count in cache.max_mb: over the bound, the least recently used goes, and the
 * snapshot offers only what stayed. */
static void test_counted_in_the_bound(void **state)
{
    struct server *s = *state;
    char *cache = in_root(s, "cache-bound");
    char *images = in_root(s, "cache-bound/images");
    set_feed(s, "/file/feed.json");
    struct refresh_options o = options(s, cache);
    o.cache_max_bytes = s->intro_size * 2 + s->intro_size / 2; /* room for two and a bit */
    struct snapshot *snap = run_once(o);
    assert_non_null(snap);
    size_t offered = 0;
    for (size_t i = 0; i < snap->feed->n_items; i++)
        offered += video_set_get(snap->videos, snap->feed->items[i].video_url) != NULL;
    assert_int_equal(offered, 2);
    assert_int_equal(count_files(images, ".vid"), 3); /* two and the small refused one */
    snapshot_destroy(snap);
    remove_tree(cache);
    free(cache);
    free(images);
}

/* A file: feed's own video is used where it lies: nothing is copied. */
static void test_local_feed_video_in_place(void **state)
{
    struct server *s = *state;
    char *feed_path = in_root(s, "local.json");
    char *cache = in_root(s, "cache-local");
    char *images = in_root(s, "cache-local/images");
    struct strbuf b = {0};
    strbuf_appends(&b, "{\"version\": 1, \"items\": [");
    append_item(&b, "i-9", "intro.mp4", NULL);
    strbuf_appends(&b, "]}\n");
    assert_true(write_file(feed_path, b.data, b.len));
    char real[PATH_MAX];
    assert_non_null(realpath(s->root, real));
    struct refresh_options o = options(s, cache);
    free((char *)o.feed_url);
    o.feed_url = xasprintf("file://%s/local.json", real);
    struct snapshot *snap = run_once(o);
    assert_non_null(snap);
    char *url = xasprintf("file://%s/intro.mp4", real);
    const struct snapshot_video *v = video_set_get(snap->videos, url);
    assert_non_null(v);
    char *want = xasprintf("%s/intro.mp4", real);
    assert_string_equal(v->path, want);
    assert_int_equal(count_files(images, ".vid"), 0);
    snapshot_destroy(snap);
    remove_tree(cache);
    unlink(feed_path);
    strbuf_free(&b);
    free(want);
    free(url);
    free(feed_path);
    free(cache);
    free(images);
}

/* fetch's sink: the body streams out, the cap still holds, a sink that fails stops the
 * transfer, and an error page stays in memory. */
struct sink {
    struct strbuf got;
    size_t calls;
    bool refuse;
};

static bool sink_take(void *ctx, const void *data, size_t len)
{
    struct sink *k = ctx;
    k->calls++;
    if (k->refuse)
        return false;
    strbuf_append(&k->got, data, len);
    return true;
}

static void test_fetch_sink(void **state)
{
    struct server *s = *state;
    char *big = url_on(s->srv.port, "/big?bytes=300000");
    struct sink k = {0};
    struct fetch_request req = {
        .url = big, .max_bytes = 1 << 20, .sink = sink_take, .sink_ctx = &k};
    struct fetch_response resp;
    assert_int_equal(fetcher_get(s->fetcher, &req, &resp), FETCH_OK);
    assert_int_equal(resp.len, 300000);
    assert_int_equal(k.got.len, 300000);
    assert_true(k.calls > 1);
    assert_string_equal(resp.body, "");
    fetch_response_clear(&resp);
    strbuf_free(&k.got);

    k = (struct sink){0};
    req.max_bytes = 100000;
    assert_int_equal(fetcher_get(s->fetcher, &req, &resp), FETCH_TOO_LARGE);
    assert_true(k.got.len <= 100000);
    fetch_response_clear(&resp);
    strbuf_free(&k.got);

    k = (struct sink){.refuse = true};
    req.max_bytes = 1 << 20;
    assert_int_equal(fetcher_get(s->fetcher, &req, &resp), FETCH_TRANSPORT_ERROR);
    assert_string_equal(resp.error, "the body could not be stored");
    fetch_response_clear(&resp);

    char *missing = url_on(s->srv.port, "/status/404");
    k = (struct sink){0};
    req.url = missing;
    assert_int_equal(fetcher_get(s->fetcher, &req, &resp), FETCH_HTTP_ERROR);
    assert_int_equal(k.calls, 0);
    fetch_response_clear(&resp);
    free(missing);
    free(big);
}

/* imgcache's video files: written as they come, atomic, vouched for by their URL file. */
static void test_imgcache_videos(void **state)
{
    struct server *s = *state;
    char *dir = in_root(s, "cache-unit");
    struct imgcache *c = imgcache_open(dir, 1000);
    assert_non_null(c);
    const char *url = "https://community.example/v/1.mp4";
    char path[PATH_MAX];
    assert_false(imgcache_video_path(c, url, path, sizeof path));

    /* aborted: nothing stays */
    struct imgcache_video *w = imgcache_video_begin(c, url);
    assert_non_null(w);
    assert_true(imgcache_video_write(w, "abc", 3));
    imgcache_video_abort(w);
    imgcache_video_abort(NULL);
    assert_false(imgcache_video_path(c, url, path, sizeof path));
    assert_int_equal(count_files(dir, ".vid"), 0);

    w = imgcache_video_begin(c, url);
    assert_true(imgcache_video_write(w, "0123456789", 10));
    assert_true(imgcache_video_write(w, "abcdef", 6));
    assert_true(imgcache_video_commit(w));
    assert_true(imgcache_video_path(c, url, path, sizeof path));
    assert_int_equal(file_size(path), 16);
    char tiny[8];
    assert_false(imgcache_video_path(c, url, tiny, sizeof tiny)); /* the path does not fit */

    /* the URL file must name the URL exactly: another URL, or a damaged file, is a miss */
    char *url_file = xasprintf("%s.url", path);
    assert_true(write_file(url_file, "https://community.example/v/2.mp4\n", 34));
    assert_false(imgcache_video_path(c, url, path, sizeof path));
    assert_true(write_file(url_file, url, strlen(url))); /* no newline: torn */
    assert_false(imgcache_video_path(c, url, path, sizeof path));
    unlink(url_file);
    assert_false(imgcache_video_path(c, url, path, sizeof path));

    /* replaced: the new bytes, vouched for again */
    w = imgcache_video_begin(c, url);
    assert_true(imgcache_video_write(w, "xyz", 3));
    assert_true(imgcache_video_commit(w));
    assert_true(imgcache_video_path(c, url, path, sizeof path));
    assert_int_equal(file_size(path), 3);

    /* retain counts a video and its URL file, and deletes both with the URL */
    size_t bytes = imgcache_retain(c, &url, 1);
    assert_int_equal(bytes, 3 + strlen(url) + 1);
    assert_true(imgcache_put(c, "https://community.example/p.jpg", "img", 3));
    assert_int_equal(imgcache_retain(c, NULL, 0), 0);
    assert_int_equal(count_files(dir, ".vid"), 0);
    assert_int_equal(count_files(dir, ".vid.url"), 0);
    assert_int_equal(count_files(dir, ".img"), 0);

    /* a temporary file a crash left is removed at the next open */
    w = imgcache_video_begin(c, url);
    assert_true(imgcache_video_write(w, "half", 4));
    imgcache_close(c);
    c = imgcache_open(dir, 1000);
    assert_int_equal(count_containing(dir, ".tmp."), 0);
    imgcache_video_abort(w); /* its file is gone already: harmless */
    assert_null(imgcache_video_begin(NULL, url));
    imgcache_close(c);
    free(url_file);
    remove_tree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_imgcache_videos),
        cmocka_unit_test(test_fetch_sink),
        cmocka_unit_test(test_download_cache_and_remove),
        cmocka_unit_test(test_size_cap_and_off),
        cmocka_unit_test(test_counted_in_the_bound),
        cmocka_unit_test(test_local_feed_video_in_place),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
