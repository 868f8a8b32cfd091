#define LOG_MODULE "refresh"
#include "refresh.h"
#include "disk.h"
#include "feed_parse.h"
#include "fetch.h"
#include "imgcache.h"
#include "log.h"
#include "polling.h"
#include "source.h"
#include "source_http.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_IMAGES      600
#define IMAGE_BUDGET    ((size_t)96 << 20) /* encoded bytes a snapshot may hold */
#define IMAGE_MAX_BYTES ((size_t)16 << 20)
#define MAX_VIDEOS      32
#define POSTER_BUDGET   ((size_t)48 << 20) /* bytes of video posters a snapshot may hold */

/* An image shared between the worker's last set and the snapshots it handed out. */
struct image_ref {
    char *url;
    struct image_bytes pic; /* kept encoded; pic.data NULL: fetching or decoding failed
                               (logged once) */
    atomic_int refs;
};

struct image_set {
    struct image_ref **refs;
    size_t n;
};

static void ref_put(struct image_ref *r)
{
    if (r && atomic_fetch_sub(&r->refs, 1) == 1) {
        image_bytes_clear(&r->pic);
        free(r->url);
        free(r);
    }
}

static void image_set_destroy(struct image_set *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        ref_put(s->refs[i]);
    free(s->refs);
    free(s);
}

static struct image_ref *set_find(const struct image_set *s, const char *url)
{
    for (size_t i = 0; s && url && i < s->n; i++)
        if (strcmp(s->refs[i]->url, url) == 0)
            return s->refs[i];
    return NULL;
}

const struct image_bytes *image_set_get(const struct image_set *set, const char *url)
{
    struct image_ref *r = set_find(set, url);
    return r && r->pic.data ? &r->pic : NULL;
}

/* A video shared, like an image, between the worker's last set and the snapshots. Never
 * changed once in a set: a download makes a new one. */
struct video_ref {
    struct snapshot_video v; /* v.path NULL: not playable */
    char *url;
    char *path;                   /* v.path, owned */
    struct video_picture *poster; /* v.poster, owned */
    bool want_poster;             /* an item with it has no photo */
    bool settled;                 /* playable, or refused for good: nothing more to try */
    atomic_int refs;
};

struct video_set {
    struct video_ref **refs;
    size_t n;
};

static void video_ref_put(struct video_ref *r)
{
    if (r && atomic_fetch_sub(&r->refs, 1) == 1) {
        video_picture_free(r->poster);
        free(r->path);
        free(r->url);
        free(r);
    }
}

static struct video_ref *video_ref_new(const char *url, bool want_poster)
{
    struct video_ref *r = xcalloc(1, sizeof *r);
    r->url = xstrdup(url);
    r->want_poster = want_poster;
    atomic_init(&r->refs, 1);
    return r;
}

static void video_set_destroy(struct video_set *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        video_ref_put(s->refs[i]);
    free(s->refs);
    free(s);
}

/* A new set holding the same videos. */
static struct video_set *video_set_share(const struct video_set *s)
{
    struct video_set *c = xcalloc(1, sizeof *c);
    c->refs = xcalloc(s && s->n ? s->n : 1, sizeof *c->refs);
    for (size_t i = 0; s && i < s->n; i++) {
        atomic_fetch_add(&s->refs[i]->refs, 1);
        c->refs[c->n++] = s->refs[i];
    }
    return c;
}

static struct video_ref *video_set_find(const struct video_set *s, const char *url)
{
    for (size_t i = 0; s && url && i < s->n; i++)
        if (strcmp(s->refs[i]->url, url) == 0)
            return s->refs[i];
    return NULL;
}

const struct snapshot_video *video_set_get(const struct video_set *set, const char *url)
{
    const struct video_ref *r = video_set_find(set, url);
    return r && r->v.path ? &r->v : NULL;
}

void snapshot_destroy(struct snapshot *s)
{
    if (!s)
        return;
    feed_destroy(s->feed);
    image_set_destroy(s->images);
    video_set_destroy(s->videos);
    free(s);
}

struct refresh {
    struct refresh_options o; /* strings owned */
    char *feed_url;           /* o.feed_url, writable for the resolver's context */
    void (*notify)(void *ctx);
    void *ctx;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_cond_t news; /* publish and publish_attempt: for refresh_wait_content */
    bool stop;
    bool poll_now;
    bool idle;
    atomic_bool cancel; /* stop: also ends a transfer in progress */
    struct snapshot *pending;
    struct refresh_state state;

    /* worker-only */
    struct fetcher *fetcher;
    struct imgcache *images;
    struct image_set *last_images;
    struct video_set *last_videos;
    char *etag, *last_modified;
    uint32_t last_hash;
    bool have_hash;
    int failures;
    unsigned seed;
};

