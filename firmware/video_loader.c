/* video_loader: video.h for the program, with FFmpeg in a plugin loaded only while needed.
 *
 * Linked, FFmpeg and the libraries it pulls in (about 75 of them) cost every Prikbord about
 * 15 MB of memory and 40-60 ms of start-up, even on a wall that never shows a video. Here the
 * plugin (prikbord-video.so: video.c and FFmpeg) is opened at the first call that needs it and
 * closed by video_unload_idle() once no call, open video or poster has used it for
 * VIDEO_IDLE_UNLOAD_MS. A missing or broken plugin turns videos off with one logged reason;
 * slides then show the photo, as for any video that cannot play.
 *
 * Threads: the fetch worker probes, the render thread plays, the audio thread reads sound.
 * Loading, unloading and the count of users are under one lock; the functions on an open video
 * need no lock, because the open video holds the plugin. */
#define LOG_MODULE "video"
#include "log.h"
#include "util.h"
#include "video.h"
#include "video_api.h"

#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PLUGIN_NAME          "prikbord-video.so"
#define VIDEO_IDLE_UNLOAD_MS 30000

/* What the plugin takes from the program (nm -D --undefined-only prikbord-video.so): linked
 * into every program that can load it, whether or not the program itself uses them. */
__attribute__((used)) static void (*const plugin_needs[])(void) = {
    (void (*)(void))log_write, (void (*)(void))log_get_level,
    (void (*)(void))xasprintf, (void (*)(void))xcalloc,
    (void (*)(void))xmalloc,   (void (*)(void))xrealloc,
    (void (*)(void))xstrdup,   (void (*)(void))video_log_decoder_use,
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static void *handle;
static const struct video_api *_Atomic api;
static int users;          /* calls in progress, open videos and posters */
static int64_t idle_since; /* monotonic ms when users last dropped to 0 */
static bool refused;       /* the plugin cannot be loaded: said once, not tried again */
static char refusal[256];

static int64_t mono_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Tries the plugin at path; on failure appends why to the refusal. */
static bool try_open(const char *path)
{
    if (access(path, R_OK) != 0)
        return false;
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        snprintf(refusal, sizeof refusal, "cannot load %s: %s", path, e ? e : "unknown error");
        return false;
    }
    video_api_fn get;
    void *sym = dlsym(h, VIDEO_API_SYMBOL);
    memcpy(&get, &sym, sizeof get); /* (an object pointer to a function pointer, portably) */
    const struct video_api *a = sym ? get() : NULL;
    if (!a || a->version != VIDEO_API_VERSION || a->size != sizeof *a) {
        snprintf(refusal, sizeof refusal, "%s is not a video plugin of this version", path);
        dlclose(h);
        return false;
    }
    handle = h;
    atomic_store(&api, a);
    return true;
}

/* Libraries of FFmpeg's dependency chain that allocate when loaded and never free it (found
 * with AddressSanitizer over repeated loads on Debian 12: pixman's implementations, about
 * 12 KB a load; libgcrypt's and libgomp's state, a few bytes): loaded once and never closed,
 * so that loading the plugin again does not leak. Absent ones are skipped. */
static const char *const keep_loaded[] = {"libpixman-1.so.0", "libgcrypt.so.20", "libgomp.so.1"};

static void pin_leaky_libraries(void)
{
    static bool pinned;
    if (pinned)
        return;
    pinned = true;
    for (size_t i = 0; i < ARRAY_LEN(keep_loaded); i++)
        if (!dlopen(keep_loaded[i], RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE))
            log_debug("not pinned: %s", dlerror());
}

/* Tries the plugin at the program's folder joined with rel ("" or "/../lib/..."). */
static bool try_beside_program(const char *rel, char *path, size_t len)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return false;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return false;
    *slash = '\0';
    int w = snprintf(path, len, "%s%s/%s", exe, rel, PLUGIN_NAME);
    return w > 0 && (size_t)w < len && try_open(path);
}

