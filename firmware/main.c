/* main: arguments, configuration and wiring. The only place that exits. */
#define _XOPEN_SOURCE 700 /* realpath */
#define LOG_MODULE "main"
#include "app.h"
#include "check.h"
#include "config.h"
#include "disk.h"
#include "feed_parse.h"
#include "fetch.h"
#include "fonts.h"
#include "image.h"
#include "image_sdl.h"
#include "layout.h"
#include "log.h"
#include "loop.h"
#include "platform_sdl.h"
#include "refresh.h"
#include "render_sdl.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum exit_code { EXIT_OK = 0, EXIT_UNUSABLE = 1, EXIT_USAGE = 2, EXIT_RUNTIME = 3 };

struct args {
    const char *config_file;
    const char *check_feed;
    bool json;
    bool headless;
    const char *screenshot_dir;
    bool software;
};

static void usage(FILE *out)
{
    fputs("usage: prikbord [--config FILE] [--feed URL] [--layout NAME|FILE] [--window WxH]\n"
          "                [--cache-dir DIR] [--source NAME] [--token-file FILE]\n"
          "       prikbord --headless --screenshot-dir DIR [--window WxH] [--feed URL] [--layout ...]\n"
          "       prikbord --check-feed URL|FILE [--json]\n"
          "       prikbord --version | --help\n"
          "\n"
          "  --config FILE        read settings from FILE (INI; see docs/prikbord.conf.example)\n"
          "  --feed URL|FILE      the community feed (default: the bundled demo community)\n"
          "  --layout NAME|FILE   a layout from layouts/ or a layout file (default: auto)\n"
          "  --window WxH         a window of that size instead of fullscreen\n"
          "  --cache-dir DIR      where the last good feed is kept\n"
          "  --source NAME        prikbord (the native feed)\n"
          "  --token-file FILE    file holding the bearer token, re-read before each request\n"
          "  --log-level LEVEL    debug, info, warn or error\n"
          "  --headless           render without a display (SDL's offscreen driver)\n"
          "  --screenshot-dir DIR with --headless: write one PNG per slide of a full cycle\n"
          "  --software           use the software renderer\n"
          "  --check-feed URL     say per item whether it would be shown, and why not\n"
          "  --json               with --check-feed: machine-readable output\n"
          "\n"
          "Settings (config file keys; command-line flags override them):\n",
          out);
    config_print_keys(out);
}

static void report_config(void *ctx, const char *msg)
{
    int *problems = ctx;
    (*problems)++;
    fprintf(stderr, "%s\n", msg);
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* A feed given as a path becomes a file: URL, so that it takes the same libcurl path. */
static char *feed_url_of(const char *arg)
{
    if (strstr(arg, "://"))
        return xstrdup(arg);
    char *resolved = realpath(arg, NULL);
    if (!resolved) {
        /* A feed file that is not there yet (a bridge writes it later, a mount is late) is
         * not an error for a wall display: it keeps trying, and shows its cache meanwhile. */
        char cwd[PATH_MAX];
        if (errno != ENOENT || !*arg || (arg[0] != '/' && !getcwd(cwd, sizeof cwd)))
            return NULL;
        resolved = arg[0] == '/' ? xstrdup(arg) : xasprintf("%s/%s", cwd, arg);
        log_warn("feed file %s does not exist (yet)", resolved);
    } else if (is_dir(resolved)) {
        free(resolved);
        errno = EISDIR;
        return NULL;
    }
    struct strbuf b = {0};
    strbuf_appends(&b, "file://");
    for (const char *p = resolved; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            strchr("/-._~", c))
            strbuf_append(&b, p, 1);
        else
            strbuf_appendf(&b, "%%%02X", c);
    }
    free(resolved);
    return b.data;
}

/* Bundled data (demo, layouts): $PRIKBORD_DATA_DIR, the source tree when running from a
 * build folder, or the installed share folder. */
static const char *data_dir(void)
{
    const char *env = getenv("PRIKBORD_DATA_DIR");
    if (env && *env)
        return env;
    if (is_dir(PRIKBORD_SOURCE_DATA_DIR "/assets"))
        return PRIKBORD_SOURCE_DATA_DIR;
    return PRIKBORD_INSTALL_DATA_DIR;
}