/* The request settings every transfer of this worker shares. */
static struct fetch_request request_base(struct refresh *r, const char *url)
{
    return (struct fetch_request){
        .url = url,
        .token_origin = r->o.feed_url,
        .user_agent = r->o.user_agent,
        .ca_file = r->o.ca_file,
        .connect_timeout_ms = r->o.connect_timeout_s * 1000L,
        .total_timeout_ms = r->o.transfer_timeout_s * 1000L,
        .low_speed_time_s = r->o.stall_timeout_s,
        .cancel = &r->cancel,
    };
}

char *refresh_resolve_url(void *feed_url, const char *raw)
{
    char *abs = url_resolve(feed_url, raw);
    if (!abs) {
        log_warn("URL in the feed ignored: it cannot be resolved");
        return NULL;
    }
    if (!url_media_allowed(feed_url, abs)) {
        /* Logged without the URL's query, which may carry a signature. */
        log_warn("URL in the feed not fetched: only http(s), or a file in the feed's own folder, "
                 "may be fetched (%.*s...)",
                 (int)strcspn(abs, "?#") > 60 ? 60 : (int)strcspn(abs, "?#"), abs);
        free(abs);
        return NULL;
    }
    return abs;
}

/* Hands over a snapshot (may be NULL). */
static void publish(struct refresh *r, struct snapshot *snap)
{
    pthread_mutex_lock(&r->lock);
    snapshot_destroy(r->pending);
    r->pending = snap;
    r->state.has_content = true;
    pthread_cond_broadcast(&r->news);
    pthread_mutex_unlock(&r->lock);
    if (r->notify)
        r->notify(r->ctx);
}

/* Records the outcome of a poll. */
static void publish_attempt(struct refresh *r, const char *problem, long status, bool ok)
{
    pthread_mutex_lock(&r->lock);
    r->state.attempts++;
    r->state.attempted = true;
    r->state.status = status;
    r->state.auth_failed = status == 401 || status == 403;
    if (ok)
        r->state.last_ok = (int64_t)time(NULL);
    snprintf(r->state.problem, sizeof r->state.problem, "%s", problem ? problem : "");
    pthread_cond_broadcast(&r->news);
    pthread_mutex_unlock(&r->lock);
    if (r->notify)
        r->notify(r->ctx);
}

static char *read_token(struct refresh *r)
{
    if (!r->o.token_file)
        return xstrdup(r->o.token);
    char err[160];
    size_t len;
    char *t = disk_read_file(r->o.token_file, 16384, &len, err, sizeof err);
    if (!t) {
        log_warn("token file %s: %s", r->o.token_file, err);
        return xstrdup(r->o.token);
    }
    t[strcspn(t, "\r\n")] = '\0'; /* the first line is the token */
    return t;
}

/* Adds url to the list of wanted pictures once (every use is packed at the same size: a
 * picture is decoded at drawing time only, so an avatar costs its encoded bytes). */
static void want(const char **w, size_t *n, const char *url)
{
    if (!url)
        return;
    for (size_t i = 0; i < *n; i++)
        if (strcmp(w[i], url) == 0)
            return;
    if (*n < MAX_IMAGES)
        w[(*n)++] = url;
}

/* Checks a picture and keeps it encoded, no larger than the screen can show (a 12-megapixel
 * photo is packed again at the screen's size). trusted: bytes from the disk cache, which holds
 * only what decoded. Returns whether *reencoded bytes replace the ones given. */
static bool pack(const char *url, const char *bytes, size_t len, int max_photo, bool trusted,
                 struct image_bytes *out)
{
    struct image_limits lim = IMAGE_DEFAULT_LIMITS;
    lim.max_w = lim.max_h = max_photo > 0 ? max_photo : 1600;
    char err[200];
    bool reencoded = false;
    if (!image_pack(bytes, len, &lim, trusted, out, &reencoded, err, sizeof err))
        log_warn("image %s: %s", url, err);
    return reencoded;
}

