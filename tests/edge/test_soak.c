/* Soak: a simulated week of a wall display in under a minute. The real pieces of a screen run
 * together: the fetch worker polls the feed every simulated minute (the default
 * refresh_interval), parses it, fetches and decodes its images and writes the last good feed
 * and the images to its disk cache; the event loop, the app, the schedule and the layout run
 * on the null platform's fake clock; every frame is drawn by the real renderer with real
 * fonts into a software renderer's surface. The first hour the feed comes from
 * tests/tools/testserver.py over HTTP; then the screen is reconfigured (a new worker, as a
 * reload makes) to a file: URL for the rest of the week (see HTTP_MINUTES). The feed changes
 * every minute: items are added, edited and withdrawn, images change, and now and then the
 * feed fails (HTTP 503, a body that is not JSON, a truncated body, invalid JSON, a missing
 * file).
 *
 * The content follows a daily pattern with ids that keep growing, so the end of day 1 and the
 * end of day 7 show the same amount of content made of different items: anything that grows
 * with time (a history by id, an image or texture cache, a leak per poll, a socket per
 * request) shows as a difference. Bounds: in-use heap at the end of the last day within
 * SOAK_HEAP_SLACK of the end of day 1, and the same number of open file descriptors.
 *
 *   test_soak [MINUTES]     default 10080 (7 days); the sanitizer build runs a day and the
 *                           valgrind run three hours (tests/CMakeLists.txt)
 *
 * Built against the null platform (for its clock) instead of the SDL one: see
 * tests/CMakeLists.txt. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "app.h"
#include "disk.h"
#include "feed_parse.h"
#include "fetch.h"
#include "fonts.h"
#include "image.h"
#include "image_sdl.h"
#include "layout.h"
#include "loop.h"
#include "pictures.h"
#include "platform_null.h"
#include "refresh.h"
#include "render_sdl.h"
#include "testserver.h"
#include "util.h"

#include <SDL.h>
#include <SDL_ttf.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <malloc.h>
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

#if defined(__SANITIZE_ADDRESS__)
#define SOAK_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SOAK_ASAN 1
#endif
#endif
#ifdef SOAK_ASAN
/* From <sanitizer/allocator_interface.h>, which gcc does not install: bytes the program holds
 * (ASan's own allocator; mallinfo2 does not see it). */
size_t __sanitizer_get_current_allocated_bytes(void);
#endif

#define WEEK_MINUTES (7 * 1440)
/* Small: the pixels are not what is soaked, and every slide is drawn. */
#define SCREEN_W        320
#define SCREEN_H        180
#define SOAK_HEAP_SLACK ((size_t)128 << 10) /* day 7 may hold this much more heap than day 1 */
#define ITEM_EVERY      15                  /* a new item every 15 minutes */
#define ITEM_LIFE       (6 * 60)            /* ... which stays 6 hours */
#define N_IMAGES        16
/* The first simulated hour goes through testserver.py over HTTP; the rest reads a file: URL
 * through the same worker and curl (the testserver answers a kept-alive request in ~45 ms,
 * its small writes waiting for our delayed ACK: a week of that would take hours). */
#define HTTP_MINUTES 60

/* Images the feed points at: small PNGs and JPEGs of the corpora, and one corrupt PNG that
 * must fail to decode every time it comes back. */
static const char *const image_files[N_IMAGES] = {
    "pngsuite/basn2c08.png", "pngsuite/basn6a08.png", "pngsuite/basi3p08.png",
    "pngsuite/tbbn3p08.png", "pngsuite/basn0g16.png", "pngsuite/basi4a16.png",
    "pngsuite/f02n2c08.png", "pngsuite/g04n3p04.png", "pngsuite/s37i3p04.png",
    "pngsuite/z09n2c08.png", "pngsuite/tp1n3p08.png", "pngsuite/oi9n2c16.png",
    "jpeg/testorig.jpg",     "jpeg/testimgint.jpg",   "jpeg/testimgari.jpg",
    "pngsuite/xcrn0g04.png",
};

