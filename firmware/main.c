/* main: arguments, configuration and wiring. The only place that exits. */
#define _XOPEN_SOURCE 700 /* realpath */
#define LOG_MODULE    "main"
#include "app.h"
#include "audio_sdl.h"
#include "check.h"
#include "config.h"
#include "disk.h"
#include "feed_parse.h"
#include "fetch.h"
#include "fleet.h"
#include "fleet_writer.h"
#include "fonts.h"
#include "hours.h"
#include "image.h"
#include "image_sdl.h"
#include "layout.h"
#include "log.h"
#include "loop.h"
#include "pictures.h"
#include "platform_sdl.h"
#include "refresh.h"
#include "render_sdl.h"
#include "service.h"
#include "signals.h"
#include "source.h"
#include "source_http.h"
#include "util.h"
#include "video.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <spawn.h>
#include <sys/wait.h>
#include <libgen.h>
#include <limits.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

enum exit_code { EXIT_OK = 0, EXIT_UNUSABLE = 1, EXIT_USAGE = 2, EXIT_RUNTIME = 3 };

/* A command-line setting, applied over the config file (also again on a reload). */
struct override {
    const char *key, *value;
};

struct args {
    const char *config_file;
    const struct override *overrides;
    int n_overrides;
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
          "       prikbord --headless --screenshot-dir DIR [--window WxH] [--feed URL] [--layout "
          "...]\n"
          "       prikbord --check-feed URL|FILE [--json] [--source NAME]\n"
          "       prikbord --version | --help\n"
          "\n"
          "  --config FILE        read settings from FILE (INI; see docs/prikbord.conf.example)\n"
          "  --feed URL|FILE      the community feed (default: the bundled demo community)\n"
          "  --layout NAME|FILE   a layout from layouts/ or a layout file (default: auto)\n"
          "  --window WxH         a window of that size instead of fullscreen\n"
          "  --cache-dir DIR      where the last good feed is kept\n"
          "  --source NAME        prikbord (the native feed), yammer, humhub or discourse\n"
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

/* Bundled data (demo, layouts): $PRIKBORD_DATA_DIR; else the share folder next to the
 * executable (bin/../share/prikbord, wherever the package was installed or unpacked); else
 * the source tree, but only for the binary in its own build folder (a build tree that happens
 * to exist on the machine must not feed an installed binary); else the install prefix's. */
static const char *data_dir(void)
{
    static char found[PATH_MAX];
    const char *env = getenv("PRIKBORD_DATA_DIR");
    if (env && *env)
        return env;
    if (found[0])
        return found;
    snprintf(found, sizeof found, "%s", PRIKBORD_INSTALL_DATA_DIR);
    char *exe = realpath("/proc/self/exe", NULL);
    char *build = realpath(PRIKBORD_BUILD_DIR, NULL);
    if (exe) {
        const char *bin = dirname(exe);
        char *rel = xasprintf("%s/" PRIKBORD_DATA_FROM_BIN, bin);
        char *near = realpath(rel, NULL);
        char *assets = near ? xasprintf("%s/assets", near) : NULL;
        if (assets && is_dir(assets))
            snprintf(found, sizeof found, "%s", near);
        else if (build && strcmp(bin, build) == 0 && is_dir(PRIKBORD_SOURCE_DATA_DIR "/assets"))
            snprintf(found, sizeof found, "%s", PRIKBORD_SOURCE_DATA_DIR);
        free(assets);
        free(near);
        free(rel);
    }
    free(exe);
    free(build);
    log_debug("bundled data in %s", found);
    return found;
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

/* The platform source the configuration names (docs/sources.md), or NULL for the native
 * feed. base: the platform's address from the command line, or NULL for the configured one
 * ([platform] base_url, else feed.url). *rc: EXIT_OK, or EXIT_USAGE with the reason on
 * stderr. */
static struct source *source_of(const struct config *cfg, const char *base, int *rc)
{
    enum source_kind kind = SOURCE_PRIKBORD;
    *rc = EXIT_OK;
    if (!source_kind_parse(cfg->source, &kind) || kind == SOURCE_PRIKBORD)
        return NULL;
    struct source_settings set = {
        .kind = kind,
        .show_all_posts = cfg->show_all_posts,
        .max_bytes = (size_t)cfg->max_feed_bytes,
    };
    switch (kind) {
    case SOURCE_YAMMER:
        set.base_url = cfg->yammer_base_url;
        set.groups = cfg->yammer_groups;
        set.introduction_groups = cfg->yammer_introduction_groups;
        set.help_groups = cfg->yammer_help_groups;
        set.show_without_group = cfg->yammer_show_without_group;
        break;
    case SOURCE_HUMHUB:
        set.base_url = cfg->humhub_base_url;
        set.groups = cfg->humhub_spaces;
        set.introduction_groups = cfg->humhub_introduction_spaces;
        set.help_groups = cfg->humhub_help_spaces;
        set.introduction_topics = cfg->humhub_introduction_topics;
        set.help_topics = cfg->humhub_help_topics;
        break;
    case SOURCE_DISCOURSE:
        set.base_url = cfg->discourse_base_url;
        set.groups = cfg->discourse_categories;
        set.introduction_groups = cfg->discourse_introduction_categories;
        set.help_groups = cfg->discourse_help_categories;
        break;
    case SOURCE_PRIKBORD:
    case SOURCE_KIND_COUNT:
        break;
    }
    if (!set.base_url)
        set.base_url = cfg->feed_url;
    if (base)
        set.base_url = base;
    char err[300];
    struct source *s = source_create(&set, err, sizeof err);
    if (!s) {
        fprintf(stderr, "prikbord: %s\n", err);
        *rc = EXIT_USAGE;
    }
    return s;
}

/* --check-feed URL --source NAME: one synchronous poll of the platform at URL, with the
 * configured token, and the verdict of every message, post or topic it read. */
static int check_source(const struct config *cfg, const char *arg, bool json)
{
    int rc;
    struct source *src = source_of(cfg, arg, &rc);
    if (!src)
        return rc;
    char *base = xstrdup(source_base_url(src));
    struct fetcher *f = fetcher_create();
    struct source_http http = {
        .fetcher = f,
        .token = cfg->token,
        .token_file = cfg->token_file,
        .base =
            {
                .token_origin = base,
                .max_bytes = (size_t)cfg->max_feed_bytes,
                .user_agent = "prikbord/" PRIKBORD_VERSION " (check-feed)",
                .ca_file = cfg->ca_file,
                .connect_timeout_ms = cfg->connect_timeout_s * 1000L,
                .total_timeout_ms = cfg->transfer_timeout_s * 1000L,
                .low_speed_time_s = cfg->stall_timeout_s,
            },
    };
    struct source_poll_opts opts = {
        .get = source_http_get,
        .get_ctx = &http,
        .resolve_url = refresh_resolve_url,
        .resolve_ctx = base,
    };
    struct feed_report report = {0};
    struct feed *feed = NULL;
    char err[300] = "";
    if (!f) {
        snprintf(err, sizeof err, "cannot create a curl handle");
    } else {
        long status, retry;
        feed = source_poll(src, &opts, &report, &status, &retry, err, sizeof err);
        if (!feed && http.error[0]) {
            size_t n = strlen(err);
            snprintf(err + n, sizeof err - n, ": %s", http.error);
        }
        check_apply_time(&report, feed, (int64_t)time(NULL));
    }
    if (!feed)
        fprintf(stderr, "prikbord: %s\n", err);
    check_print(stdout, feed, &report, feed ? NULL : err, json);
    rc = feed ? EXIT_OK : EXIT_UNUSABLE;
    feed_report_clear(&report);
    feed_destroy(feed);
    fetcher_destroy(f);
    source_destroy(src);
    free(base);
    return rc;
}

static int check_feed(const struct config *cfg, const char *arg, bool json)
{
    if (strcmp(cfg->source, "prikbord") != 0)
        return check_source(cfg, arg, json);
    /* Checking a file that is not there is a plain error, not a feed to wait for. */
    struct stat st;
    if (!strstr(arg, "://") && stat(arg, &st) != 0) {
        fprintf(stderr, "prikbord: %s: %s\n", arg, strerror(errno));
        if (json)
            printf(
                "{\"usable\": false, \"error\": \"cannot read the feed file\", \"items\": []}\n");
        return EXIT_UNUSABLE;
    }
    char *url = feed_url_of(arg);
    if (!url) {
        fprintf(stderr, "prikbord: %s: %s\n", arg, strerror(errno));
        if (json)
            printf(
                "{\"usable\": false, \"error\": \"cannot read the feed file\", \"items\": []}\n");
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
    struct pictures *pictures; /* the pixels of the pictures of the slide being rendered */
    struct app *app;
    struct refresh *refresh;
    struct snapshot *snap; /* images of the content on screen */
    enum lang lang;
    const char *feed_url;   /* borrowed from set */
    const char *display_id; /* borrowed from set */
    int interval_s;
    int64_t started_ms;
    bool first_frame, first_content;
    int rotation; /* display.rotation */

    /* The appliance side of a windowed run: signals, systemd, status files. */
    struct settings {
        char *feed_url; /* a file: URL for a path; http(s) with display=ID */
        char *cache_dir;
        char *status_dir; /* status.json, prikbord.prom */
        char *display_id;
        char *user_agent;
        struct source *source; /* a platform (feed_url is its base URL), or NULL */
    } set;
    struct config *cfg; /* in force; a reload replaces it */
    const struct args *args;
    struct fleet_writer *fleet;
    atomic_bool want_reload, want_shot; /* set by the signal thread */
    bool shot_armed;                    /* the next drawn frame is saved before it is shown */
    bool ready;                         /* systemd was told READY=1 */
    int64_t next_ping;                  /* monotonic ms of the next watchdog ping */
    unsigned seen_attempts;             /* of the current worker */
    uint64_t refreshes, failures;       /* since start, across reloads */
    int64_t last_ok, last_attempt;
    struct hours hours; /* office hours from the config in force */
    bool dark;          /* outside them now */

    /* The video playing on screen (the app's frame says which, where and since when). */
    struct playing {
        struct video *v;
        char *url;
        int64_t start_ms, length_ms;
        int w, h; /* the area it decodes for */
    } play;
    struct video_limits video_limits;
    struct audio_sdl *audio; /* a video's sound, when someone unmutes it (video.audio) */
    /* Posters of videos (their first frame) as surfaces, for the slides that show them. */
    struct poster {
        char *url;
        SDL_Surface *surface;
    } posters[8];
};

static bool snap_has_image(void *ctx, const char *url)
{
    struct screen *s = ctx;
    return s->snap && image_set_get(s->snap->images, url) != NULL;
}

/* From the fetch worker and the video threads: the main loop has something new. */
static void wake_main(void *ctx)
{
    platform_wake(ctx);
}

/* glibc keeps memory it was given back for later: on a screen that runs for months, with a
 * refresh a minute and pictures of a few MB, that shows as RSS creeping up while the bytes in
 * use stay flat (docs/performance.md). Large blocks come from mmap (returned at once), two
 * arenas are enough for our threads, and what is free is trimmed after each new content. */
static void tune_malloc(void)
{
#ifdef __GLIBC__
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
    mallopt(M_ARENA_MAX, 2);
#endif
}

static void trim_malloc(void)
{
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

/* ---- videos ---- */

static struct video_limits video_limits_of(const struct config *cfg)
{
    struct video_limits lim = VIDEO_DEFAULT_LIMITS;
    lim.max_w = cfg->video_max_w;
    lim.max_h = cfg->video_max_h;
    lim.audio = cfg->video_audio;
    return lim;
}

static void posters_clear(struct screen *s)
{
    for (size_t i = 0; i < ARRAY_LEN(s->posters); i++) {
        free(s->posters[i].url);
        SDL_FreeSurface(s->posters[i].surface);
        s->posters[i] = (struct poster){0};
    }
}

/* The first frame of the video at url as a surface (made once per snapshot), or NULL. */
static SDL_Surface *poster_surface(struct screen *s, const char *url)
{
    const struct snapshot_video *sv = s->snap ? video_set_get(s->snap->videos, url) : NULL;
    if (!sv || !sv->poster)
        return NULL;
    size_t i = 0;
    for (; i < ARRAY_LEN(s->posters) && s->posters[i].url; i++)
        if (strcmp(s->posters[i].url, url) == 0)
            return s->posters[i].surface;
    if (i == ARRAY_LEN(s->posters)) {
        /* full: the first goes (a slide keeps its drawing; only a redraw asks again) */
        free(s->posters[0].url);
        SDL_FreeSurface(s->posters[0].surface);
        memmove(&s->posters[0], &s->posters[1], (i - 1) * sizeof s->posters[0]);
        i--;
    }
    const struct video_picture *p = sv->poster;
    /* I420 planes side by side, as SDL's IYUV format expects them. */
    size_t ysize = (size_t)p->w * p->h, csize = (size_t)(p->w / 2) * (p->h / 2);
    uint8_t *buf = xmalloc(ysize + 2 * csize);
    for (int y = 0; y < p->h; y++)
        memcpy(buf + (size_t)y * p->w, p->planes[0] + (size_t)y * p->pitches[0], (size_t)p->w);
    for (int k = 1; k <= 2; k++)
        for (int y = 0; y < p->h / 2; y++)
            memcpy(buf + ysize + (size_t)(k - 1) * csize + (size_t)y * (p->w / 2),
                   p->planes[k] + (size_t)y * p->pitches[k], (size_t)(p->w / 2));
    SDL_Surface *out = SDL_CreateRGBSurfaceWithFormat(0, p->w, p->h, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_SetYUVConversionMode(p->colors == VIDEO_COLORS_BT709 ? SDL_YUV_CONVERSION_BT709
                                                             : SDL_YUV_CONVERSION_BT601);
    if (out && SDL_ConvertPixels(p->w, p->h, SDL_PIXELFORMAT_IYUV, buf, p->w,
                                 SDL_PIXELFORMAT_ARGB8888, out->pixels, out->pitch) != 0) {
        log_warn("poster of %s: %s", url, SDL_GetError());
        SDL_FreeSurface(out);
        out = NULL;
    }
    free(buf);
    if (out)
        s->posters[i] = (struct poster){xstrdup(url), out};
    return out;
}

static int64_t snap_video_ms(void *ctx, const char *url)
{
    struct screen *s = ctx;
    const struct snapshot_video *sv = s->snap ? video_set_get(s->snap->videos, url) : NULL;
    return sv ? (sv->info.duration_ms >= 0 ? sv->info.duration_ms : -1) : LAYOUT_NO_VIDEO;
}

static void play_stop(struct screen *s)
{
    audio_sdl_stop(s->audio); /* before the video it reads goes */
    video_close(s->play.v);
    free(s->play.url);
    s->play = (struct playing){0};
}

/* Plays what the frame says: opens the video for a new slide (decoded at the size that fills
 * its area), restarts it for a replay, stops it when the slide has none. */
static void play_sync(struct screen *s, const struct app_video *v)
{
    const struct snapshot_video *sv =
        v->url && s->snap ? video_set_get(s->snap->videos, v->url) : NULL;
    if (!sv) {
        play_stop(s);
        return;
    }
    if (s->play.v && strcmp(s->play.url, v->url) == 0 && s->play.w == v->r.w &&
        s->play.h == v->r.h) {
        if (s->play.start_ms != v->start_ms)
            video_restart(s->play.v);
    } else {
        play_stop(s);
        int w = v->r.w, h = v->r.h, iw = sv->info.width, ih = sv->info.height;
        if (iw > 0 && ih > 0) {
            /* Cropped to fill the area: the scale at which the shorter way fits. */
            double f = (double)w / iw > (double)h / ih ? (double)w / iw : (double)h / ih;
            w = f < 1 ? (int)(iw * f + 0.5) : iw;
            h = f < 1 ? (int)(ih * f + 0.5) : ih;
        }
        s->play.v = video_open(sv->path, &s->video_limits, w, h, wake_main, s->platform);
        s->play.url = xstrdup(v->url);
        s->play.w = v->r.w;
        s->play.h = v->r.h;
    }
    s->play.start_ms = v->start_ms;
    s->play.length_ms = v->length_ms;
    /* Sound only when someone turned it on in the detail view, and the video has some. */
    bool sound = v->unmuted && s->audio && video_has_audio(s->play.v);
    if (sound && !audio_sdl_playing(s->audio))
        audio_sdl_play(s->audio, s->play.v);
    else if (!sound && audio_sdl_playing(s->audio))
        audio_sdl_stop(s->audio);
}

/* Hands the renderer the frame of the video due now. */
static void play_frame(struct screen *s)
{
    const struct video_picture *pic = NULL;
    float progress = -1;
    if (s->play.v) {
        int64_t elapsed = platform_now_ms(s->platform) - s->play.start_ms;
        if (elapsed > s->play.length_ms)
            elapsed = s->play.length_ms; /* its last frame stays */
        pic = video_frame_for(s->play.v, elapsed < 0 ? 0 : elapsed);
        if (pic && s->play.length_ms > 0)
            progress = (float)elapsed / (float)s->play.length_ms;
    }
    renderer_set_video(s->renderer, pic, progress);
}

/* When the loop must draw for the video: a redraw when its next frame is due, else the time
 * it is due (a frame that is not decoded yet wakes the loop through platform_wake). */
static int64_t play_due(struct screen *s, int64_t now, bool *redraw)
{
    if (!s->play.v || now - s->play.start_ms >= s->play.length_ms)
        return INT64_MAX;
    int64_t next = video_next_ms(s->play.v);
    if (next < 0)
        return INT64_MAX;
    int64_t due = s->play.start_ms + next;
    if (due <= now) {
        *redraw = true;
        return INT64_MAX;
    }
    return due;
}

static SDL_Surface *snap_surface(void *ctx, const char *url)
{
    struct screen *s = ctx;
    const struct image_bytes *b = s->snap ? image_set_get(s->snap->images, url) : NULL;
    return b ? pictures_get(s->pictures, url, b) : poster_surface(s, url);
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
        posters_clear(s); /* made from the old snapshot */
        app_set_feed(s->app, f, snap_has_image, s);
        snapshot_destroy(old);
        trim_malloc();
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
        bool drawn = renderer_draw(s->renderer, &fr, snap_surface, s);
        pictures_release(s->pictures);
        if (!drawn || !platform_screenshot(s->platform, path, err, sizeof err)) {
            log_error("slide %zu: %s", i + 1, err);
            continue;
        }
        written++;
    }
    printf("prikbord: wrote %d slide%s to %s\n", written, written == 1 ? "" : "s", dir);
    return written == (int)cycle ? EXIT_OK : EXIT_RUNTIME;
}

static void save_screenshot(struct screen *s);

static bool draw_frame(void *ctx, const struct app_frame *f)
{
    struct screen *s = ctx;
    play_sync(s, &f->video);
    play_frame(s);
    bool ok = renderer_draw(s->renderer, f, snap_surface, s);
    pictures_release(s->pictures);
    SDL_Rect changed = {0, 0, 0, 0};
    if (!ok || !renderer_damage(s->renderer, &changed))
        changed.w = 0;
    platform_set_damage(s->platform, changed.x, changed.y, changed.w, changed.h);
    renderer_set_video(s->renderer, NULL, -1);
    if (ok && s->shot_armed) {
        s->shot_armed = false;
        save_screenshot(s);
    }
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

/* Started by main before run(): for uptime in the status files. */
static int64_t started_wall;

/* The status files, for whoever watches the fleet. */
static void report_status(struct screen *s, const struct refresh_state *st)
{
    int64_t wall = platform_wall_s(s->platform);
    struct fleet_status fs = {
        .version = PRIKBORD_VERSION,
        .display_id = s->display_id,
        .now = wall,
        .started = started_wall,
        .last_ok = s->last_ok,
        .last_attempt = s->last_attempt,
        .last_error = st ? st->problem : NULL,
        .http_status = st ? st->status : 0,
        .refreshes = s->refreshes,
        .failures = s->failures,
        .items_shown = app_count_shown(s->app, wall),
        .frames = platform_frames(s->platform),
    };
    fleet_writer_post(s->fleet, &fs);
}

static void news(void *ctx)
{
    struct screen *s = ctx;
    if (!s->refresh)
        return;
    take_news(s, s->lang);
    struct refresh_state st;
    refresh_get_state(s->refresh, &st);
    if (st.attempts == s->seen_attempts)
        return;
    /* Wakes coalesce, so several polls may have ended; the state tells about the last one. */
    s->refreshes += st.attempts - s->seen_attempts;
    s->seen_attempts = st.attempts;
    s->failures += st.problem[0] != '\0';
    s->last_attempt = platform_wall_s(s->platform);
    if (st.last_ok > s->last_ok)
        s->last_ok = st.last_ok;
    report_status(s, &st);
    int64_t wall = platform_wall_s(s->platform);
    if (st.problem[0])
        service_status("%zu items on screen; refresh failing: %s", app_count_shown(s->app, wall),
                       st.problem);
    else
        service_status("%zu items on screen; feed refreshed", app_count_shown(s->app, wall));
}

/* Each round of the loop: READY once the first frame is shown, the watchdog, a screenshot
 * asked for by SIGUSR1. */
static int64_t tick(void *ctx, int64_t now, bool *redraw)
{
    struct screen *s = ctx;
    if (!s->ready && platform_frames(s->platform) > 0) {
        s->ready = true;
        service_ready();
        service_status("showing %s", app_current_item(s->app) ? "content" : "the status slide");
        report_status(s, NULL);
    }
    int64_t want = INT64_MAX, every = service_watchdog_interval_ms();
    if (every > 0) {
        if (now >= s->next_ping) {
            service_watchdog();
            s->next_ping = now + every;
        }
        want = s->next_ping;
    }
    if (atomic_exchange(&s->want_shot, false)) {
        s->shot_armed = true;
        *redraw = true;
    }
    /* The next slide into its texture while the screen is still: the crossfade only blends. */
    const struct draw_list *next;
    uint64_t key;
    if (app_prepare(s->app, &next, &key)) {
        renderer_prepare(s->renderer, next, key, snap_surface, s);
        pictures_release(s->pictures);
        /* A slide with a video: FFmpeg (a plugin) loaded now, not when the slide comes in. */
        for (size_t i = 0; s->cfg->video_enabled && i < next->n; i++) {
            if (next->ops[i].kind == DRAW_VIDEO) {
                video_preload();
                break;
            }
        }
    }
    video_unload_idle();
    int64_t video = play_due(s, now, redraw);
    return video < want ? video : want;
}

/* On the signal thread: no work here, only requests the main loop carries out. */
static void on_signal(void *ctx, int signo)
{
    struct screen *s = ctx;
    if (signo == SIGUSR1) {
        atomic_store(&s->want_shot, true);
        platform_wake(s->platform);
        return;
    }
    /* SIGHUP ends this round of the loop too, and run_window reloads before the next. */
    if (signo == SIGHUP)
        atomic_store(&s->want_reload, true);
    platform_quit(s->platform);
}

static void reload(struct screen *s);

/* Office hours from the configuration; a bad day is reported and left on all day. */
static void hours_from_config(const struct config *cfg, struct hours *h)
{
    static const char *const days[] = {"sunday",   "monday", "tuesday", "wednesday",
                                       "thursday", "friday", "saturday"};
    char err[160];
    *h = (struct hours){0};
    for (int d = 0; d < 7; d++) {
        if (!hours_set_day(h, d, cfg->hours[d], err, sizeof err)) {
            log_warn("office_hours.%s: %s; on all day", days[d], err);
            hours_set_day(h, d, NULL, err, sizeof err);
        }
    }
    if (!hours_set_days_off(h, cfg->days_off, err, sizeof err))
        log_warn("office_hours.days_off: %s", err);
}

/* Runs an administrator's command (from the config) without waiting for it: the shell
 * starts it in the background and returns at once. */
static void run_command(const char *cmd)
{
    if (!cmd || !*cmd)
        return;
    char *line = xasprintf("(%s) </dev/null >/dev/null 2>&1 &", cmd);
    char *argv[] = {"sh", "-c", line, NULL};
    pid_t pid;
    int err = posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ);
    if (err != 0)
        log_warn("cannot run \"%s\": %s", cmd, strerror(err));
    else
        waitpid(pid, NULL, 0);
    free(line);
}

static bool office_dark(void *ctx, int64_t wall, const struct tm *local)
{
    struct screen *s = ctx;
    (void)wall;
    bool dark = !hours_open(&s->hours, local);
    if (dark != s->dark) {
        s->dark = dark;
        run_command(dark ? s->cfg->command_off : s->cfg->command_on);
        if (s->refresh)
            refresh_set_idle(s->refresh, dark);
    }
    return dark;
}

static void draw_dark(void *ctx)
{
    struct screen *s = ctx;
    play_stop(s); /* a video playing when the screen goes dark stops with it */
    renderer_clear(s->renderer);
}

/* windowed: a window given with --window (or display.window), which Escape and Q close; a
 * fullscreen kiosk only with input.quit_key. */
static int run_window(struct screen *s, bool windowed)
{
    bool key_quit = windowed || s->cfg->input_quit_key;
    struct loop_hooks h = {.ctx = s,
                           .draw = draw_frame,
                           .news = news,
                           .reset = reset_drawings,
                           .rotation = s->rotation,
                           .tick = tick,
                           .dark = office_dark,
                           .draw_dark = draw_dark,
                           .max_fps = s->cfg->max_fps};
    hours_from_config(s->cfg, &s->hours);
    service_init();
    s->fleet = fleet_writer_start(s->set.status_dir, s->set.cache_dir);
    struct signals *sig = signals_start(on_signal, s);
    /* The cached content is a few milliseconds away at start: open on it rather than draw the
     * status slide first (a flash, and a frame that delays the first slide). Without a cache
     * the status slide shows after at most 0.2 s. */
    if (refresh_wait_content(s->refresh, 200))
        news(s);
    for (;;) {
        loop_run(s->platform, s->app, &h, key_quit);
        if (!atomic_exchange(&s->want_reload, false))
            break;
        reload(s);
        h.rotation = s->rotation;
        h.max_fps = s->cfg->max_fps;
        key_quit = windowed || s->cfg->input_quit_key;
        hours_from_config(s->cfg, &s->hours);
    }
    service_stopping();
    log_info("quit after %llu frames", (unsigned long long)platform_frames(s->platform));
    signals_stop(sig);
    fleet_writer_stop(s->fleet);
    s->fleet = NULL;
    return EXIT_OK;
}

/* Splits a comma-separated list into trimmed, non-empty words; a NULL-terminated array the
 * caller frees (and each word). */
static char **split_list(const char *list, size_t *n)
{
    char **out = xcalloc(1, sizeof *out);
    *n = 0;
    for (const char *p = list; p && *p;) {
        size_t len = strcspn(p, ",");
        const char *a = p, *b = p + len;
        while (a < b && (*a == ' ' || *a == '\t'))
            a++;
        while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
            b--;
        if (b > a) {
            out = xrealloc(out, (*n + 2) * sizeof *out);
            out[(*n)++] = xstrndup(a, (size_t)(b - a));
            out[*n] = NULL;
        }
        p += len + (p[len] == ',');
    }
    return out;
}

/* The schedule's rules from the configuration. Returns the group strings the rules point to
 * (NULL-terminated; the caller frees them after the rules are copied). */
static char **rules_from_config(const struct config *cfg, struct schedule_rules *r)
{
    *r = schedule_default_rules();
    r->min_ms = (int64_t)cfg->slide_seconds * 1000;
    r->max_ms = (int64_t)(cfg->max_slide_seconds > cfg->slide_seconds ? cfg->max_slide_seconds
                                                                      : cfg->slide_seconds) *
                1000;
    r->words_per_minute = cfg->words_per_minute;
    r->photo_ms = (int64_t)cfg->photo_seconds * 1000;
    r->fresh_s = (int64_t)cfg->fresh_hours * 3600;
    r->introduction_s = (int64_t)cfg->introduction_days * 86400;
    r->shoutout_s = (int64_t)cfg->shoutout_days * 86400;
    r->post_s = (int64_t)cfg->post_days * 86400;
    size_t n;
    char **types = split_list(cfg->types, &n);
    r->types = 0;
    for (size_t i = 0; i < n; i++) {
        enum item_type t;
        if (strcmp(types[i], "all") == 0)
            r->types = 0;
        else if (item_type_parse(types[i], &t))
            r->types |= 1u << t;
        else
            log_warn("content.types: unknown type \"%s\" ignored", types[i]);
        free(types[i]);
    }
    free(types);
    char **groups = split_list(cfg->groups, &r->n_groups);
    r->groups = (const char *const *)groups;
    return groups;
}

/* Process start on the monotonic clock (the SDL platform's clock too), for the first-frame
 * figures in the log. */
static int64_t started_ms;

static enum lang screen_lang(const struct config *cfg)
{
    const char *env_lang = getenv("LANGUAGE");
    if (!env_lang || !*env_lang)
        env_lang = getenv("LC_ALL");
    if (!env_lang || !*env_lang)
        env_lang = getenv("LC_MESSAGES");
    if (!env_lang || !*env_lang)
        env_lang = getenv("LANG");
    return lang_from_name(cfg->language, env_lang);
}

static void settings_free(struct settings *st)
{
    free(st->feed_url);
    free(st->cache_dir);
    free(st->status_dir);
    free(st->display_id);
    free(st->user_agent);
    source_destroy(st->source);
    memset(st, 0, sizeof *st);
}

/* What the screen derives from the configuration: the feed URL it fetches, its folders, its
 * id. EXIT_OK, or the exit code (with the reason on stderr or in the log). */
static int settings_make(const struct config *cfg, struct settings *out)
{
    memset(out, 0, sizeof *out);
    /* display.id; else an id derived from the machine id, else the host name. */
    char id[256] = "";
    if (cfg->display_id)
        snprintf(id, sizeof id, "%s", cfg->display_id);
    else if (!service_machine_id(id, sizeof id) && gethostname(id, sizeof id - 1) != 0)
        snprintf(id, sizeof id, "prikbord");
    out->display_id = xstrdup(id);
    int rc;
    out->source = source_of(cfg, NULL, &rc);
    if (rc != EXIT_OK) {
        settings_free(out);
        return rc;
    }
    if (out->source) {
        out->feed_url = xstrdup(source_base_url(out->source));
    } else if (cfg->feed_url) {
        char *url = feed_url_of(cfg->feed_url);
        if (!url) {
            fprintf(stderr, "prikbord: feed %s: %s\n", cfg->feed_url, strerror(errno));
            settings_free(out);
            return EXIT_USAGE;
        }
        /* The server may give each screen its own selection (not for a file: feed). */
        out->feed_url = fleet_feed_url(url, out->display_id);
        free(url);
    } else {
        char *demo = xasprintf("%s/assets/demo/feed.json", data_dir());
        out->feed_url = feed_url_of(demo);
        if (!out->feed_url)
            log_error("the bundled demo feed is missing at %s", demo);
        free(demo);
        if (!out->feed_url) {
            settings_free(out);
            return EXIT_RUNTIME;
        }
    }
    out->cache_dir = cfg->cache_dir ? xstrdup(cfg->cache_dir) : default_cache_dir();
    out->status_dir = xstrdup(cfg->status_dir ? cfg->status_dir : out->cache_dir);
    out->user_agent = xasprintf("prikbord/%s (%s)", PRIKBORD_VERSION, out->display_id);
    return EXIT_OK;
}

static bool build_screen(struct screen *s, const struct config *cfg);
static struct refresh *start_worker(struct screen *s, const struct config *cfg, bool once);

static int run(struct config *cfg, const struct args *a)
{
    int rc = EXIT_RUNTIME;
    char err[300];
    struct screen s = {.pictures = pictures_create()};
    s.lang = screen_lang(cfg);
    s.cfg = cfg;
    s.args = a;
    rc = settings_make(cfg, &s.set);
    if (rc != EXIT_OK)
        return rc;
    rc = EXIT_RUNTIME;
    s.feed_url = s.set.feed_url;
    s.display_id = s.set.display_id;
    s.interval_s = cfg->refresh_interval_s;
    /* Before any thread exists (SDL's, curl's, the worker): the signal thread takes them. */
    if (!a->headless)
        signals_block();

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
    s.audio = a->headless ? NULL : audio_sdl_new(); /* opens nothing until sound is wanted */
    if (!image_global_init() || !build_screen(&s, cfg))
        goto out;
    s.refresh = start_worker(&s, cfg, a->headless);
    if (!s.refresh)
        goto out;
    log_info("feed %s, layout %s, cache %s",
             strncmp(s.feed_url, "file:", 5) == 0 ? "(local file)" : s.feed_url, s.layout->name,
             s.set.cache_dir);
    rc = a->headless ? run_headless(&s, a->screenshot_dir, s.lang) : run_window(&s, po.w > 0);
out:
    refresh_stop(s.refresh);
    play_stop(&s);
    audio_sdl_destroy(s.audio);
    posters_clear(&s);
    pictures_destroy(s.pictures);
    app_destroy(s.app);
    snapshot_destroy(s.snap);
    video_unload(); /* (after the last poster and video are gone) */
    renderer_destroy(s.renderer);
    fonts_destroy(s.fonts);
    layout_destroy(s.layout);
    image_global_cleanup();
    platform_destroy(s.platform);
    fetch_global_cleanup();
    settings_free(&s.set);
    return rc;
}

/* The layout, fonts, renderer and app for the configuration, into s (whose platform is set).
 * False (logged) when the fonts cannot be loaded; s's pieces are then NULL or left to free. */
/* How input is handled on a w x h (as laid out) screen. Controls are at least
 * input.target_mm big where the display (or input.screen_width_mm) tells its size, and never
 * smaller than a tenth of the short side where it does not (a 7-inch 800x480 panel then
 * still gets 9 mm). */
static struct app_input_options input_options(struct screen *s, const struct config *cfg, int w,
                                              int h)
{
    int ow, oh;
    platform_size(s->platform, &ow, &oh);
    double px_mm = cfg->screen_width_mm > 0 ? (double)ow / cfg->screen_width_mm
                                            : platform_px_per_mm(s->platform);
    int short_side = w < h ? w : h;
    int target = short_side / 10;
    if (px_mm > 0) {
        target = (int)(cfg->input_target_mm * px_mm + 0.5);
        if (target < short_side * 8 / 100)
            target = short_side * 8 / 100;
    }
    if (target > short_side / 5)
        target = short_side / 5;
    log_info("input %s; controls %d px (%.2f px/mm%s), back to the slideshow after %d s",
             cfg->input_enabled ? "on" : "off", target, px_mm,
             px_mm > 0 ? "" : ": the display does not say", cfg->input_idle_s);
    return (struct app_input_options){
        .enabled = cfg->input_enabled,
        .controls = cfg->input_controls,
        .idle_ms = (int64_t)cfg->input_idle_s * 1000,
        .target_px = target,
        .gesture = gesture_config_for(w, px_mm > 0 ? px_mm : short_side / 60.0),
        .sound = cfg->video_enabled && cfg->video_audio,
    };
}

static bool build_screen(struct screen *s, const struct config *cfg)
{
    char err[300];
    int w, h;
    platform_size(s->platform, &w, &h);
    /* display.rotation: a panel on its side gets the layout of its turned shape. */
    s->rotation = cfg->rotation;
    s->lang = screen_lang(cfg);
    renderer_logical_size(s->rotation, w, h, &w, &h);
    s->layout = choose_layout(cfg->layout, w, h);
    s->fonts = fonts_create(s->layout->font, err, sizeof err);
    if (!s->fonts) {
        log_error("%s", err);
        return false;
    }
    s->renderer = renderer_create(platform_sdl_renderer(s->platform), s->fonts);
    renderer_set_rotation(s->renderer, s->rotation);
    enum lang lang = s->lang;
    struct schedule_rules rules;
    char **groups = rules_from_config(cfg, &rules);
    struct app_options ao = {
        .slide_ms = rules.min_ms,
        .max_slide_ms = rules.max_ms,
        .transition_ms = cfg->transition_ms,
        .max_fps = cfg->max_fps,
        .lang = lang,
        .clock_24h = cfg->clock_24h,
        .title = cfg->title,
        .rules = &rules,
        .max_video_ms = (int64_t)cfg->video_max_seconds * 1000,
    };
    s->app = app_create(&ao, s->layout, fonts_metrics(s->fonts), w, h);
    app_set_videos(s->app, snap_video_ms);
    s->video_limits = video_limits_of(cfg);
    struct app_input_options in = input_options(s, cfg, w, h);
    app_set_input(s->app, &in);
    for (size_t i = 0; groups && groups[i]; i++)
        free(groups[i]);
    free(groups);
    return true;
}

/* The fetch worker for the configuration and s->set; once: one attempt (headless). */
static struct refresh *start_worker(struct screen *s, const struct config *cfg, bool once)
{
    int w, h;
    platform_size(s->platform, &w, &h);
    struct refresh_options ro = {
        .feed_url = s->set.feed_url,
        .token = cfg->token,
        .token_file = cfg->token_file,
        .ca_file = cfg->ca_file,
        .cache_dir = s->set.cache_dir,
        .interval_s = cfg->refresh_interval_s,
        .max_feed_bytes = (size_t)cfg->max_feed_bytes,
        .show_all_posts = cfg->show_all_posts,
        .user_agent = s->set.user_agent,
        .once = once,
        .connect_timeout_s = cfg->connect_timeout_s,
        .stall_timeout_s = cfg->stall_timeout_s,
        .transfer_timeout_s = cfg->transfer_timeout_s,
        .cache_max_bytes = (size_t)cfg->cache_max_mb << 20,
        .max_photo_px = w > h ? w : h,
        .source = s->set.source,
        .video_max_bytes = cfg->video_enabled ? (size_t)cfg->video_max_mb << 20 : 0,
        .video_limits = video_limits_of(cfg),
    };
    return refresh_start(&ro, wake_main, s->platform);
}

/* ---- SIGUSR1 and SIGHUP ---- */

/* What is on screen now, as cache/screenshot-YYYYmmdd-HHMMSS.png and (the same file, hard
 * linked) screenshot-latest.png, both replaced atomically. Called between drawing a frame and
 * presenting it; the screen holds that frame while the PNG is written (a moment). */
static void save_screenshot(struct screen *s)
{
    char stamp[32], err[300] = "";
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    const char *dir = s->set.cache_dir;
    char *path = xasprintf("%s/screenshot-%s.png", dir, stamp);
    char *tmp = xasprintf("%s/.screenshot-%s.png.tmp", dir, stamp);
    char *latest = xasprintf("%s/screenshot-latest.png", dir);
    char *latest_tmp = xasprintf("%s/.screenshot-latest.png.tmp", dir);
    bool ok =
        disk_mkdirs(dir, err, sizeof err) && platform_screenshot(s->platform, tmp, err, sizeof err);
    if (ok && rename(tmp, path) != 0) {
        snprintf(err, sizeof err, "cannot rename %s: %s", tmp, strerror(errno));
        ok = false;
    }
    unlink(latest_tmp);
    if (ok && (link(path, latest_tmp) != 0 || rename(latest_tmp, latest) != 0)) {
        snprintf(err, sizeof err, "cannot make %s: %s", latest, strerror(errno));
        ok = false;
    }
    if (ok) {
        log_info("screenshot %s", path);
    } else {
        unlink(tmp);
        log_warn("screenshot: %s", err);
    }
    free(path);
    free(tmp);
    free(latest);
    free(latest_tmp);
}

/* The configuration as at start: the file, then the command-line settings. False (logged)
 * when the file cannot be read at all. */
static bool load_config(struct config *cfg, const struct args *a)
{
    config_init(cfg);
    if (a->config_file && access(a->config_file, R_OK) != 0) {
        log_error("reload: cannot read %s: %s", a->config_file, strerror(errno));
        config_free(cfg);
        return false;
    }
    if (a->config_file)
        config_load_file(cfg, a->config_file, NULL, NULL);
    for (int i = 0; i < a->n_overrides; i++) {
        char err[200];
        if (!config_set(cfg, a->overrides[i].key, a->overrides[i].value, err, sizeof err))
            log_warn("reload: %s", err);
    }
    return true;
}

/* What a changed key needs on a reload. Keys not listed need a restart, so that a key added
 * later is never silently ignored. */
enum reload_need { NEED_NOTHING, NEED_STATUS, NEED_WORKER, NEED_REBUILD, NEED_RESTART, NEED_COUNT };

static const struct {
    const char *key; /* a whole key, or a section ending in '.' */
    enum reload_need need;
} reload_rules[] = {
    {"log.level", NEED_NOTHING},
    {"cache.status_dir", NEED_STATUS},
    {"feed.source", NEED_RESTART},
    {"display.window", NEED_RESTART},
    {"display.id", NEED_WORKER},
    {"display.show_all_posts", NEED_WORKER},
    {"feed.", NEED_WORKER},
    {"yammer.", NEED_WORKER},
    {"humhub.", NEED_WORKER},
    {"discourse.", NEED_WORKER},
    {"cache.", NEED_WORKER},
    {"display.", NEED_REBUILD},
    {"content.", NEED_REBUILD},
    {"office_hours.", NEED_NOTHING},  /* run_window applies them after every reload */
    {"input.quit_key", NEED_NOTHING}, /* so does it this one */
    {"input.", NEED_REBUILD},
};

struct reload_plan {
    bool need[NEED_COUNT];
    struct strbuf changed, restart;
};

static void plan_key(void *ctx, const char *key)
{
    struct reload_plan *plan = ctx;
    enum reload_need need = NEED_RESTART;
    for (size_t i = 0; i < ARRAY_LEN(reload_rules); i++) {
        const char *k = reload_rules[i].key;
        size_t n = strlen(k);
        if (k[n - 1] == '.' ? strncmp(key, k, n) == 0 : strcmp(key, k) == 0) {
            need = reload_rules[i].need;
            break;
        }
    }
    plan->need[need] = true;
    struct strbuf *list = need == NEED_RESTART ? &plan->restart : &plan->changed;
    strbuf_appendf(list, "%s%s", list->data ? ", " : "", key);
}

/* SIGHUP: the configuration file is read again and what changed is applied while the current
 * frame stays on screen. Feed settings restart the fetch worker (the content on screen stays
 * until the new worker has something); layout, language and timing rebuild the screen, which
 * gets the content back from the cache (waiting up to 3 s for it); a key that needs a restart
 * is logged. Runs between two rounds of the loop. */
static void reload(struct screen *s)
{
    service_reloading();
    struct config next;
    struct settings set;
    struct reload_plan plan = {0};
    if (!load_config(&next, s->args)) {
        service_ready();
        return;
    }
    if (settings_make(&next, &set) != EXIT_OK) {
        log_error("reload: the new configuration is unusable; the running one stays");
        config_free(&next);
        service_ready();
        return;
    }
    config_diff(s->cfg, &next, plan_key, &plan);
    if (strcmp(set.feed_url, s->set.feed_url) != 0 ||
        strcmp(set.user_agent, s->set.user_agent) != 0)
        plan.need[NEED_WORKER] = true; /* the machine id or the data folder moved */
    log_set_level((enum log_level)next.log_level);

    /* Only the pieces build_screen makes; the rest of a screen is not copied. */
    struct screen built = {.platform = s->platform};
    if (plan.need[NEED_REBUILD] && !build_screen(&built, &next)) {
        log_error("reload: the new look cannot be built; the screen keeps the old one");
        app_destroy(built.app);
        renderer_destroy(built.renderer);
        fonts_destroy(built.fonts);
        layout_destroy(built.layout);
        plan.need[NEED_REBUILD] = false;
    }
    bool restart_worker = plan.need[NEED_WORKER] || plan.need[NEED_REBUILD];
    if (restart_worker) {
        refresh_stop(s->refresh);
        s->refresh = NULL;
    }
    /* The worker has its own copies of these strings; the screen's are replaced. */
    settings_free(&s->set);
    s->set = set;
    s->feed_url = s->set.feed_url;
    s->display_id = s->set.display_id;
    if (restart_worker) {
        s->interval_s = next.refresh_interval_s;
        s->seen_attempts = 0;
        s->refresh = start_worker(s, &next, false);
        if (s->refresh && s->dark)
            refresh_set_idle(s->refresh, true);
    }
    if (plan.need[NEED_REBUILD]) {
        /* The cached content, so that the new look does not start on the status slide. */
        if (s->refresh)
            refresh_wait_content(s->refresh, 3000);
        service_watchdog();
        app_destroy(s->app);
        renderer_destroy(s->renderer);
        fonts_destroy(s->fonts);
        layout_destroy(s->layout);
        s->app = built.app, s->renderer = built.renderer, s->fonts = built.fonts;
        s->layout = built.layout, s->rotation = built.rotation, s->lang = built.lang;
        /* The images stay with the screen: the new app is given the feed again with them. */
        if (s->refresh)
            take_news(s, s->lang);
    }
    if (plan.need[NEED_STATUS] || restart_worker) {
        fleet_writer_stop(s->fleet);
        s->fleet = fleet_writer_start(s->set.status_dir, s->set.cache_dir);
    }
    config_free(s->cfg);
    *s->cfg = next;
    if (plan.restart.data)
        log_warn("reload: %s changed; that takes effect after a restart", plan.restart.data);
    log_info("configuration reloaded: %s%s%s",
             plan.changed.data ? plan.changed.data : "nothing changed",
             restart_worker ? "; fetch worker restarted" : "",
             plan.need[NEED_REBUILD] ? "; screen rebuilt" : "");
    service_ready();
    service_status("configuration reloaded");
    strbuf_free(&plan.changed);
    strbuf_free(&plan.restart);
}

int main(int argc, char **argv)
{
    tune_malloc();
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    started_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    started_wall = (int64_t)time(NULL);
    enum {
        OPT_FEED = 256,
        OPT_LAYOUT,
        OPT_WINDOW,
        OPT_CACHE,
        OPT_HEADLESS,
        OPT_SHOTS,
        OPT_CHECK,
        OPT_JSON,
        OPT_SOURCE,
        OPT_TOKEN_FILE,
        OPT_LOG,
        OPT_SOFTWARE,
        OPT_VERSION
    };
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
    struct override overrides[16];
    int n_over = 0;
    struct args a = {0};
    int c;
    while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
        const char *key = NULL;
        switch (c) {
        case 'c':
            a.config_file = optarg;
            break;
        case OPT_FEED:
            key = "feed.url";
            break;
        case OPT_LAYOUT:
            key = "display.layout";
            break;
        case OPT_WINDOW:
            key = "display.window";
            break;
        case OPT_CACHE:
            key = "cache.dir";
            break;
        case OPT_SOURCE:
            key = "feed.source";
            break;
        case OPT_TOKEN_FILE:
            key = "feed.token_file";
            break;
        case OPT_LOG:
            key = "log.level";
            break;
        case OPT_HEADLESS:
            a.headless = true;
            break;
        case OPT_SHOTS:
            a.screenshot_dir = optarg;
            break;
        case OPT_CHECK:
            a.check_feed = optarg;
            break;
        case OPT_JSON:
            a.json = true;
            break;
        case OPT_SOFTWARE:
            a.software = true;
            break;
        case OPT_VERSION:
            printf("prikbord %s\n", PRIKBORD_VERSION);
            return EXIT_OK;
        case 'h':
            usage(stdout);
            return EXIT_OK;
        default:
            usage(stderr);
            return EXIT_USAGE;
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
    int rc;
    if (a.check_feed) {
        if (!fetch_global_init()) {
            config_free(&cfg);
            return EXIT_RUNTIME;
        }
        rc = check_feed(&cfg, a.check_feed, a.json);
        fetch_global_cleanup();
    } else {
        a.overrides = overrides;
        a.n_overrides = n_over;
        rc = run(&cfg, &a);
    }
    config_free(&cfg);
    return rc;
}