/* An image from the disk cache, else (when allowed) from the network into the cache. */
static struct image_ref *load_image(struct refresh *r, const char *url, const char *token,
                                    bool network)
{
    struct image_ref *ref = xcalloc(1, sizeof *ref);
    ref->url = xstrdup(url);
    atomic_init(&ref->refs, 1);
    size_t len = 0;
    char *cached = imgcache_get(r->images, url, IMAGE_MAX_BYTES, &len);
    if (cached) {
        /* A picture cached before it was packed (or for a larger screen) is packed now. */
        if (pack(url, cached, len, r->o.max_photo_px, true, &ref->pic))
            imgcache_put(r->images, url, ref->pic.data, ref->pic.len);
        free(cached);
        return ref;
    }
    if (!network)
        return ref;
    struct fetch_request req = request_base(r, url);
    req.token = token;
    req.allow_file = strncmp(url, "file:", 5) == 0; /* already checked by the resolver */
    req.max_bytes = IMAGE_MAX_BYTES;
    struct fetch_response resp = {0};
    if (fetcher_get(r->fetcher, &req, &resp) != FETCH_OK) {
        log_warn("image %s: %s", url, resp.error);
    } else {
        pack(url, resp.body, resp.len, r->o.max_photo_px, false, &ref->pic);
        /* Only what decodes is worth keeping for the next start, packed as it is kept. */
        if (ref->pic.data)
            imgcache_put(r->images, url, ref->pic.data, ref->pic.len);
    }
    fetch_response_clear(&resp);
    return ref;
}

/* The images a feed needs, sharing the ones the previous snapshot already has. */
static struct image_set *load_images(struct refresh *r, const struct feed *f, bool network)
{
    const char **w = xcalloc(MAX_IMAGES, sizeof *w);
    size_t n = 0;
    want(w, &n, f->community.logo_url);
    for (size_t i = 0; i < f->n_items; i++) {
        const struct item *it = &f->items[i];
        want(w, &n, it->image_url);
        want(w, &n, it->author.avatar_url);
        want(w, &n, it->person.avatar_url);
        want(w, &n, it->from.avatar_url);
        for (size_t k = 0; k < it->n_to; k++)
            want(w, &n, it->to[k].avatar_url);
    }
    char *token = n && network ? read_token(r) : NULL;
    struct image_set *set = xcalloc(1, sizeof *set);
    set->refs = xcalloc(n ? n : 1, sizeof *set->refs);
    size_t budget = 0;
    for (size_t i = 0; i < n; i++) {
        struct image_ref *ref = set_find(r->last_images, w[i]);
        if (ref) {
            atomic_fetch_add(&ref->refs, 1);
        } else {
            pthread_mutex_lock(&r->lock);
            bool stop = r->stop;
            pthread_mutex_unlock(&r->lock);
            if (stop)
                break;
            ref = load_image(r, w[i], token, network);
        }
        if (ref->pic.data) {
            size_t bytes = ref->pic.len;
            if (budget + bytes > IMAGE_BUDGET) {
                log_warn("image %s skipped: the snapshot's image memory budget is used up", w[i]);
                ref_put(ref);
                continue;
            }
            budget += bytes;
        }
        set->refs[set->n++] = ref;
    }
    if (token) {
        memset(token, 0, strlen(token));
        free(token);
    }
    free(w);
    return set;
}

/* ---- videos ---------------------------------------------------------------------------- */

/* How much of a URL a log line shows: not its query, which may carry a signature. */
static int url_log_len(const char *url)
{
    size_t n = strcspn(url, "?#");
    return n > 120 ? 120 : (int)n;
}

static size_t posters_bytes(const struct video_set *s)
{
    size_t bytes = 0;
    for (size_t i = 0; s && i < s->n; i++) {
        const struct video_picture *p = s->refs[i]->poster;
        if (p)
            bytes += (size_t)p->w * (size_t)p->h * 3 / 2;
    }
    return bytes;
}

/* Checks the file at path with video_probe and makes ref playable from it (with a poster
 * when one is wanted and the set's poster budget allows); a refusal is logged with the URL
 * and settles ref. */
static void check_video(struct refresh *r, struct video_ref *ref, const char *path,
                        const struct video_set *set)
{
    char err[256];
    ref->settled = true;
    if (!video_probe(path, &r->o.video_limits, &ref->v.info, err, sizeof err)) {
        log_warn("video %.*s refused: %s", url_log_len(ref->url), ref->url, err);
        return;
    }
    ref->path = xstrdup(path);
    ref->v.path = ref->path;
    if (ref->want_poster) {
        int side = r->o.max_photo_px > 0 ? r->o.max_photo_px : 1600;
        if (posters_bytes(set) + (size_t)side * (size_t)side * 3 / 2 > POSTER_BUDGET) {
            log_warn("video %.*s: no poster, the snapshot's poster budget is used up",
                     url_log_len(ref->url), ref->url);
        } else {
            ref->poster = video_poster(path, &r->o.video_limits, side, side, err, sizeof err);
            if (!ref->poster)
                log_warn("video %.*s: no poster: %s", url_log_len(ref->url), ref->url, err);
        }
        ref->v.poster = ref->poster;
    }
    log_debug("video %.*s: %dx%d %s, %lld ms", url_log_len(ref->url), ref->url, ref->v.info.width,
              ref->v.info.height, ref->v.info.codec, (long long)ref->v.info.duration_ms);
}

