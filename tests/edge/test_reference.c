/* Reference pictures: the demo feed, through the real pipeline (fetch worker, image decoding,
 * layout chosen for the screen, SDL_ttf, the renderer), at the five screen sizes the layouts
 * are made for, compared with the pictures in tests/reference/. The clock is fixed, so the
 * header is part of the comparison.
 *
 * Pictures are compared at a reduced size (the long side at most REF_SIDE pixels, averaged
 * over whole pixel blocks): a moved region, a missing text or a wrong colour changes far more
 * than 1% of the pixels, while anti-aliasing differences between renderers (OpenGL on
 * llvmpipe in the normal run, SDL's software renderer in the sanitizer run) do not.
 *
 * After an intended change of the picture: PRIKBORD_UPDATE_REFERENCES=1 ctest -R reference
 * rewrites tests/reference/ (look at the new pictures before committing them). A failing
 * comparison leaves the picture it got in reference-actual/ in the test's folder. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "app.h"
#include "fonts.h"
#include "image.h"
#include "image_sdl.h"
#include "layout.h"
#include "pictures.h"
#include "platform_sdl.h"
#include "refresh.h"
#include "render_sdl.h"
#include "util.h"

#include <SDL_image.h>

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "../unit/layout_check.h"

#define REF_SIDE          640 /* long side of a stored reference */
#define CHANNEL_TOLERANCE 48
#define MAX_DIFFERENT     0.01 /* share of pixels that may differ by more than the tolerance */

static const struct {
    int w, h;
    const char *layout; /* the automatic choice for that screen */
} screens[] = {
    {1920, 1080, "landscape"},     {3840, 2160, "landscape"},     {1080, 1920, "portrait"},
    {800, 480, "landscape-small"}, {720, 1280, "portrait-small"},
};

/* One slide of each type, with and without a photo, a long post and three recipients. */
static const char *const compared[] = {"i-2004", "s-3001", "p-1003", "p-1001", "h-4003"};

/* Friday 27 November 2026, 09:41 (UTC, and the clock shows the same). */
#define WALL 1795772460
static const struct tm local_time = {.tm_year = 126,
                                     .tm_mon = 10,
                                     .tm_mday = 27,
                                     .tm_wday = 5,
                                     .tm_yday = 330,
                                     .tm_hour = 9,
                                     .tm_min = 41};

static bool update_mode(void)
{
    const char *v = getenv("PRIKBORD_UPDATE_REFERENCES");
    return v && *v && strcmp(v, "0") != 0;
}

static void wake(void *ctx)
{
    SDL_SemPost(ctx);
}

/* The pictures of a snapshot as the program draws them: kept encoded, decoded per frame. */
struct shown {
    const struct snapshot *snap;
    struct pictures *pics;
};

static bool snap_has(void *ctx, const char *url)
{
    const struct shown *s = ctx;
    return image_set_get(s->snap->images, url) != NULL;
}

static SDL_Surface *snap_surface(void *ctx, const char *url)
{
    const struct shown *s = ctx;
    return pictures_get(s->pics, url, image_set_get(s->snap->images, url));
}

/* The demo feed as the program reads it: a file: URL (percent-encoded) and the fetch worker,
 * one attempt, no cache. Waits on the worker's notification, not on a clock. */
static struct snapshot *demo_snapshot(int w, int h)
{
    char path[PATH_MAX], resolved[PATH_MAX];
    snprintf(path, sizeof path, "%s/assets/demo/feed.json", source_dir());
    assert_non_null(realpath(path, resolved));
    struct strbuf url = {0};
    strbuf_appends(&url, "file://");
    for (const char *p = resolved; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            strchr("/-._~", c))
            strbuf_append(&url, p, 1);
        else
            strbuf_appendf(&url, "%%%02X", c);
    }
    SDL_sem *sem = SDL_CreateSemaphore(0);
    assert_non_null(sem);
    struct refresh_options o = {.feed_url = url.data,
                                .interval_s = 3600,
                                .user_agent = "prikbord-test",
                                .once = true,
                                .max_photo_px = w > h ? w : h};
    struct refresh *r = refresh_start(&o, wake, sem);
    assert_non_null(r);
    struct snapshot *snap = NULL;
    struct refresh_state st = {0};
    while (!snap) {
        if (SDL_SemWaitTimeout(sem, 60000) == SDL_MUTEX_TIMEDOUT)
            fail_msg("the fetch worker did not answer within a minute");
        snap = refresh_take(r);
        refresh_get_state(r, &st);
        if (!snap && st.attempted && st.problem[0])
            fail_msg("demo feed: %s", st.problem);
    }
    refresh_stop(r);
    SDL_DestroySemaphore(sem);
    strbuf_free(&url);
    return snap;
}