/* Twelve, like every other period of the content, divides the 96 items of a day. */
static const char *const names[] = {
    "Ĳsbrand Kuipers", "Zoë van den Berg", "Ομάρ Χαντάντ",  "山田 花子",
    "שלום כהן",        "Anna Berg 🎉",      "Jonas Weber",   "Ana-María Núñez",
    "Ørjan Østby",     "Nguyễn Văn An",    "Мария Иванова", "محمد العلي",
};

struct sample {
    size_t heap, rss;
    int fds;
};

struct soak {
    /* the server */
    struct testserver server;
    char root[200], cache[256];
    char *http_url, *file_url;
    struct fetcher *control; /* the test's own requests to /control */
    const char *route;       /* what /feed serves now */

    /* the screen */
    struct platform *platform;
    struct layout *layout;
    SDL_Surface *surface;
    SDL_Renderer *sdl;
    struct fonts *fonts;
    struct renderer *renderer;
    struct pictures *pictures;
    struct app *app;
    struct refresh *refresh;
    struct snapshot *snap;

    /* the worker's news: counted under the lock, waited for on the condition */
    pthread_mutex_t lock;
    pthread_cond_t news;
    unsigned notified;

    /* the simulation */
    int minutes, minute;
    int64_t wall0; /* the fake wall clock at minute 0 */
    int64_t next_minute_ms;
    unsigned attempts;
    struct sample day[8]; /* at the end of each day; [0]: after the first minute */
    uint64_t polls, frames, slides, refreshes, failures, failures_expected, unchanged;
    uint64_t draw_failures;
    const struct item *last_item;
    char last_id[64];
};

/* ---- the server ---- */

static const char *shared_dir(void)
{
    const char *s = getenv("PRIKBORD_SHARED_DIR");
    return s && *s ? s : "/work/shared";
}

static bool start_server(struct soak *s)
{
    return testserver_start(&s->server, s->root, false, 3600);
}

static void stop_server(struct soak *s)
{
    testserver_stop(&s->server);
}

/* Makes /feed serve route (a testserver path) from now on. */
static void serve(struct soak *s, const char *route)
{
    if (s->route && strcmp(s->route, route) == 0)
        return;
    char *url = xasprintf("http://127.0.0.1:%d/control?feed=%s", s->server.port, route);
    struct fetch_request req = {.url = url, .user_agent = "prikbord-soak"};
    struct fetch_response resp = {0};
    if (fetcher_get(s->control, &req, &resp) != FETCH_OK)
        fail_msg("control %s: %s", route, resp.error);
    fetch_response_clear(&resp);
    free(url);
    s->route = route;
}

/* Removes path and, for a folder, what it holds. */
static void remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char *child = xasprintf("%s/%s", path, e->d_name);
            remove_tree(child);
            free(child);
        }
        if (d)
            closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

static void copy_file(const char *from, const char *to)
{
    char err[256];
    size_t len;
    char *data = disk_read_file(from, (size_t)1 << 20, &len, err, sizeof err);
    if (!data)
        fail_msg("%s: %s", from, err);
    if (!disk_write_atomic(to, data, len, err, sizeof err))
        fail_msg("%s: %s", to, err);
    free(data);
}

/* ---- the feed of minute m ---- */

static void iso(char *out, size_t outlen, int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Appends s as a JSON string. */
static void json_str(struct strbuf *b, const char *s)
{
    strbuf_append(b, "\"", 1);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            strbuf_appendf(b, "\\%c", *s);
        else
            strbuf_append(b, s, 1);
    }
    strbuf_append(b, "\"", 1);
}

/* The image of item k at minute m: it changes every half hour. Like everything about an item
 * it repeats daily: 96 items and 48 half hours a day are multiples of N_IMAGES. */
static int image_of(int k, int m)
{
    return (k * 7 + m / 30) % N_IMAGES;
}

/* Items are born every ITEM_EVERY minutes and live ITEM_LIFE; one in eight is withdrawn after
 * an hour; every minute one of them is edited. wall0: the fake wall clock at minute 0. */