/* A video from what is already on this machine: the cache, or the local file a file: feed
 * names (used in place). Unsettled when it still has to be downloaded. */
static struct video_ref *local_video(struct refresh *r, const char *url, bool want_poster,
                                     const struct video_set *set)
{
    struct video_ref *ref = video_ref_new(url, want_poster);
    char path[4200];
    char *file = url_file_path(url); /* the resolver let it through: inside the feed's folder */
    if (file) {
        check_video(r, ref, file, set);
    } else if (imgcache_video_path(r->images, url, path, sizeof path)) {
        check_video(r, ref, path, set);
    } else if (!r->images) {
        log_info("video %.*s not fetched: there is no cache folder to keep it in", url_log_len(url),
                 url);
        ref->settled = true;
    }
    free(file);
    return ref;
}

/* The videos a feed names, sharing what the previous snapshot settled, and (with on_disk)
 * those on disk; the rest (unsettled) are for more_videos. */
static struct video_set *load_videos(struct refresh *r, const struct feed *f, bool on_disk)
{
    struct video_set *set = xcalloc(1, sizeof *set);
    set->refs = xcalloc(MAX_VIDEOS, sizeof *set->refs);
    if (r->o.video_max_bytes == 0)
        return set;
    for (size_t i = 0; i < f->n_items; i++) {
        const struct item *it = &f->items[i];
        const char *url = it->video_url;
        if (!url || video_set_find(set, url))
            continue;
        if (set->n == MAX_VIDEOS) {
            log_warn("video %.*s skipped: the content names more than %d videos", url_log_len(url),
                     url, MAX_VIDEOS);
            continue;
        }
        /* the poster stands in for the photo, so only an item without one needs it */
        bool want_poster = false;
        for (size_t k = i; k < f->n_items; k++) {
            const struct item *o = &f->items[k];
            if (o->video_url && strcmp(o->video_url, url) == 0 && !o->image_url)
                want_poster = true;
        }
        struct video_ref *ref = video_set_find(r->last_videos, url);
        if (ref && ref->settled && (ref->poster || !want_poster || !ref->v.path)) {
            atomic_fetch_add(&ref->refs, 1);
        } else if (on_disk) {
            ref = local_video(r, url, want_poster, set);
        } else {
            ref = video_ref_new(url, want_poster);
        }
        set->refs[set->n++] = ref;
    }
    return set;
}

static bool videos_unsettled(const struct video_set *s)
{
    for (size_t i = 0; s && i < s->n; i++)
        if (!s->refs[i]->settled)
            return true;
    return false;
}

/* Downloads the video at ref's URL straight into the cache (never whole in memory) and checks
 * it. Returns a new ref: playable, refused (settled), or unsettled after a failure that may
 * pass (the network), to be tried again with the next content. */
static struct video_ref *download_video(struct refresh *r, const struct video_ref *old,
                                        const char *token, const struct video_set *set)
{
    struct video_ref *ref = video_ref_new(old->url, old->want_poster);
    struct imgcache_video *w = imgcache_video_begin(r->images, ref->url);
    if (!w)
        return ref;
    struct fetch_request req = request_base(r, ref->url);
    req.token = token; /* fetch sends it only to the feed's own origin */
    req.max_bytes = r->o.video_max_bytes;
    /* A video is many times a feed: the whole transfer may take ten times as long. A server
     * that stalls is still given up after the stall time-out. */
    req.total_timeout_ms = (r->o.transfer_timeout_s > 0 ? r->o.transfer_timeout_s : 60) * 10000L;
    req.sink = imgcache_video_write;
    req.sink_ctx = w;
    struct fetch_response resp = {0};
    enum fetch_result res = fetcher_get(r->fetcher, &req, &resp);
    char path[4200];
    if (res != FETCH_OK) {
        imgcache_video_abort(w);
        log_warn("video %.*s not downloaded: %s", url_log_len(ref->url), ref->url, resp.error);
        /* too large, refused, or a client error will not change by asking again */
        ref->settled = res == FETCH_TOO_LARGE || res == FETCH_REFUSED ||
                       (res == FETCH_HTTP_ERROR && resp.status >= 400 && resp.status < 500 &&
                        resp.status != 408 && resp.status != 429);
    } else if (imgcache_video_commit(w) &&
               imgcache_video_path(r->images, ref->url, path, sizeof path)) {
        log_info("video %.*s: %zu bytes downloaded", url_log_len(ref->url), ref->url, resp.len);
        check_video(r, ref, path, set);
    }
    fetch_response_clear(&resp);
    return ref;
}

static void retain_media(struct refresh *r, const struct image_set *images,
                         const struct video_set *videos);