/* The output, averaged over f x f blocks (f chosen so that the long side fits REF_SIDE). */
static SDL_Surface *shrink(const uint32_t *px, int w, int h)
{
    int side = w > h ? w : h;
    int f = (side + REF_SIDE - 1) / REF_SIDE;
    int sw = w / f, sh = h / f;
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, sw, sh, 32, SDL_PIXELFORMAT_ARGB8888);
    assert_non_null(s);
    for (int y = 0; y < sh; y++) {
        uint32_t *row = (uint32_t *)((uint8_t *)s->pixels + y * s->pitch);
        for (int x = 0; x < sw; x++) {
            unsigned sum[3] = {0, 0, 0};
            for (int dy = 0; dy < f; dy++)
                for (int dx = 0; dx < f; dx++) {
                    uint32_t v = px[(size_t)(y * f + dy) * (size_t)w + (size_t)(x * f + dx)];
                    sum[0] += (v >> 16) & 0xFF;
                    sum[1] += (v >> 8) & 0xFF;
                    sum[2] += v & 0xFF;
                }
            unsigned n = (unsigned)(f * f);
            row[x] = 0xFF000000u | (sum[0] / n) << 16 | (sum[1] / n) << 8 | sum[2] / n;
        }
    }
    return s;
}

static int channel_diff(uint32_t a, uint32_t b)
{
    int d = 0;
    for (int shift = 0; shift <= 16; shift += 8) {
        int c = abs((int)((a >> shift) & 0xFF) - (int)((b >> shift) & 0xFF));
        d = c > d ? c : d;
    }
    return d;
}

/* Compares got with tests/reference/name.png, or writes it there in update mode. */
static void compare(SDL_Surface *got, const char *name)
{
    char ref_path[PATH_MAX];
    snprintf(ref_path, sizeof ref_path, "%s/tests/reference/%s.png", source_dir(), name);
    if (update_mode()) {
        if (IMG_SavePNG(got, ref_path) != 0)
            fail_msg("cannot write %s: %s", ref_path, IMG_GetError());
        printf("updated %s\n", ref_path);
        return;
    }
    SDL_Surface *loaded = IMG_Load(ref_path);
    if (!loaded)
        fail_msg("no reference %s (%s); make it with PRIKBORD_UPDATE_REFERENCES=1", ref_path,
                 IMG_GetError());
    SDL_Surface *ref = SDL_ConvertSurfaceFormat(loaded, SDL_PIXELFORMAT_ARGB8888, 0);
    SDL_FreeSurface(loaded);
    assert_non_null(ref);
    long differ = 0, total = (long)got->w * got->h;
    if (ref->w != got->w || ref->h != got->h) {
        differ = total;
    } else {
        for (int y = 0; y < got->h; y++) {
            const uint32_t *a = (const uint32_t *)((const uint8_t *)got->pixels + y * got->pitch);
            const uint32_t *b = (const uint32_t *)((const uint8_t *)ref->pixels + y * ref->pitch);
            for (int x = 0; x < got->w; x++)
                differ += channel_diff(a[x], b[x]) > CHANNEL_TOLERANCE;
        }
    }
    SDL_FreeSurface(ref);
    double share = (double)differ / (double)total;
    printf("%s: %.3f%% of the pixels differ\n", name, share * 100);
    if (share > MAX_DIFFERENT) {
        mkdir("reference-actual", 0755);
        char out[PATH_MAX];
        snprintf(out, sizeof out, "reference-actual/%s.png", name);
        IMG_SavePNG(got, out);
        fail_msg("%s: %.2f%% of the pixels differ from %s (at most %.0f%% may); the picture "
                 "made is in %s",
                 name, share * 100, ref_path, MAX_DIFFERENT * 100, out);
    }
}