static char *feed_at(int m, int64_t wall0, const char *img)
{
    struct strbuf b = {0};
    char when[32];
    iso(when, sizeof when, wall0 + (int64_t)m * 60);
    strbuf_appendf(&b,
                   "{\"version\":1,\"generated_at\":\"%s\",\"community\":{\"name\":"
                   "\"Soak · minute %d\",\"logo_url\":\"%s%d.png\"},\"items\":[",
                   when, m, img, m / 60 % 4);
    int newest = m / ITEM_EVERY, oldest = (m - ITEM_LIFE) / ITEM_EVERY + 1;
    if (oldest < 0)
        oldest = 0;
    int live = newest - oldest + 1;
    bool first = true;
    for (int k = newest; k >= oldest; k--) {
        int age = m - k * ITEM_EVERY;
        if (k % 8 == 3 && age >= 60)
            continue; /* withdrawn */
        bool edited = k % live == m % live;
        const char *name = names[k % ARRAY_LEN(names)];
        const char *other = names[(k + 3) % ARRAY_LEN(names)];
        int pic = image_of(k, m);
        const char *ext = pic >= 12 && pic <= 14 ? "jpg" : "png";
        iso(when, sizeof when, wall0 + (int64_t)k * ITEM_EVERY * 60);
        strbuf_appendf(&b,
                       "%s{\"id\":\"soak-%d\",\"group\":{\"id\":\"g%d\",\"visibility\":"
                       "\"open\"},\"published_at\":\"%s\",\"url\":\"https://x.example/%d\",",
                       first ? "" : ",", k, k % 3, when, k);
        first = false;
        switch (k % 4) {
        case 0:
            strbuf_appendf(&b,
                           "\"type\":\"post\",\"highlighted\":true,\"image_url\":\"%s%d.%s\","
                           "\"reactions\":{\"likes\":%d,\"comments\":%d},\"author\":{\"name\":",
                           img, pic, ext, age, age / 7);
            json_str(&b, name);
            strbuf_appendf(&b,
                           ",\"avatar_url\":\"%s%d.png\"},\"title\":\"Post %d%s\","
                           "\"body\":\"Minute %d. ",
                           img, (pic + 1) % 12, k, edited ? " (edited)" : "", edited ? m : age);
            for (int w = 0; w < k % 32; w++)
                strbuf_appends(&b, "words ");
            strbuf_appends(&b, "\"}");
            break;
        case 1:
            strbuf_appends(&b, "\"type\":\"introduction\",\"person\":{\"name\":");
            json_str(&b, name);
            strbuf_appendf(&b,
                           ",\"role\":\"Role %d\",\"team\":\"Team\",\"start_date\":\"%.10s\","
                           "\"avatar_url\":\"%s%d.%s\"},\"body\":\"Hello%s\"}",
                           k % 6, when, img, pic, ext, edited ? ", edited" : "");
            break;
        case 2:
            strbuf_appends(&b, "\"type\":\"shoutout\",\"from\":{\"name\":");
            json_str(&b, name);
            strbuf_appendf(&b, ",\"avatar_url\":\"%s%d.png\"},\"to\":[{\"name\":", img, pic % 12);
            json_str(&b, other);
            strbuf_appendf(&b,
                           "},{\"name\":\"Team %d\"}],\"badge\":\"%s\",\"message\":"
                           "\"Thanks for minute %d!\"}",
                           k % 8, k % 2 ? "teamwork" : "thanks", edited ? m : k);
            break;
        default:
            strbuf_appendf(&b, "\"type\":\"help_request\",\"kind\":\"%s\",\"author\":{\"name\":",
                           k % 8 == 3 ? "offer" : "ask");
            json_str(&b, name);
            strbuf_appendf(&b, "},\"title\":\"Who can help with %d?\"%s}", k,
                           edited ? ",\"body\":\"Edited.\"" : "");
            break;
        }
    }
    strbuf_appends(&b, "]}\n");
    return b.data;
}

/* What the server does at minute m: fails now and then (a daily pattern, so that day 1 and
 * day 7 see the same failures), else serves the feed of the minute. The failures come last:
 * kind >= MIN_503 is a failed poll. */
enum minute_kind { MIN_FEED, MIN_SAME, MIN_503, MIN_GARBAGE, MIN_TRUNCATED, MIN_BAD_JSON };