static struct feed *parse(struct refresh *r, const char *body, size_t len, char *err,
                          size_t errlen);

/* After the snapshot of content is handed over: finds its missing videos, then hands the same
 * content over again (parsed anew from json, as the cache would) with them. With network, the
 * missing videos are downloaded; without (the content of the disk cache at start, handed over
 * before any video was looked at, so that the first slide does not wait for FFmpeg), they are
 * looked for on disk. */
static void more_videos(struct refresh *r, const char *json, bool network)
{
    struct video_set *set = video_set_share(r->last_videos);
    char *token = network ? read_token(r) : NULL;
    bool any = false;
    for (size_t i = 0; i < set->n; i++) {
        if (set->refs[i]->settled)
            continue;
        pthread_mutex_lock(&r->lock);
        bool stop = r->stop;
        pthread_mutex_unlock(&r->lock);
        if (stop)
            break;
        const struct video_ref *old = set->refs[i];
        struct video_ref *ref = network ? download_video(r, old, token, set)
                                        : local_video(r, old->url, old->want_poster, set);
        video_ref_put(set->refs[i]);
        set->refs[i] = ref;
        any = any || ref->v.path;
    }
    if (token) {
        memset(token, 0, strlen(token));
        free(token);
    }
    char err[200];
    struct feed *f = any ? parse(r, json, strlen(json), err, sizeof err) : NULL;
    if (any && !f)
        log_warn("content with its videos not handed over: %s", err);
    if (!f) {
        video_set_destroy(r->last_videos);
        r->last_videos = set;
        return;
    }
    struct snapshot *s = xcalloc(1, sizeof *s);
    s->feed = f;
    s->from_cache = !network;             /* still the disk's content, not (yet) the server's */
    s->images = load_images(r, f, false); /* all shared with the last snapshot */
    /* The new bytes count in the bound: apply it, and offer only the videos it kept. */
    if (network)
        retain_media(r, s->images, set);
    size_t playable = 0;
    for (size_t i = 0; i < set->n; i++) {
        struct video_ref *ref = set->refs[i];
        if (ref->v.path && access(ref->v.path, R_OK) != 0) {
            log_warn("video %.*s dropped from the cache: over cache.max_mb", url_log_len(ref->url),
                     ref->url);
            set->refs[i] = video_ref_new(ref->url, ref->want_poster);
            set->refs[i]->settled = true;
            video_ref_put(ref);
        }
        playable += set->refs[i]->v.path != NULL;
    }
    s->videos = video_set_share(set);
    video_set_destroy(r->last_videos);
    r->last_videos = set;
    log_info("videos %s: %zu of the content's %zu can play", network ? "downloaded" : "on disk",
             playable, set->n);
    publish(r, s);
}

static void store_cache(struct refresh *r, const struct feed *f, const struct image_set *images,
                        const struct video_set *videos);

/* Hands a parsed feed over with its images and (unless it comes from the disk cache at start)
 * the videos on disk; the worker keeps a reference to both. Then finds the missing videos
 * (more_videos) and hands the content over again with them. */
static void deliver(struct refresh *r, struct feed *f, bool from_cache)
{
    struct snapshot *s = xcalloc(1, sizeof *s);
    s->feed = f;
    /* From the cache at start: only cached images, so the screen fills before any network. */
    s->images = load_images(r, f, !from_cache);
    s->videos = load_videos(r, f, !from_cache);
    s->from_cache = from_cache;
    video_set_destroy(r->last_videos);
    r->last_videos = video_set_share(s->videos);
    image_set_destroy(r->last_images);
    r->last_images = xcalloc(1, sizeof *r->last_images);
    r->last_images->refs = xcalloc(s->images->n ? s->images->n : 1, sizeof(struct image_ref *));
    for (size_t i = 0; i < s->images->n; i++) {
        atomic_fetch_add(&s->images->refs[i]->refs, 1);
        r->last_images->refs[r->last_images->n++] = s->images->refs[i];
    }
    log_info("%s: %zu items to show, %zu images, %zu videos", from_cache ? "cached feed" : "feed",
             f->n_items, s->images->n, s->videos->n);
    /* Persist before handing over: after publish the feed belongs to the main thread. */
    if (!from_cache)
        store_cache(r, f, s->images, s->videos);
    char *again = videos_unsettled(s->videos) ? feed_serialize(f) : NULL;
    publish(r, s);
    if (again)
        more_videos(r, again, !from_cache);
    free(again);
}