static char *default_cache_dir(void)
{
    const char *xdg = getenv("XDG_CACHE_HOME");
    if (xdg && *xdg)
        return xasprintf("%s/prikbord", xdg);
    const char *home = getenv("HOME");
    if (home && *home)
        return xasprintf("%s/.cache/prikbord", home);
    return xstrdup("/var/cache/prikbord");
}

static struct layout *layout_from_file(const char *path)
{
    char err[256];
    size_t len;
    char *json = disk_read_file(path, 1 << 20, &len, err, sizeof err);
    struct layout *l = json ? layout_parse(json, len, err, sizeof err) : NULL;
    if (!l)
        log_error("%s: %s", path, err);
    free(json);
    return l;
}

/* --layout NAME|FILE, or the layout in layouts/ whose aspect range fits the screen best. A
 * bad layout is reported as "file: what is wrong" and the built-in layout is used. */
static struct layout *choose_layout(const char *want, int w, int h)
{
    struct layout *l = NULL;
    char *path = NULL;
    if (want && *want && strcmp(want, "auto") != 0) {
        if (strchr(want, '/') || strstr(want, ".json"))
            path = xstrdup(want);
        else
            path = xasprintf("%s/layouts/%s.json", data_dir(), want);
        l = layout_from_file(path);
        free(path);
        if (!l)
            log_warn("using the built-in layout instead");
        return l ? l : layout_builtin();
    }
    /* The best match by layout_compare_fit; files in name order, so that a tie does not
     * depend on the directory's order. */
    char *dir = xasprintf("%s/layouts", data_dir());
    struct dirent **names = NULL;
    int n_names = scandir(dir, &names, NULL, alphasort);
    for (int i = 0; i < n_names; i++) {
        size_t n = strlen(names[i]->d_name);
        if (n >= 6 && strcmp(names[i]->d_name + n - 5, ".json") == 0) {
            char *p = xasprintf("%s/%s", dir, names[i]->d_name);
            struct layout *c = layout_from_file(p);
            free(p);
            if (c && (!l || layout_compare_fit(c, l, w, h) < 0)) {
                layout_destroy(l);
                l = c;
            } else {
                layout_destroy(c);
            }
        }
        free(names[i]);
    }
    free(names);
    free(dir);
    if (!l) {
        log_info("no layout in layouts/ for %dx%d; using the built-in layout", w, h);
        return layout_builtin();
    }
    if (!layout_fits(l, w, h))
        log_info("no layout in layouts/ is made for %dx%d; %s is the nearest", w, h, l->name);
    return l;
}

static int check_feed(const struct config *cfg, const char *arg, bool json)
{
    /* Checking a file that is not there is a plain error, not a feed to wait for. */
    struct stat st;
    if (!strstr(arg, "://") && stat(arg, &st) != 0) {
        fprintf(stderr, "prikbord: %s: %s\n", arg, strerror(errno));
        if (json)
            printf("{\"usable\": false, \"error\": \"cannot read the feed file\", \"items\": []}\n");
        return EXIT_UNUSABLE;
    }
    char *url = feed_url_of(arg);
    if (!url) {
        fprintf(stderr, "prikbord: %s: %s\n", arg, strerror(errno));
        if (json)
            printf("{\"usable\": false, \"error\": \"cannot read the feed file\", \"items\": []}\n");
        return EXIT_UNUSABLE;
    }
    struct fetcher *f = fetcher_create();
    struct fetch_request req = {
        .url = url,
        .token = cfg->token,
        .token_origin = url,
        .allow_file = true,
        .max_bytes = (size_t)cfg->max_feed_bytes,
        .user_agent = "prikbord/" PRIKBORD_VERSION " (check-feed)",
        .ca_file = cfg->ca_file,
    };
    struct fetch_response resp = {0};
    struct feed_report report = {0};
    struct feed *feed = NULL;
    char err[300] = "";
    if (!f) {
        snprintf(err, sizeof err, "cannot create a curl handle");
    } else if (fetcher_get(f, &req, &resp) != FETCH_OK) {
        if (resp.result == FETCH_TOO_LARGE)
            snprintf(err, sizeof err, "feed is over the limit of %d bytes", cfg->max_feed_bytes);
        else
            snprintf(err, sizeof err, "cannot fetch the feed: %s", resp.error);
    } else {
        struct feed_parse_opts opts = {
            .max_bytes = (size_t)cfg->max_feed_bytes,
            .show_all_posts = cfg->show_all_posts,
            .resolve_url = refresh_resolve_url,
            .resolve_ctx = url,
        };
        feed = feed_parse(resp.body, resp.len, &opts, &report, err, sizeof err);
        check_apply_time(&report, feed, (int64_t)time(NULL));
    }
    if (!feed)
        fprintf(stderr, "prikbord: %s\n", err);
    check_print(stdout, feed, &report, feed ? NULL : err, json);
    int rc = feed ? EXIT_OK : EXIT_UNUSABLE;
    feed_report_clear(&report);
    feed_destroy(feed);
    fetch_response_clear(&resp);
    fetcher_destroy(f);
    free(url);
    return rc;
}