/* The plugin, from (in this order) PRIKBORD_VIDEO_PLUGIN, the program's own folder (the build
 * tree), the plugin folder relative to the program (an installed tree, wherever its root is)
 * and the plugin folder it was built for. Under the lock. */
static void load(void)
{
    int64_t t0 = mono_ms();
    pin_leaky_libraries();
    snprintf(refusal, sizeof refusal, "%s not found", PLUGIN_NAME);
    char path[PATH_MAX];
    const char *env = getenv("PRIKBORD_VIDEO_PLUGIN");
    bool ok = env && *env && try_open(env);
    if (ok)
        snprintf(path, sizeof path, "%s", env);
    ok = ok || try_beside_program("", path, sizeof path) ||
         try_beside_program("/" PRIKBORD_PLUGIN_REL, path, sizeof path);
    if (!ok && try_open(PRIKBORD_PLUGIN_DIR "/" PLUGIN_NAME)) {
        ok = true;
        snprintf(path, sizeof path, "%s", PRIKBORD_PLUGIN_DIR "/" PLUGIN_NAME);
    }
    if (!ok) {
        refused = true;
        log_warn("videos are off: %s", refusal);
        return;
    }
    log_debug("video plugin %s loaded in %lld ms", path, (long long)(mono_ms() - t0));
}

static const struct video_api *acquire(void)
{
    pthread_mutex_lock(&lock);
    if (!atomic_load(&api) && !refused)
        load();
    const struct video_api *a = atomic_load(&api);
    if (a)
        users++;
    pthread_mutex_unlock(&lock);
    return a;
}

static void release(void)
{
    pthread_mutex_lock(&lock);
    if (--users == 0)
        idle_since = mono_ms();
    pthread_mutex_unlock(&lock);
}

/* Closes the plugin when nothing uses it and (unless now) it has been idle long enough. The
 * idle check is the render loop's: it never waits for the lock (the fetch worker may hold it
 * for the 40-60 ms of loading the plugin), it just tries again next time. */
static void unload(bool now)
{
    if (now)
        pthread_mutex_lock(&lock);
    else if (pthread_mutex_trylock(&lock) != 0)
        return;
    if (atomic_load(&api) && users == 0 &&
        (now || mono_ms() - idle_since >= VIDEO_IDLE_UNLOAD_MS)) {
        atomic_store(&api, NULL);
        dlclose(handle);
        handle = NULL;
        log_debug("video plugin unloaded");
    }
    pthread_mutex_unlock(&lock);
}

void video_unload_idle(void)
{
    unload(false);
}

void video_unload(void)
{
    unload(true);
}

bool video_loaded(void)
{
    return atomic_load(&api) != NULL;
}

bool video_preload(void)
{
    if (!acquire())
        return false;
    release();
    return true;
}

static void refused_err(char *err, size_t errlen)
{
    if (err && errlen > 0) {
        pthread_mutex_lock(&lock);
        snprintf(err, errlen, "videos are off: %s", refusal);
        pthread_mutex_unlock(&lock);
    }
}

bool video_probe(const char *path, const struct video_limits *lim, struct video_info *info,
                 char *err, size_t errlen)
{
    const struct video_api *a = acquire();
    if (!a) {
        refused_err(err, errlen);
        return false;
    }
    bool ok = a->probe(path, lim, info, err, errlen);
    release();
    return ok;
}

struct video_picture *video_poster(const char *path, const struct video_limits *lim, int max_w,
                                   int max_h, char *err, size_t errlen)
{
    const struct video_api *a = acquire();
    if (!a) {
        refused_err(err, errlen);
        return NULL;
    }
    struct video_picture *p = a->poster(path, lim, max_w, max_h, err, errlen);
    if (!p)
        release(); /* a poster holds the plugin until it is freed */
    return p;
}

void video_picture_free(struct video_picture *p)
{
    if (!p)
        return;
    atomic_load(&api)->picture_free(p);
    release();
}