static struct feed *parse(struct refresh *r, const char *body, size_t len, char *err, size_t errlen)
{
    struct feed_parse_opts opts = {
        .max_bytes = r->o.max_feed_bytes,
        .show_all_posts = r->o.show_all_posts,
        .resolve_url = refresh_resolve_url,
        .resolve_ctx = r->feed_url,
    };
    return feed_parse(body, len, &opts, NULL, err, errlen);
}

/* The last good feed of this feed URL: a cache written for another feed (the configuration
 * changed) is never shown as this one's. */
static char *cache_path(const struct refresh *r)
{
    /* A platform's cache also belongs to its allow-lists: a group taken off the list must not
     * come back from the disk at the next start. */
    char *key = r->o.source ? source_cache_key(r->o.source) : NULL;
    char *path = r->o.cache_dir
                     ? xasprintf("%s/feed-%016llx.json", r->o.cache_dir,
                                 (unsigned long long)hash64_str(key ? key : r->o.feed_url))
                     : NULL;
    free(key);
    return path;
}

/* Temporary files of writes a crash or power cut interrupted: never read, so delete them. */
static void remove_stale_temporaries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char err[256];
    while (d && (e = readdir(d))) {
        if (strncmp(e->d_name, "feed-", 5) == 0 && strstr(e->d_name, ".json.tmp.")) {
            char *p = xasprintf("%s/%s", dir, e->d_name);
            disk_remove(p, err, sizeof err);
            free(p);
        }
    }
    if (d)
        closedir(d);
}

static void load_cache(struct refresh *r)
{
    if (r->o.cache_dir)
        remove_stale_temporaries(r->o.cache_dir);
    char *path = cache_path(r);
    char err[256];
    size_t len;
    char *body = path ? disk_read_file(path, r->o.max_feed_bytes, &len, err, sizeof err) : NULL;
    if (body) {
        struct feed *f = parse(r, body, len, err, sizeof err);
        struct stat st;
        if (f && stat(path, &st) == 0) {
            pthread_mutex_lock(&r->lock);
            r->state.cached_at = (int64_t)st.st_mtime;
            pthread_mutex_unlock(&r->lock);
        }
        if (f)
            deliver(r, f, true);
        else
            log_warn("cached feed %s ignored: %s", path, err);
    }
    free(body);
    free(path);
}

/* The visible part of the feed only: a closed group's item never reaches the disk. Written
 * after the images it uses are on disk and before the ones it no longer uses are deleted, so
 * a power cut at any moment leaves a feed whose images are there. */
static void store_cache(struct refresh *r, const struct feed *f, const struct image_set *images,
                        const struct video_set *videos)
{
    char *path = cache_path(r);
    char err[256];
    if (!path)
        return;
    char *json = feed_serialize(f);
    bool ok = disk_mkdirs(r->o.cache_dir, err, sizeof err) &&
              disk_write_atomic(path, json, strlen(json), err, sizeof err);
    if (!ok)
        log_warn("cache: %s", err);
    free(json);
    free(path);
    if (ok)
        retain_media(r, images, videos);
}

/* Deletes the cached images and videos the content no longer uses, then applies the bound. */
static void retain_media(struct refresh *r, const struct image_set *images,
                         const struct video_set *videos)
{
    if (!r->images)
        return;
    const char **keep = xcalloc(images->n + videos->n + 1, sizeof *keep);
    size_t n = 0;
    for (size_t i = 0; i < images->n; i++)
        keep[n++] = images->refs[i]->url;
    for (size_t i = 0; i < videos->n; i++)
        keep[n++] = videos->refs[i]->url;
    size_t bytes = imgcache_retain(r->images, keep, n);
    log_debug("media cache: %zu images, %zu videos, %zu bytes", images->n, videos->n, bytes);
    free(keep);
}

static void remember(char **slot, const char *v)
{
    free(*slot);
    *slot = xstrdup(v);
}

/* Counts the outcome of a poll, publishes it and returns the seconds to wait before the next.
 * A platform's minimum interval (Yammer: a minute) holds whatever refresh_interval says. */
static int poll_finish(struct refresh *r, enum poll_outcome outcome, const char *problem,
                       long status, long retry_after_s, int feed_after)
{
    if (outcome == POLL_FAILED || outcome == POLL_AUTH_FAILED) {
        r->failures++;
        log_warn("%s%s (attempt %d)", problem,
                 outcome == POLL_AUTH_FAILED ? ": the server refused the token" : "", r->failures);
    } else {
        r->failures = 0;
    }
    struct poll_policy policy = {.interval_s = r->o.interval_s};
    int min = r->o.source ? source_min_interval_s(source_kind_of(r->o.source)) : 0;
    if (policy.interval_s < min)
        policy.interval_s = min;
    int wait = poll_delay_s(&policy, outcome, r->failures, retry_after_s, feed_after,
                            (uint32_t)rand_r(&r->seed));
    log_debug("next poll in %d s", wait);
    publish_attempt(r, problem[0] ? problem : NULL, status,
                    outcome == POLL_CHANGED || outcome == POLL_UNCHANGED);
    return wait;
}