static enum minute_kind planned(int m)
{
    int d = m % 1440;
    if (d % 97 == 13)
        return MIN_503;
    if (d % 131 == 7)
        return MIN_GARBAGE;
    if (d % 211 == 50)
        return MIN_TRUNCATED;
    if (d % 173 == 99)
        return MIN_BAD_JSON;
    if (d % 10 == 9)
        return MIN_SAME; /* a quiet minute: 304 */
    return MIN_FEED;
}

static enum minute_kind minute_kind(int m)
{
    enum minute_kind k = planned(m);
    /* Quiet only after a good minute: after invalid JSON the file must change again. */
    return k == MIN_SAME && (m == 0 || planned(m - 1) != MIN_FEED) ? MIN_FEED : k;
}

/* ---- the screen's hooks ---- */

static void notify(void *ctx)
{
    struct soak *s = ctx;
    pthread_mutex_lock(&s->lock);
    s->notified++;
    pthread_cond_signal(&s->news);
    pthread_mutex_unlock(&s->lock);
}

static bool snap_has_image(void *ctx, const char *url)
{
    struct soak *s = ctx;
    return s->snap && image_set_get(s->snap->images, url) != NULL;
}

static SDL_Surface *snap_surface(void *ctx, const char *url)
{
    struct soak *s = ctx;
    const struct image_bytes *b = s->snap ? image_set_get(s->snap->images, url) : NULL;
    return pictures_get(s->pictures, url, b);
}

static bool draw(void *ctx, const struct app_frame *f)
{
    struct soak *s = ctx;
    bool drawn = renderer_draw(s->renderer, f, snap_surface, s);
    pictures_release(s->pictures);
    if (!drawn) {
        s->draw_failures++;
        return false;
    }
    s->frames++;
    const struct item *it = app_current_item(s->app);
    if (it && (it != s->last_item || strcmp(it->id, s->last_id) != 0)) {
        s->slides++;
        s->last_item = it;
        snprintf(s->last_id, sizeof s->last_id, "%s", it->id);
    }
    return true;
}

static void reset(void *ctx)
{
    renderer_flush(((struct soak *)ctx)->renderer);
}

/* As main.c takes the worker's news: the app owns the feed, the screen the images. */
static void take_snapshot(struct soak *s)
{
    struct snapshot *snap = refresh_take(s->refresh);
    if (!snap)
        return;
    struct feed *f = snap->feed;
    snap->feed = NULL;
    struct snapshot *old = s->snap;
    s->snap = snap;
    app_set_feed(s->app, f, snap_has_image, s);
    snapshot_destroy(old);
    s->refreshes++;
}

/* Files under dir (recursively) and their bytes. */
static void disk_usage(const char *dir, int *files, long long *bytes)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *path = xasprintf("%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            disk_usage(path, files, bytes);
        } else if (lstat(path, &st) == 0) {
            (*files)++;
            *bytes += st.st_size;
        }
        free(path);
    }
    if (d)
        closedir(d);
}

static struct sample measure(void)
{
    struct sample m = {0};
#ifdef SOAK_ASAN
    m.heap = __sanitizer_get_current_allocated_bytes();
#else
    struct mallinfo2 mi = mallinfo2();
    m.heap = mi.uordblks + mi.hblkhd;
#endif
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long size = 0, resident = 0;
    if (f && fscanf(f, "%lu %lu", &size, &resident) == 2)
        m.rss = resident * (size_t)sysconf(_SC_PAGESIZE);
    if (f)
        fclose(f);
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    while (d && (e = readdir(d)))
        m.fds += e->d_name[0] != '.';
    if (d) {
        closedir(d);
        m.fds--; /* the directory's own */
    }
    return m;
}

/* Writes the feed file (no fsync: it is the server's side, not the screen's). */
static void write_feed(struct soak *s, const char *data, size_t len)
{
    char path[300], tmp[310];
    snprintf(path, sizeof path, "%s/feed.json", s->root);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0 || rename(tmp, path) != 0)
        fail_msg("%s: %s", path, strerror(errno));
}

/* What the feed URL answers during minute m. Over HTTP the testserver's routes fail; over
 * file: the file goes missing or holds the wrong bytes. */