/* ---- running the screen ---- */

struct screen {
    struct platform *platform;
    struct fonts *fonts;
    struct layout *layout;
    struct renderer *renderer;
    struct app *app;
    struct refresh *refresh;
    struct snapshot *snap; /* images of the content on screen */
    enum lang lang;
    const char *feed_url;   /* borrowed from run() */
    const char *display_id; /* borrowed from run() */
    int interval_s;
    int64_t started_ms;
    bool first_frame, first_content;
    int rotation; /* display.rotation */
};

static bool snap_has_image(void *ctx, const char *url)
{
    struct screen *s = ctx;
    return s->snap && image_set_get(s->snap->images, url) != NULL;
}

static SDL_Surface *snap_surface(void *ctx, const char *url)
{
    struct screen *s = ctx;
    const struct image *img = s->snap ? image_set_get(s->snap->images, url) : NULL;
    return img ? image_surface(img) : NULL;
}

static void wake_main(void *ctx)
{
    platform_wake(ctx);
}

/* Where the screen fetches from, for people: scheme and host only (a path or query may carry
 * secrets), or "a local file". */
static void feed_host(const char *url, char *out, size_t outlen)
{
    if (strncmp(url, "file:", 5) == 0) {
        snprintf(out, outlen, "a local file");
        return;
    }
    const char *p = strstr(url, "://");
    size_t n = p ? (size_t)(p + 3 - url) + strcspn(p + 3, "/?#") : strcspn(url, "/?#");
    snprintf(out, outlen, "%.*s", (int)n, url);
}

static void local_now(int64_t wall, struct tm *out);

/* Takes the worker's news: new content, and what to tell people about the connection. */
static void take_news(struct screen *s, enum lang lang)
{
    struct snapshot *snap = refresh_take(s->refresh);
    if (snap) {
        struct feed *f = snap->feed;
        snap->feed = NULL; /* the app owns the feed, the screen the images */
        struct snapshot *old = s->snap;
        s->snap = snap;
        app_set_feed(s->app, f, snap_has_image, s);
        snapshot_destroy(old);
    }
    struct refresh_state st;
    refresh_get_state(s->refresh, &st);
    if (!st.has_content && st.attempted && st.problem[0]) {
        /* First boot without content: a friendly word for passers-by, the facts for IT. */
        char host[160], *facts, *body;
        feed_host(s->feed_url, host, sizeof host);
        facts = xasprintf("%s %s \xE2\x86\x92 %s: %s", lang == LANG_NL ? "Scherm" : "Screen",
                          s->display_id, host, st.problem);
        body = tr_with(lang, STR_STARTING_BODY, facts);
        app_set_status(s->app, tr(lang, STR_STARTING_TITLE), body);
        free(body);
        free(facts);
    }
    /* A note in the header when the content may be out of date, or the token is refused. */
    char note[160] = "";
    int64_t wall = platform_wall_s(s->platform);
    int64_t confirmed = st.last_ok ? st.last_ok : st.cached_at;
    if (st.auth_failed) {
        snprintf(note, sizeof note, "%s", tr(lang, STR_TOKEN_REFUSED));
    } else if (st.has_content && confirmed && wall - confirmed > 3 * (int64_t)s->interval_s) {
        struct tm then, today;
        char when[40];
        local_now(confirmed, &then);
        local_now(wall, &today);
        if (then.tm_yday == today.tm_yday && then.tm_year == today.tm_year)
            snprintf(when, sizeof when, "%02d:%02d", then.tm_hour, then.tm_min);
        else
            snprintf(when, sizeof when, "%d/%d %02d:%02d", then.tm_mday, then.tm_mon + 1,
                     then.tm_hour, then.tm_min);
        char *t = tr_with(lang, STR_UPDATED_AT, when);
        snprintf(note, sizeof note, "%s", t);
        free(t);
    }
    app_set_note(s->app, note);
}