/* One poll of a platform through its adapter: each request with the token (re-read every
 * time, sent only to the platform's origin) and the worker's time-outs and cancel flag. The
 * items are compared as the cache would write them, so "unchanged" means the same screen.
 * Returns the seconds to wait before the next poll. */
static int poll_source(struct refresh *r)
{
    struct source_http http = {
        .fetcher = r->fetcher,
        .base = request_base(r, NULL),
        .token = r->o.token,
        .token_file = r->o.token_file,
    };
    http.base.max_bytes = r->o.max_feed_bytes;
    struct source_poll_opts opts = {
        .get = source_http_get,
        .get_ctx = &http,
        .resolve_url = refresh_resolve_url,
        .resolve_ctx = r->feed_url,
    };
    long status = 0, retry_after_s = -1;
    char err[256] = "", problem[600] = "";
    enum poll_outcome outcome = POLL_UNCHANGED;
    int feed_after = 0;
    struct feed *f =
        source_poll(r->o.source, &opts, NULL, &status, &retry_after_s, err, sizeof err);
    if (!f) {
        snprintf(problem, sizeof problem, "%s%s%s", err, http.error[0] ? ": " : "", http.error);
        outcome = status == 401 || status == 403 ? POLL_AUTH_FAILED : POLL_FAILED;
    } else {
        char *json = feed_serialize(f);
        uint32_t h = 2166136261u;
        for (const char *p = json; *p; p++)
            h = (h ^ (unsigned char)*p) * 16777619u;
        free(json);
        if (r->have_hash && h == r->last_hash) {
            log_debug("%s: content unchanged", source_kind_name(source_kind_of(r->o.source)));
            feed_destroy(f);
        } else {
            feed_after = f->refresh_after_s;
            deliver(r, f, false);
            r->last_hash = h;
            r->have_hash = true;
            outcome = POLL_CHANGED;
        }
    }
    return poll_finish(r, outcome, problem, status, retry_after_s, feed_after);
}

/* One poll. Returns the seconds to wait before the next. */
static int poll_once(struct refresh *r)
{
    if (r->o.source)
        return poll_source(r);
    char *token = read_token(r);
    struct fetch_request req = request_base(r, r->o.feed_url);
    req.token = token;
    req.allow_file = true;
    req.if_none_match = r->etag;
    req.if_modified_since = r->last_modified;
    req.max_bytes = r->o.max_feed_bytes;
    struct fetch_response resp = {0};
    enum fetch_result res = fetcher_get(r->fetcher, &req, &resp);
    if (token) {
        memset(token, 0, strlen(token));
        free(token);
    }
    char problem[256] = "";
    enum poll_outcome outcome = POLL_UNCHANGED;
    int feed_after = 0;
    if (res == FETCH_OK) {
        uint32_t h = 2166136261u;
        for (size_t i = 0; i < resp.len; i++)
            h = (h ^ (unsigned char)resp.body[i]) * 16777619u;
        char err[200];
        if (r->have_hash && h == r->last_hash) {
            log_debug("feed unchanged");
        } else {
            struct feed *f = parse(r, resp.body, resp.len, err, sizeof err);
            if (!f) {
                snprintf(problem, sizeof problem, "feed unusable: %s", err);
                outcome = POLL_FAILED;
            } else {
                feed_after = f->refresh_after_s;
                deliver(r, f, false);
                r->last_hash = h;
                r->have_hash = true;
                remember(&r->etag, resp.etag);
                remember(&r->last_modified, resp.last_modified);
                outcome = POLL_CHANGED;
            }
        }
    } else if (res != FETCH_NOT_MODIFIED) {
        snprintf(problem, sizeof problem, "%s",
                 resp.error[0] ? resp.error : fetch_result_name(res));
        outcome = resp.status == 401 || resp.status == 403 ? POLL_AUTH_FAILED : POLL_FAILED;
    }
    int wait = poll_finish(r, outcome, problem, resp.status, resp.retry_after_s, feed_after);
    fetch_response_clear(&resp);
    return wait;
}

static void *worker(void *arg)
{
    struct refresh *r = arg;
    load_cache(r);
    for (;;) {
        int wait_s = poll_once(r);
        if (r->o.once)
            break;
        pthread_mutex_lock(&r->lock);
        if (r->idle)
            wait_s = wait_s * 10 < 3600 ? wait_s * 10 : (wait_s > 3600 ? wait_s : 3600);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += wait_s;
        while (!r->stop && !r->poll_now &&
               pthread_cond_timedwait(&r->wake, &r->lock, &until) != ETIMEDOUT) {
        }
        bool stop = r->stop;
        r->poll_now = false;
        pthread_mutex_unlock(&r->lock);
        if (stop)
            break;
    }
    image_thread_cleanup();
    return NULL;
}