static void serve_minute(struct soak *s, int m)
{
    enum minute_kind kind = minute_kind(m);
    bool http = m < HTTP_MINUTES;
    char *json = NULL;
    if (kind == MIN_FEED || kind == MIN_TRUNCATED)
        json = feed_at(m, s->wall0, http ? "file/img/" : "img/");
    if (kind == MIN_FEED)
        write_feed(s, json, strlen(json));
    if (kind == MIN_BAD_JSON) {
        static const char bad[] = "{\"version\":1,\"items\":[{\"id\":";
        write_feed(s, bad, sizeof bad - 1);
    }
    if (http) {
        static const char *const route[] = {
            [MIN_FEED] = "/file/feed.json",
            [MIN_SAME] = "/file/feed.json",
            [MIN_503] = "/status/503",
            [MIN_GARBAGE] = "/garbage",
            [MIN_TRUNCATED] = "/truncated?bytes=300",
            [MIN_BAD_JSON] = "/file/feed.json",
        };
        serve(s, route[kind]);
    } else if (kind == MIN_503) {
        char path[300];
        snprintf(path, sizeof path, "%s/feed.json", s->root);
        unlink(path);
    } else if (kind == MIN_GARBAGE) {
        static const char garbage[] = "<html>Service temporarily unavailable</html>\0\xff{";
        write_feed(s, garbage, sizeof garbage - 1);
    } else if (kind == MIN_TRUNCATED) {
        write_feed(s, json, 300);
    }
    free(json);
}

/* A worker for the feed at url; it polls once as it starts. */
static void start_worker(struct soak *s, const char *url)
{
    struct refresh_options ro = {.feed_url = url,
                                 .cache_dir = s->cache,
                                 .interval_s = 3600, /* the test asks for every poll */
                                 .user_agent = "prikbord-soak",
                                 .max_photo_px = SCREEN_W,
                                 /* under what the content's images take: the size bound
                                    evicts too */
                                 .cache_max_bytes = (size_t)16 << 10};
    s->refresh = refresh_start(&ro, notify, s);
    assert_non_null(s->refresh);
    s->attempts = 0;
}

/* One simulated minute: the feed gets the minute's content, the worker polls once (the test
 * waits for it, in real time), and the screen takes what it delivered. At HTTP_MINUTES the
 * screen is reconfigured from the testserver to a file: URL, as a reload does: a new worker. */
static void run_minute(struct soak *s, int m)
{
    enum minute_kind kind = minute_kind(m);
    s->failures_expected += kind >= MIN_503;
    pthread_mutex_lock(&s->lock);
    unsigned before = s->notified;
    pthread_mutex_unlock(&s->lock);
    serve_minute(s, m);
    if (m == 0) {
        start_worker(s, s->http_url);
    } else if (m == HTTP_MINUTES) {
        refresh_stop(s->refresh);
        s->refresh = NULL;
        start_worker(s, s->file_url);
    } else {
        refresh_poll_now(s->refresh);
    }
    struct refresh_state st;
    for (;;) {
        refresh_get_state(s->refresh, &st);
        if (st.attempts > s->attempts)
            break;
        pthread_mutex_lock(&s->lock);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 30;
        int rc = 0;
        while (s->notified == before && rc != ETIMEDOUT)
            rc = pthread_cond_timedwait(&s->news, &s->lock, &until);
        before = s->notified;
        pthread_mutex_unlock(&s->lock);
        if (rc == ETIMEDOUT)
            fail_msg("minute %d: the worker did not poll within 30 s", m);
    }
    s->polls += st.attempts - s->attempts;
    s->attempts = st.attempts;
    if (st.problem[0])
        s->failures++;
    else if (kind == MIN_SAME)
        s->unchanged++;
    if ((kind >= MIN_503) != (st.problem[0] != '\0'))
        fail_msg("minute %d: kind %d, worker says \"%s\"", m, kind, st.problem);
    take_snapshot(s);
    /* A failing server never takes the content off the screen. */
    if (m > 0 && app_count_shown(s->app, platform_wall_s(s->platform)) == 0)
        fail_msg("minute %d: nothing to show", m);
}