static void render_screen(int w, int h, const char *want_layout)
{
    char err[256];
    struct platform_options po = {.headless = true, .w = w, .h = h};
    struct platform *p = platform_create(&po, err, sizeof err);
    if (!p)
        fail_msg("platform: %s", err);
    assert_true(image_global_init());
    struct layout **ls;
    size_t n = load_layouts(&ls);
    const struct layout *l = choose(ls, n, w, h);
    assert_string_equal(l->name, want_layout);
    struct fonts *f = fonts_create(l->font, err, sizeof err);
    if (!f)
        fail_msg("fonts: %s", err);
    struct renderer *rd = renderer_create(platform_sdl_renderer(p), f);
    printf("%dx%d: layout %s, renderer %s\n", w, h, l->name, platform_renderer_name(p));
    struct snapshot *snap = demo_snapshot(w, h);
    struct app_options ao = {.slide_ms = 10000,
                             .max_slide_ms = 30000,
                             .transition_ms = 0,
                             .max_fps = 30,
                             .lang = LANG_EN,
                             .clock_24h = true};
    struct app *a = app_create(&ao, l, fonts_metrics(f), w, h);
    struct shown shown_ctx = {snap, pictures_create()};
    app_set_feed(a, snap->feed, snap_has, &shown_ctx);
    snap->feed = NULL; /* the app owns it now */
    size_t shown = app_count_shown(a, WALL), found = 0;
    assert_int_equal(shown, 16);
    uint32_t *px = xmalloc((size_t)w * (size_t)h * 4);
    for (size_t k = 0; k < shown; k++) {
        int64_t now = 1000 + (int64_t)k * 20000;
        const struct item *it = app_show_next(a, now, WALL);
        app_tick(a, now, WALL, &local_time);
        struct app_frame fr;
        app_frame(a, &fr);
        size_t c = 0;
        while (c < ARRAY_LEN(compared) && (!it || strcmp(it->id, compared[c]) != 0))
            c++;
        if (c == ARRAY_LEN(compared))
            continue;
        found++;
        assert_true(renderer_draw(rd, &fr, snap_surface, &shown_ctx));
        pictures_release(shown_ctx.pics);
        assert_int_equal(SDL_RenderReadPixels(platform_sdl_renderer(p), NULL,
                                              SDL_PIXELFORMAT_ARGB8888, px, w * 4),
                         0);
        SDL_Surface *small = shrink(px, w, h);
        char name[96];
        snprintf(name, sizeof name, "%dx%d-%s-%s", w, h, item_type_name(it->type), it->id);
        compare(small, name);
        SDL_FreeSurface(small);
    }
    assert_int_equal(found, ARRAY_LEN(compared));
    free(px);
    app_destroy(a);
    pictures_destroy(shown_ctx.pics);
    snapshot_destroy(snap);
    renderer_destroy(rd);
    fonts_destroy(f);
    free_layouts(ls, n);
    image_global_cleanup();
    platform_destroy(p);
}

static void test_1920x1080(void **state)
{
    (void)state;
    render_screen(screens[0].w, screens[0].h, screens[0].layout);
}

static void test_3840x2160(void **state)
{
    (void)state;
    render_screen(screens[1].w, screens[1].h, screens[1].layout);
}

static void test_1080x1920(void **state)
{
    (void)state;
    render_screen(screens[2].w, screens[2].h, screens[2].layout);
}

static void test_800x480(void **state)
{
    (void)state;
    render_screen(screens[3].w, screens[3].h, screens[3].layout);
}

static void test_720x1280(void **state)
{
    (void)state;
    render_screen(screens[4].w, screens[4].h, screens[4].layout);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_1920x1080), cmocka_unit_test(test_3840x2160),
        cmocka_unit_test(test_1080x1920), cmocka_unit_test(test_800x480),
        cmocka_unit_test(test_720x1280),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