struct video *video_open(const char *path, const struct video_limits *lim, int max_w, int max_h,
                         void (*notify)(void *ctx), void *ctx)
{
    const struct video_api *a = acquire();
    if (!a)
        return NULL;
    struct video *v = a->open(path, lim, max_w, max_h, notify, ctx);
    if (!v)
        release(); /* an open video holds the plugin until it is closed */
    return v;
}

void video_close(struct video *v)
{
    if (!v)
        return;
    atomic_load(&api)->close(v);
    release();
}

/* On an open video the plugin is loaded; v NULL (a video that did not open) is answered as
 * by a video that has nothing. */
static const struct video_api *on_video(const struct video *v)
{
    return v ? atomic_load(&api) : NULL;
}

const struct video_picture *video_frame_for(struct video *v, int64_t elapsed_ms)
{
    const struct video_api *a = on_video(v);
    if (!a)
        return NULL;
    return a->frame_for(v, elapsed_ms);
}

int64_t video_next_ms(struct video *v)
{
    const struct video_api *a = on_video(v);
    if (!a)
        return -1;
    return a->next_ms(v);
}

enum video_state video_state(struct video *v)
{
    const struct video_api *a = on_video(v);
    if (!a)
        return VIDEO_FAILED;
    return a->state(v);
}

bool video_done(struct video *v)
{
    const struct video_api *a = on_video(v);
    if (!a)
        return true;
    return a->done(v);
}

int64_t video_duration_ms(struct video *v)
{
    const struct video_api *a = on_video(v);
    if (!a)
        return -1;
    return a->duration_ms(v);
}

void video_size(struct video *v, int *w, int *h)
{
    *w = *h = 0;
    const struct video_api *a = on_video(v);
    if (!a)
        return;
    a->size_of(v, w, h);
}

void video_error(struct video *v, char *buf, size_t len)
{
    if (len > 0)
        buf[0] = '\0';
    const struct video_api *a = on_video(v);
    if (!a)
        return;
    a->error(v, buf, len);
}

void video_decoder(struct video *v, char *buf, size_t len)
{
    if (len > 0)
        buf[0] = '\0';
    const struct video_api *a = on_video(v);
    if (!a)
        return;
    a->decoder(v, buf, len);
}

void video_restart(struct video *v)
{
    const struct video_api *a = on_video(v);
    if (!a)
        return;
    a->restart(v);
}

bool video_has_audio(struct video *v)
{
    const struct video_api *a = on_video(v);
    if (!a)
        return false;
    return a->has_audio(v);
}

size_t video_audio_read(struct video *v, int16_t *out, size_t frames)
{
    if (!v && out) /* silence, as from a video without sound */
        memset(out, 0, frames * 2 * sizeof *out);
    const struct video_api *a = on_video(v);
    if (!a)
        return 0;
    return a->audio_read(v, out, frames);
}

static const char *const state_names[] = {
    [VIDEO_OPENING] = "opening",
    [VIDEO_PLAYING] = "playing",
    [VIDEO_DONE] = "done",
    [VIDEO_FAILED] = "failed",
};
_Static_assert(ARRAY_LEN(state_names) == VIDEO_STATE_COUNT, "one name per video state");

const char *video_state_name(enum video_state s)
{
    if ((unsigned)s >= VIDEO_STATE_COUNT)
        return "unknown";
    return state_names[s];
}

void video_log_decoder_use(const char *name, const char *why)
{
    static pthread_mutex_t seen_lock = PTHREAD_MUTEX_INITIALIZER;
    static char seen[8][32];
    bool first = true;
    pthread_mutex_lock(&seen_lock);
    size_t i = 0;
    for (; i < ARRAY_LEN(seen) && seen[i][0]; i++) {
        if (strcmp(seen[i], name) == 0)
            first = false;
    }
    if (first && i < ARRAY_LEN(seen))
        snprintf(seen[i], sizeof seen[i], "%s", name);
    pthread_mutex_unlock(&seen_lock);
    if (first)
        log_info("decoding with %s%s", name, why);
    else
        log_debug("decoding with %s%s", name, why);
}