/* The loop's timer: the top of every simulated minute; quits after the last. */
static int64_t tick(void *ctx, int64_t now_ms, bool *redraw)
{
    struct soak *s = ctx;
    (void)redraw;
    while (now_ms >= s->next_minute_ms && s->minute < s->minutes) {
        run_minute(s, s->minute);
        s->minute++;
        s->next_minute_ms += 60000;
        if (s->minute == 1)
            s->day[0] = measure();
        if (s->minute % 1440 == 0 && s->minute / 1440 < (int)ARRAY_LEN(s->day))
            s->day[s->minute / 1440] = measure();
    }
    if (s->minute == s->minutes)
        platform_quit(s->platform);
    return s->next_minute_ms;
}

/* ---- the test ---- */

static int minutes_arg = WEEK_MINUTES;

static int setup_soak(void **state)
{
    struct soak *s = xcalloc(1, sizeof *s);
    *state = s;
    /* One malloc arena: mallinfo2 counts only the main one, and the worker's allocations
     * (the feed it parses, the pixels it decodes) are what a leak would most likely be. */
    mallopt(M_ARENA_MAX, 1);
    setenv("no_proxy", "127.0.0.1,localhost", 1);
    setenv("NO_PROXY", "127.0.0.1,localhost", 1);
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->news, NULL);
    s->server.stdin_fd = -1;
    s->minutes = minutes_arg;
    /* In memory where there is a tmpfs: a week of fsyncs on a disk measures the disk. */
    const char *tmp = getenv("TMPDIR");
    if (access("/dev/shm", W_OK) == 0)
        tmp = "/dev/shm";
    snprintf(s->root, sizeof s->root, "%s/prikbord-soak-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    assert_non_null(mkdtemp(s->root));
    snprintf(s->cache, sizeof s->cache, "%s/cache", s->root);
    char err[256], path[600];
    snprintf(path, sizeof path, "%s/img", s->root);
    assert_true(disk_mkdirs(path, err, sizeof err));
    for (int i = 0; i < N_IMAGES; i++) {
        char from[600];
        snprintf(from, sizeof from, "%s/corpora/%s", shared_dir(), image_files[i]);
        snprintf(path, sizeof path, "%s/img/%d.%s", s->root, i, i >= 12 && i <= 14 ? "jpg" : "png");
        copy_file(from, path);
    }
    assert_true(fetch_global_init());
    assert_true(start_server(s));
    s->control = fetcher_create();
    assert_non_null(s->control);
    s->http_url = xasprintf("http://127.0.0.1:%d/feed", s->server.port);
    s->file_url = xasprintf("file://%s/feed.json", s->root);

    struct platform_options po = {.headless = true, .w = SCREEN_W, .h = SCREEN_H};
    s->platform = platform_create(&po, err, sizeof err);
    assert_non_null(s->platform);
    s->wall0 = platform_wall_s(s->platform);
    assert_int_equal(TTF_Init(), 0);
    assert_true(image_global_init());
    s->layout = layout_builtin();
    s->fonts = fonts_create(s->layout->font, err, sizeof err);
    if (!s->fonts)
        fail_msg("fonts: %s", err);
    s->surface =
        SDL_CreateRGBSurfaceWithFormat(0, SCREEN_W, SCREEN_H, 32, SDL_PIXELFORMAT_ARGB8888);
    assert_non_null(s->surface);
    s->sdl = SDL_CreateSoftwareRenderer(s->surface);
    assert_non_null(s->sdl);
    s->renderer = renderer_create(s->sdl, s->fonts);
    s->pictures = pictures_create();
    /* A calm wall (slide_seconds = 30, max_slide_seconds = 60) that cuts between slides
     * (transition_ms = 0): about two slides a minute, each laid out and drawn, plus the
     * clock. The crossfade's frames are test_loop's and test_render's; here they would only
     * multiply the cost of a frame. */
    struct schedule_rules rules = schedule_default_rules();
    rules.min_ms = 30000;
    rules.max_ms = 60000;
    struct app_options ao = {.slide_ms = rules.min_ms,
                             .max_slide_ms = rules.max_ms,
                             .transition_ms = 0,
                             .max_fps = 30,
                             .lang = LANG_NL,
                             .clock_24h = true,
                             .rules = &rules};
    s->app = app_create(&ao, s->layout, fonts_metrics(s->fonts), SCREEN_W, SCREEN_H);
    return 0;
}