static void local_now(int64_t wall, struct tm *out)
{
    time_t t = (time_t)wall;
    localtime_r(&t, out);
}

static void slide_file_name(char *out, size_t outlen, const char *dir, int n, const struct item *it)
{
    char id[64] = "";
    if (it) {
        size_t k = 0;
        for (const char *p = it->id; *p && k < sizeof id - 1; p++) {
            unsigned char c = (unsigned char)*p;
            id[k++] = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                              c == '-' || c == '_' || c == '.'
                          ? (char)c
                          : '_';
        }
        id[k] = '\0';
        snprintf(out, outlen, "%s/%03d-%s-%s.png", dir, n, item_type_name(it->type), id);
    } else {
        snprintf(out, outlen, "%s/%03d-status.png", dir, n);
    }
}

static int run_headless(struct screen *s, const char *dir, enum lang lang)
{
    char err[256];
    if (!disk_mkdirs(dir, err, sizeof err)) {
        fprintf(stderr, "prikbord: %s\n", err);
        return EXIT_RUNTIME;
    }
    /* One refresh attempt, through the same worker as on a wall. */
    int64_t deadline = platform_now_ms(s->platform) + 180000;
    struct refresh_state st = {0};
    while (!st.attempted && platform_now_ms(s->platform) < deadline) {
        struct platform_event ev;
        platform_wait(s->platform, 200, &ev);
        refresh_get_state(s->refresh, &st);
    }
    take_news(s, lang);
    int64_t wall = platform_wall_s(s->platform);
    struct tm local;
    local_now(wall, &local);
    size_t n = app_count_shown(s->app, wall);
    size_t cycle = n ? n : 1;
    int written = 0;
    for (size_t i = 0; i < cycle; i++) {
        int64_t now = platform_now_ms(s->platform);
        const struct item *it = app_show_next(s->app, now, wall);
        app_tick(s->app, now, wall, &local);
        struct app_frame fr;
        app_frame(s->app, &fr);
        char path[PATH_MAX];
        slide_file_name(path, sizeof path, dir, (int)i + 1, it);
        if (!renderer_draw(s->renderer, &fr, snap_surface, s) ||
            !platform_screenshot(s->platform, path, err, sizeof err)) {
            log_error("slide %zu: %s", i + 1, err);
            continue;
        }
        written++;
    }
    printf("prikbord: wrote %d slide%s to %s\n", written, written == 1 ? "" : "s", dir);
    return written == (int)cycle ? EXIT_OK : EXIT_RUNTIME;
}

static bool draw_frame(void *ctx, const struct app_frame *f)
{
    struct screen *s = ctx;
    bool ok = renderer_draw(s->renderer, f, snap_surface, s);
    if (ok && (!s->first_frame || (!s->first_content && app_current_item(s->app)))) {
        bool content = app_current_item(s->app) != NULL;
        log_info("first %s frame %lld ms after start", content ? "content" : "status",
                 (long long)(platform_now_ms(s->platform) - s->started_ms));
        s->first_frame = true;
        s->first_content = content;
    }
    return ok;
}

static void reset_drawings(void *ctx)
{
    struct screen *s = ctx;
    renderer_flush(s->renderer);
}

static void news(void *ctx)
{
    struct screen *s = ctx;
    take_news(s, s->lang);
}

static int run_window(struct screen *s, bool key_quit)
{
    struct loop_hooks h = {.ctx = s, .draw = draw_frame, .news = news, .reset = reset_drawings,
                           .rotation = s->rotation};
    uint64_t frames = loop_run(s->platform, s->app, &h, key_quit);
    log_info("quit after %llu frames", (unsigned long long)frames);
    return EXIT_OK;
}

/* Process start on the monotonic clock (the SDL platform's clock too), for the first-frame
 * figures in the log. */
static int64_t started_ms;