static void options_copy(struct refresh_options *d, const struct refresh_options *s)
{
    *d = *s;
    d->feed_url = xstrdup(s->feed_url);
    d->token = xstrdup(s->token);
    d->token_file = xstrdup(s->token_file);
    d->ca_file = xstrdup(s->ca_file);
    d->cache_dir = xstrdup(s->cache_dir);
    d->user_agent = xstrdup(s->user_agent);
}

static void options_free(struct refresh_options *o)
{
    if (o->token)
        memset((char *)o->token, 0, strlen(o->token));
    free((char *)o->feed_url);
    free((char *)o->token);
    free((char *)o->token_file);
    free((char *)o->ca_file);
    free((char *)o->cache_dir);
    free((char *)o->user_agent);
}

struct refresh *refresh_start(const struct refresh_options *o, void (*notify)(void *ctx), void *ctx)
{
    struct refresh *r = xcalloc(1, sizeof *r);
    options_copy(&r->o, o);
    r->feed_url = (char *)r->o.feed_url;
    if (r->o.interval_s < 1)
        r->o.interval_s = 60;
    r->notify = notify;
    r->ctx = ctx;
    r->seed = (unsigned)time(NULL) ^ (unsigned)getpid();
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->wake, NULL);
    pthread_cond_init(&r->news, NULL);
    atomic_init(&r->cancel, false);
    r->fetcher = fetcher_create();
    if (r->o.cache_dir) {
        char *dir = xasprintf("%s/images", r->o.cache_dir);
        r->images =
            imgcache_open(dir, r->o.cache_max_bytes ? r->o.cache_max_bytes : (size_t)200 << 20);
        free(dir);
    }
    int err = r->fetcher ? pthread_create(&r->thread, NULL, worker, r) : -1;
    if (err != 0) {
        log_error("cannot start the fetch worker: %s", err > 0 ? strerror(err) : "no curl handle");
        fetcher_destroy(r->fetcher);
        imgcache_close(r->images);
        pthread_mutex_destroy(&r->lock);
        pthread_cond_destroy(&r->wake);
        pthread_cond_destroy(&r->news);
        options_free(&r->o);
        free(r);
        return NULL;
    }
    return r;
}

void refresh_set_idle(struct refresh *r, bool idle)
{
    pthread_mutex_lock(&r->lock);
    bool was = r->idle;
    r->idle = idle;
    if (was && !idle) {
        r->poll_now = true;
        pthread_cond_signal(&r->wake);
    }
    pthread_mutex_unlock(&r->lock);
}

void refresh_poll_now(struct refresh *r)
{
    pthread_mutex_lock(&r->lock);
    r->poll_now = true;
    pthread_cond_signal(&r->wake);
    pthread_mutex_unlock(&r->lock);
}

struct snapshot *refresh_take(struct refresh *r)
{
    pthread_mutex_lock(&r->lock);
    struct snapshot *s = r->pending;
    r->pending = NULL;
    pthread_mutex_unlock(&r->lock);
    return s;
}

bool refresh_wait_content(struct refresh *r, int timeout_ms)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += timeout_ms / 1000;
    until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&r->lock);
    while (!r->state.has_content && !r->state.attempted &&
           pthread_cond_timedwait(&r->news, &r->lock, &until) != ETIMEDOUT) {
    }
    bool content = r->state.has_content;
    pthread_mutex_unlock(&r->lock);
    return content;
}

void refresh_get_state(struct refresh *r, struct refresh_state *out)
{
    pthread_mutex_lock(&r->lock);
    *out = r->state;
    pthread_mutex_unlock(&r->lock);
}

void refresh_stop(struct refresh *r)
{
    if (!r)
        return;
    pthread_mutex_lock(&r->lock);
    r->stop = true;
    atomic_store(&r->cancel, true);
    pthread_cond_signal(&r->wake);
    pthread_mutex_unlock(&r->lock);
    pthread_join(r->thread, NULL);
    imgcache_close(r->images);
    snapshot_destroy(r->pending);
    image_set_destroy(r->last_images);
    video_set_destroy(r->last_videos);
    fetcher_destroy(r->fetcher);
    free(r->etag);
    free(r->last_modified);
    pthread_mutex_destroy(&r->lock);
    pthread_cond_destroy(&r->wake);
    pthread_cond_destroy(&r->news);
    options_free(&r->o);
    free(r);
}