/* Also after a failed test (cmocka calls it then too): no server or folder is left behind. */
static int teardown_soak(void **state)
{
    struct soak *s = *state;
    if (!s)
        return 0;
    refresh_stop(s->refresh);
    app_destroy(s->app);
    snapshot_destroy(s->snap);
    renderer_destroy(s->renderer);
    pictures_destroy(s->pictures);
    if (s->sdl)
        SDL_DestroyRenderer(s->sdl);
    SDL_FreeSurface(s->surface);
    fonts_destroy(s->fonts);
    layout_destroy(s->layout);
    image_global_cleanup();
    TTF_Quit();
    platform_destroy(s->platform);
    fetcher_destroy(s->control);
    stop_server(s);
    fetch_global_cleanup();
    free(s->http_url);
    free(s->file_url);
    if (s->root[0])
        remove_tree(s->root);
    pthread_cond_destroy(&s->news);
    pthread_mutex_destroy(&s->lock);
    SDL_Quit();
    free(s);
    *state = NULL;
    return 0;
}

static void test_week_of_changes(void **state)
{
    struct soak *s = *state;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct loop_hooks h = {.ctx = s, .draw = draw, .reset = reset, .tick = tick};
    loop_run(s->platform, s->app, &h, false);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;

    int days = s->minutes / 1440;
    printf("soak: %d simulated minutes in %.1f s: %" PRIu64 " polls (%" PRIu64
           " refreshes, %" PRIu64 " unchanged, %" PRIu64 " failed of %" PRIu64 " planned), %" PRIu64
           " slides, %" PRIu64 " frames\n",
           s->minute, secs, s->polls, s->refreshes, s->unchanged, s->failures, s->failures_expected,
           s->slides, s->frames);
    /* Under valgrind mallinfo2 says 0: its own allocator counts the heap. */
    for (int d = 0; d <= days && d < (int)ARRAY_LEN(s->day); d++)
        printf("soak: %s %d: heap in use %zu KB, RSS %zu KB, %d open fds\n",
               d ? "end of day" : "after minute", d ? d : 1, s->day[d].heap >> 10,
               s->day[d].rss >> 10, s->day[d].fds);
    assert_int_equal(s->minute, s->minutes);
    assert_int_equal(s->failures, s->failures_expected);
    assert_int_equal(s->draw_failures, 0);
    assert_true(s->slides > (uint64_t)s->minutes); /* 30 to 60 s a slide */
    /* The disk cache: a last good feed per feed URL and the images, within their bound (an
     * image larger than what is left is still kept while it is in use), no temporaries. */
    int files = 0;
    long long bytes = 0;
    disk_usage(s->cache, &files, &bytes);
    printf("soak: disk cache %d files, %lld KB\n", files, bytes >> 10);
    assert_true(files <= 2 + N_IMAGES);
    assert_true(bytes <= 64 << 10);
    if (days >= 2) {
        /* Day 1 is the warm-up (caches fill, the font cache, the connection); after it, what
         * the screen holds must not depend on how long it has run. */
        const struct sample *a = &s->day[1], *b = &s->day[days < 7 ? days : 7];
        printf("soak: heap day %d - day 1: %+lld KB (bound %zu KB); fds %d -> %d\n",
               days < 7 ? days : 7, ((long long)b->heap - (long long)a->heap) / 1024,
               SOAK_HEAP_SLACK >> 10, a->fds, b->fds);
        assert_true(b->heap <= a->heap + SOAK_HEAP_SLACK);
        assert_int_equal(b->fds, a->fds);
    }
}

int main(int argc, char **argv)
{
    if (argc > 1)
        minutes_arg = atoi(argv[1]);
    if (minutes_arg < 1)
        minutes_arg = WEEK_MINUTES;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_week_of_changes, setup_soak, teardown_soak),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