static int run(struct config *cfg, const struct args *a)
{
    int rc = EXIT_RUNTIME;
    char err[300];
    struct screen s = {0};
    const char *env_lang = getenv("LANGUAGE");
    if (!env_lang || !*env_lang)
        env_lang = getenv("LC_ALL");
    if (!env_lang || !*env_lang)
        env_lang = getenv("LC_MESSAGES");
    if (!env_lang || !*env_lang)
        env_lang = getenv("LANG");
    enum lang lang = lang_from_name(cfg->language, env_lang);
    s.lang = lang;

    char *feed_url = NULL;
    if (cfg->feed_url) {
        feed_url = feed_url_of(cfg->feed_url);
        if (!feed_url) {
            fprintf(stderr, "prikbord: feed %s: %s\n", cfg->feed_url, strerror(errno));
            return EXIT_USAGE;
        }
    } else {
        char *demo = xasprintf("%s/assets/demo/feed.json", data_dir());
        feed_url = feed_url_of(demo);
        if (!feed_url)
            log_error("the bundled demo feed is missing at %s", demo);
        free(demo);
        if (!feed_url)
            return EXIT_RUNTIME;
    }
    char *cache_dir = cfg->cache_dir ? xstrdup(cfg->cache_dir) : default_cache_dir();
    char host[256] = "";
    if (!cfg->display_id && gethostname(host, sizeof host - 1) != 0)
        snprintf(host, sizeof host, "prikbord");
    const char *display_id = cfg->display_id ? cfg->display_id : host;
    char *user_agent = xasprintf("prikbord/%s (%s)", PRIKBORD_VERSION, display_id);
    s.feed_url = feed_url;
    s.display_id = display_id;
    s.interval_s = cfg->refresh_interval_s;

    struct platform_options po = {
        .headless = a->headless,
        .w = cfg->window_w ? cfg->window_w : (a->headless ? 1920 : 0),
        .h = cfg->window_h ? cfg->window_h : (a->headless ? 1080 : 0),
        .software = a->software,
    };
    if (!fetch_global_init()) {
        log_error("cannot initialise libcurl");
        goto out;
    }
    s.platform = platform_create(&po, err, sizeof err);
    s.started_ms = started_ms;
    if (!s.platform) {
        log_error("%s", err);
        if (!a->headless)
            fprintf(stderr, "prikbord: no display? Try --headless --screenshot-dir DIR\n");
        goto out;
    }
    if (!image_global_init())
        goto out;
    int w, h;
    platform_size(s.platform, &w, &h);
    /* display.rotation: a panel on its side gets the layout of its turned shape. */
    s.rotation = cfg->rotation;
    renderer_logical_size(s.rotation, w, h, &w, &h);
    s.layout = choose_layout(cfg->layout, w, h);
    s.fonts = fonts_create(s.layout->font, err, sizeof err);
    if (!s.fonts) {
        log_error("%s", err);
        goto out;
    }
    s.renderer = renderer_create(platform_sdl_renderer(s.platform), s.fonts);
    renderer_set_rotation(s.renderer, s.rotation);
    struct app_options ao = {
        .slide_ms = (int64_t)cfg->slide_seconds * 1000,
        .max_slide_ms = (int64_t)cfg->slide_seconds * 1000 * 3,
        .transition_ms = cfg->transition_ms,
        .max_fps = cfg->max_fps,
        .lang = lang,
        .clock_24h = cfg->clock_24h,
    };
    s.app = app_create(&ao, s.layout, fonts_metrics(s.fonts), w, h);
    struct refresh_options ro = {
        .feed_url = feed_url,
        .token = cfg->token,
        .token_file = cfg->token_file,
        .ca_file = cfg->ca_file,
        .cache_dir = cache_dir,
        .interval_s = cfg->refresh_interval_s,
        .max_feed_bytes = (size_t)cfg->max_feed_bytes,
        .show_all_posts = cfg->show_all_posts,
        .user_agent = user_agent,
        .once = a->headless,
        .connect_timeout_s = cfg->connect_timeout_s,
        .stall_timeout_s = cfg->stall_timeout_s,
        .transfer_timeout_s = cfg->transfer_timeout_s,
        .cache_max_bytes = (size_t)cfg->cache_max_mb << 20,
        .max_photo_px = w > h ? w : h,
    };
    s.refresh = refresh_start(&ro, wake_main, s.platform);
    if (!s.refresh)
        goto out;
    log_info("feed %s, layout %s, cache %s", strncmp(feed_url, "file:", 5) == 0 ? "(local file)" : feed_url,
             s.layout->name, cache_dir);
    rc = a->headless ? run_headless(&s, a->screenshot_dir, lang)
                     : run_window(&s, po.w > 0);
out:
    refresh_stop(s.refresh);
    app_destroy(s.app);
    snapshot_destroy(s.snap);
    renderer_destroy(s.renderer);
    fonts_destroy(s.fonts);
    layout_destroy(s.layout);
    image_global_cleanup();
    platform_destroy(s.platform);
    fetch_global_cleanup();
    free(feed_url);
    free(cache_dir);
    free(user_agent);
    return rc;
}

int main(int argc, char **argv)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    started_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    enum { OPT_FEED = 256, OPT_LAYOUT, OPT_WINDOW, OPT_CACHE, OPT_HEADLESS, OPT_SHOTS, OPT_CHECK,
           OPT_JSON, OPT_SOURCE, OPT_TOKEN_FILE, OPT_LOG, OPT_SOFTWARE, OPT_VERSION };
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"feed", required_argument, NULL, OPT_FEED},
        {"layout", required_argument, NULL, OPT_LAYOUT},
        {"window", required_argument, NULL, OPT_WINDOW},
        {"cache-dir", required_argument, NULL, OPT_CACHE},
        {"headless", no_argument, NULL, OPT_HEADLESS},
        {"screenshot-dir", required_argument, NULL, OPT_SHOTS},
        {"check-feed", required_argument, NULL, OPT_CHECK},
        {"json", no_argument, NULL, OPT_JSON},
        {"source", required_argument, NULL, OPT_SOURCE},
        {"token-file", required_argument, NULL, OPT_TOKEN_FILE},
        {"log-level", required_argument, NULL, OPT_LOG},
        {"software", no_argument, NULL, OPT_SOFTWARE},
        {"version", no_argument, NULL, OPT_VERSION},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    /* Command-line settings are applied after the config file, whatever their order. */
    struct {
        const char *key, *value;
    } overrides[16];
    int n_over = 0;
    struct args a = {0};
    int c;
    while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
        const char *key = NULL;
        switch (c) {
        case 'c': a.config_file = optarg; break;
        case OPT_FEED: key = "feed.url"; break;
        case OPT_LAYOUT: key = "display.layout"; break;
        case OPT_WINDOW: key = "display.window"; break;
        case OPT_CACHE: key = "cache.dir"; break;
        case OPT_SOURCE: key = "feed.source"; break;
        case OPT_TOKEN_FILE: key = "feed.token_file"; break;
        case OPT_LOG: key = "log.level"; break;
        case OPT_HEADLESS: a.headless = true; break;
        case OPT_SHOTS: a.screenshot_dir = optarg; break;
        case OPT_CHECK: a.check_feed = optarg; break;
        case OPT_JSON: a.json = true; break;
        case OPT_SOFTWARE: a.software = true; break;
        case OPT_VERSION: printf("prikbord %s\n", PRIKBORD_VERSION); return EXIT_OK;
        case 'h': usage(stdout); return EXIT_OK;
        default: usage(stderr); return EXIT_USAGE;
        }
        if (key && n_over < (int)ARRAY_LEN(overrides))
            overrides[n_over].key = key, overrides[n_over++].value = optarg;
    }
    if (optind < argc) {
        fprintf(stderr, "prikbord: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        return EXIT_USAGE;
    }
    if (a.headless && !a.screenshot_dir) {
        fprintf(stderr, "prikbord: --headless needs --screenshot-dir DIR\n");
        return EXIT_USAGE;
    }

    struct config cfg;
    config_init(&cfg);
    int problems = 0;
    if (a.config_file)
        config_load_file(&cfg, a.config_file, report_config, &problems);
    for (int i = 0; i < n_over; i++) {
        char err[200];
        if (!config_set(&cfg, overrides[i].key, overrides[i].value, err, sizeof err)) {
            fprintf(stderr, "prikbord: %s\n", err);
            config_free(&cfg);
            return EXIT_USAGE;
        }
    }
    log_set_level((enum log_level)cfg.log_level);
    if (strcmp(cfg.source, "prikbord") != 0) {
        fprintf(stderr, "prikbord: source \"%s\" is not available in this version; use \"prikbord\"\n",
                cfg.source);
        config_free(&cfg);
        return EXIT_USAGE;
    }
    int rc;
    if (a.check_feed) {
        if (!fetch_global_init()) {
            config_free(&cfg);
            return EXIT_RUNTIME;
        }
        rc = check_feed(&cfg, a.check_feed, a.json);
        fetch_global_cleanup();
    } else {
        rc = run(&cfg, &a);
    }
    config_free(&cfg);
    return rc;
}
