/* Render tests on SDL's offscreen driver: real pixels from the real renderer. */
#include "app.h"
#include "feed_parse.h"
#include "fonts.h"
#include "image.h"
#include "layout.h"
#include "platform_sdl.h"
#include "render_sdl.h"
#include "util.h"

#include <cjson/cJSON.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define W 1280
#define H 720

struct fixture {
    struct platform *platform;
    struct fonts *fonts;
    struct layout *layout;
    struct renderer *renderer;
};

static struct fixture fx;

static int setup(void **state)
{
    (void)state;
    char err[256];
    struct platform_options po = {.headless = true, .w = W, .h = H};
    fx.platform = platform_create(&po, err, sizeof err);
    if (!fx.platform) {
        fprintf(stderr, "platform: %s\n", err);
        return -1;
    }
    image_global_init();
    fx.layout = layout_builtin();
    fx.fonts = fonts_create(fx.layout->font, err, sizeof err);
    if (!fx.fonts) {
        fprintf(stderr, "fonts: %s\n", err);
        return -1;
    }
    fx.renderer = renderer_create(platform_sdl_renderer(fx.platform), fx.fonts);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    renderer_destroy(fx.renderer);
    fonts_destroy(fx.fonts);
    layout_destroy(fx.layout);
    image_global_cleanup();
    platform_destroy(fx.platform);
    return 0;
}

static struct feed *parse(const char *json)
{
    char err[200];
    struct feed *f = feed_parse(json, strlen(json), NULL, NULL, err, sizeof err);
    if (!f)
        fail_msg("feed: %s", err);
    return f;
}

/* What is drawn on the output (ARGB8888, W*H), caller frees. */
static uint32_t *read_output(void)
{
    uint32_t *px = xmalloc((size_t)W * H * 4);
    assert_int_equal(SDL_RenderReadPixels(platform_sdl_renderer(fx.platform), NULL,
                                          SDL_PIXELFORMAT_ARGB8888, px, W * 4),
                     0);
    return px;
}

/* Draws the first slide of a feed, after act(a) when given (a person at the screen), and
 * returns the pixels (ARGB8888, W*H), caller frees. */
static uint32_t *render_acted(const char *json, struct app_options *opts,
                              void (*act)(struct app *a))
{
    struct app_options o = {.slide_ms = 10000,
                            .max_slide_ms = 30000,
                            .transition_ms = 0,
                            .max_fps = 30,
                            .lang = LANG_EN,
                            .clock_24h = true};
    if (opts)
        o = *opts;
    struct app *a = app_create(&o, fx.layout, fonts_metrics(fx.fonts), W, H);
    if (json)
        app_set_feed(a, parse(json), NULL, NULL);
    struct tm local = {.tm_hour = 9, .tm_min = 41, .tm_wday = 4, .tm_mday = 26, .tm_mon = 10};
    app_show_next(a, 1000, 1795000000);
    if (act)
        act(a);
    app_tick(a, 1000, 1795000000, &local);
    struct app_frame fr;
    app_frame(a, &fr);
    assert_true(renderer_draw(fx.renderer, &fr, NULL, NULL));
    uint32_t *px = read_output();
    app_destroy(a);
    return px;
}

static uint32_t *render_feed(const char *json, struct app_options *opts)
{
    return render_acted(json, opts, NULL);
}

static struct rgba pixel(const uint32_t *px, int x, int y)
{
    uint32_t v = px[y * W + x];
    return (struct rgba){(uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v, 255};
}

static bool near(struct rgba a, struct rgba b, int tol)
{
    return abs(a.r - b.r) <= tol && abs(a.g - b.g) <= tol && abs(a.b - b.b) <= tol;
}

static int count_near(const uint32_t *px, struct rect r, struct rgba c, int tol)
{
    int n = 0;
    for (int y = r.y; y < r.y + r.h; y++)
        for (int x = r.x; x < r.x + r.w; x++)
            n += near(pixel(px, x, y), c, tol);
    return n;
}

static struct rect region_px(enum slide_kind k, enum region_id id)
{
    struct frect f = fx.layout->slides[k][id].rect;
    return (struct rect){(int)(f.x * W + 0.5f), (int)(f.y * H + 0.5f), (int)(f.w * W + 0.5f),
                         (int)(f.h * H + 0.5f)};
}

static const char *POST =
    "{\"version\":1,\"community\":{\"name\":\"Render "
    "Test\"},\"items\":[{\"id\":\"p1\",\"type\":\"post\","
    "\"group\":{\"id\":\"g\",\"name\":\"All\",\"visibility\":\"open\"},\"published_at\":\"2026-11-"
    "20T09:00:00Z\","
    "\"highlighted\":true,\"author\":{\"name\":\"Zoë van den Berg\",\"role\":\"HR\"},"
    "\"title\":\"A title that is drawn\",\"body\":\"Some body text.\"}]}";

static void test_slide_is_not_blank(void **state)
{
    (void)state;
    uint32_t *px = render_feed(POST, NULL);
    /* the header band, the card, and dark text on it */
    assert_true(near(pixel(px, 5, 5), fx.layout->colors[COL_HEADER_BACKGROUND], 2));
    struct rect card = region_px(SLIDE_POST, REG_CARD);
    assert_true(near(pixel(px, card.x + card.w / 2, card.y + card.h - 20),
                     fx.layout->colors[COL_SURFACE], 2));
    int ink = count_near(px, region_px(SLIDE_POST, REG_TITLE), fx.layout->colors[COL_TEXT], 40);
    assert_true(ink > 500);
    /* header text: white pixels in the title region of the band */
    struct rect band = {0, 0, W / 2, (int)(fx.layout->header.h * H)};
    assert_true(count_near(px, band, fx.layout->colors[COL_HEADER_TEXT], 30) > 100);
    free(px);
}

/* A minute later only the clock changes: the software renderer draws (and has presented) only
 * the clock's part of the header, and the picture is the one a whole redraw gives. A frame
 * that changes nothing (the window exposed) and the first frame after a dark screen are
 * drawn whole. */
static void test_clock_tick_redraws_only_the_clock(void **state)
{
    (void)state;
    struct app_options o = {.slide_ms = 600000,
                            .max_slide_ms = 600000,
                            .transition_ms = 0,
                            .max_fps = 30,
                            .lang = LANG_EN,
                            .clock_24h = true};
    struct app *a = app_create(&o, fx.layout, fonts_metrics(fx.fonts), W, H);
    app_set_feed(a, parse(POST), NULL, NULL);
    renderer_flush(fx.renderer); /* (keys start again with every app) */
    struct tm t = {.tm_hour = 9, .tm_min = 41, .tm_wday = 4, .tm_mday = 26, .tm_mon = 10};
    app_show_next(a, 1000, 1795000000);
    app_tick(a, 1000, 1795000000, &t);
    struct app_frame fr;
    app_frame(a, &fr);
    SDL_Rect d;
    assert_true(renderer_draw(fx.renderer, &fr, NULL, NULL));
    assert_false(renderer_damage(fx.renderer, &d));

    t.tm_min = 42;
    app_tick(a, 61000, 1795000060, &t);
    assert_true(app_frame(a, &fr));
    assert_true(renderer_draw(fx.renderer, &fr, NULL, NULL));
    assert_true(renderer_damage(fx.renderer, &d));
    int band_h = (int)(fx.layout->header.h * H);
    assert_true(d.y >= 0 && d.y + d.h <= band_h);
    assert_true(d.x > W / 2 && d.w < W / 8); /* the clock, at the right end of the band */
    uint32_t *partial = read_output();

    renderer_flush(fx.renderer);
    assert_true(renderer_draw(fx.renderer, &fr, NULL, NULL));
    assert_false(renderer_damage(fx.renderer, &d));
    uint32_t *whole = read_output();
    assert_memory_equal(partial, whole, (size_t)W * H * 4);

    assert_true(renderer_draw(fx.renderer, &fr, NULL, NULL));
    assert_false(renderer_damage(fx.renderer, &d));
    renderer_clear(fx.renderer);
    t.tm_min = 43;
    app_tick(a, 121000, 1795000120, &t);
    app_frame(a, &fr);
    assert_true(renderer_draw(fx.renderer, &fr, NULL, NULL));
    assert_false(renderer_damage(fx.renderer, &d));
    free(partial);
    free(whole);
    app_destroy(a);
}

static void test_avatar_placeholder_where_layout_says(void **state)
{
    (void)state;
    uint32_t *px = render_feed(POST, NULL);
    struct rect r = region_px(SLIDE_POST, REG_AVATAR);
    int s = r.w < r.h ? r.w : r.h;
    int cx = r.x + s / 2, cy = r.y + (r.h - s) / 2 + s / 2;
    struct rgba want = layout_name_color("Zoë van den Berg");
    /* inside the circle, left of the initials: the name's colour */
    assert_true(near(pixel(px, cx - s * 3 / 8, cy), want, 6));
    /* the initials are white-ish and in the middle */
    struct rect mid = {cx - s / 4, cy - s / 4, s / 2, s / 2};
    assert_true(count_near(px, mid, (struct rgba){255, 255, 255, 255}, 30) > 20);
    /* just outside the circle's corner: the card, not the placeholder */
    assert_true(
        near(pixel(px, r.x + 1, r.y + (r.h - s) / 2 + 1), fx.layout->colors[COL_SURFACE], 10));
    free(px);
}

static void test_status_slide_without_feed(void **state)
{
    (void)state;
    uint32_t *px = render_feed(NULL, NULL);
    int ink = count_near(px, region_px(SLIDE_STATUS, REG_TITLE), fx.layout->colors[COL_TEXT], 40);
    assert_true(ink > 300);
    free(px);
}

static void test_crossfade_mixes(void **state)
{
    (void)state;
    struct app_options o = {.slide_ms = 1000,
                            .max_slide_ms = 1000,
                            .transition_ms = 1000,
                            .max_fps = 30,
                            .lang = LANG_EN,
                            .clock_24h = true};
    static const char *TWO =
        "{\"version\":1,\"items\":["
        "{\"id\":\"a\",\"type\":\"shoutout\",\"group\":{\"visibility\":\"open\"},\"published_at\":"
        "\"2026-11-20T09:00:00Z\","
        "\"from\":{\"name\":\"A\"},\"to\":[{\"name\":\"B\"}],\"message\":\"Thanks\"},"
        "{\"id\":\"b\",\"type\":\"introduction\",\"group\":{\"visibility\":\"open\"},\"published_"
        "at\":\"2026-11-21T09:00:00Z\","
        "\"person\":{\"name\":\"C D\"},\"body\":\"Hello\"}]}";
    struct app *a = app_create(&o, fx.layout, fonts_metrics(fx.fonts), W, H);
    app_set_feed(a, parse(TWO), NULL, NULL);
    struct tm local = {.tm_hour = 9};
    app_tick(a, 0, 1795000000, &local);    /* the first slide appears (nothing to fade from) */
    app_tick(a, 1000, 1795000000, &local); /* its time is up: the second fades in */
    app_tick(a, 1500, 1795000000, &local); /* half way */
    struct app_frame fr;
    app_frame(a, &fr);
    assert_non_null(fr.from);
    assert_true(fr.t > 0.3f && fr.t < 0.7f);
    assert_true(renderer_draw(fx.renderer, &fr, NULL, NULL));
    app_destroy(a);
}

/* A file of ../shared/corpora (static storage, NUL-terminated; the test skips without it). */
static char *read_corpus(const char *name, size_t *n)
{
    char path[512];
    snprintf(path, sizeof path, "%s/corpora/%s", getenv("PRIKBORD_SHARED_DIR"), name);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        skip();
    static char buf[1 << 20];
    *n = fread(buf, 1, sizeof buf - 1, fp);
    fclose(fp);
    buf[*n] = '\0';
    return buf;
}

/* Every naughty string as a name, title and message: drawn, or refused, never a crash. */
static void test_naughty_strings_render(void **state)
{
    (void)state;
    size_t n;
    char *buf = read_corpus("naughty-strings/blns.json", &n);
    cJSON *list = cJSON_Parse(buf);
    assert_non_null(list);
    cJSON *feed = cJSON_CreateObject();
    cJSON_AddNumberToObject(feed, "version", 1);
    cJSON *items = cJSON_AddArrayToObject(feed, "items");
    int i = 0;
    const cJSON *s;
    cJSON_ArrayForEach(s, list)
    {
        char id[32];
        snprintf(id, sizeof id, "n%d", i++);
        cJSON *it = cJSON_CreateObject();
        cJSON_AddStringToObject(it, "id", id);
        cJSON_AddStringToObject(it, "type", "shoutout");
        cJSON *g = cJSON_AddObjectToObject(it, "group");
        cJSON_AddStringToObject(g, "visibility", "open");
        cJSON_AddStringToObject(it, "published_at", "2026-11-20T09:00:00Z");
        cJSON *from = cJSON_AddObjectToObject(it, "from");
        cJSON_AddStringToObject(from, "name", s->valuestring);
        cJSON_AddStringToObject(from, "role", s->valuestring);
        cJSON *to = cJSON_AddArrayToObject(it, "to");
        cJSON *p = cJSON_CreateObject();
        cJSON_AddStringToObject(p, "name", s->valuestring);
        cJSON_AddItemToArray(to, p);
        cJSON_AddStringToObject(it, "message", s->valuestring);
        cJSON_AddStringToObject(it, "badge", s->valuestring);
        cJSON_AddItemToArray(items, it);
    }
    char *json = cJSON_PrintUnformatted(feed);
    cJSON_Delete(feed);
    cJSON_Delete(list);
    char err[200];
    struct feed *f = feed_parse(json, strlen(json), NULL, NULL, err, sizeof err);
    cJSON_free(json);
    assert_non_null(f);
    struct app_options o = {.slide_ms = 1,
                            .max_slide_ms = 1,
                            .transition_ms = 0,
                            .max_fps = 30,
                            .lang = LANG_NL,
                            .clock_24h = true};
    struct app *a = app_create(&o, fx.layout, fonts_metrics(fx.fonts), 640, 360);
    app_set_feed(a, f, NULL, NULL);
    size_t shown = app_count_shown(a, 1795000000);
    assert_true(shown > 400);
    for (size_t k = 0; k < shown; k++) {
        app_show_next(a, (int64_t)k, 1795000000);
        struct app_frame fr;
        app_tick(a, (int64_t)k, 1795000000, NULL);
        app_frame(a, &fr);
        assert_true(renderer_draw(fx.renderer, &fr, NULL, NULL));
    }
    app_destroy(a);
}

/* corpora/naughty-strings/blns.txt, every line unsanitised straight into the fonts: SDL_ttf
 * cannot draw the empty lines and the line that is only U+FEFF ("Text has zero width"), and
 * any line without visible ink; the renderer gets NULL for those, and a draw list holding
 * such a line as text is drawn anyway. Every other line renders. */
static void test_zero_width_lines(void **state)
{
    (void)state;
    size_t n;
    char *buf = read_corpus("naughty-strings/blns.txt", &n);
    const SDL_Color ink = {0, 0, 0, 255};
    int lines = 0, refused = 0, empty = 0, bom = 0;
    for (char *line = buf, *next; line < buf + n; line = next) {
        char *nl = strchr(line, '\n');
        next = nl ? nl + 1 : buf + n;
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        if (len && line[0] == '#')
            continue; /* a comment of the list */
        lines++;
        int ascent;
        SDL_Surface *surf =
            fonts_render(fx.fonts, FACE_REGULAR, 32, line, len, false, ink, &ascent);
        bool visible = false;
        for (const char *p = line; p < line + len;)
            visible |= unicode_is_visible(utf8_decode(&p, line + len));
        if (surf) {
            SDL_FreeSurface(surf);
            continue;
        }
        if (visible)
            fail_msg("blns.txt line \"%.*s\" did not render", (int)len, line);
        refused++;
        empty += len == 0;
        bom += len == 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0;
        char *text = xstrndup(line, len);
        struct text_block *b =
            text_layout(fonts_metrics(fx.fonts), FACE_REGULAR, text, 600, 200, 3, 32, 16);
        struct draw_list d = {.clear = {255, 255, 255, 255}};
        struct draw_op op = {.kind = DRAW_TEXT,
                             .r = {20, 20, 600, 200},
                             .color = {0, 0, 0, 255},
                             .text = b,
                             .region = REG_BODY};
        d.ops = &op;
        d.n = d.cap = 1;
        struct app_frame fr = {.to = &d, .to_key = 9100 + (uint64_t)lines};
        assert_true(renderer_draw(fx.renderer, &fr, NULL, NULL));
        text_block_destroy(b);
        free(text);
    }
    print_message("blns.txt: %d lines, %d not drawable (%d empty, %d a lone U+FEFF)\n", lines,
                  refused, empty, bom);
    assert_true(lines > 500);
    assert_true(empty > 0);
    assert_int_equal(bom, 1);
}

/* display.rotation: the frame is laid out for the turned panel and turned onto the output, so
 * a mark in the laid-out frame lands where the rotation says on the real output. */
static void test_rotation_turns_the_frame(void **state)
{
    (void)state;
    static const struct {
        int degrees;
        int lw, lh; /* the size slides are laid out for on the W x H output */
    } cases[] = {{0, W, H}, {90, H, W}, {180, W, H}, {270, H, W}};
    const struct rgba bg = {20, 30, 40, 255}, red = {220, 30, 30, 255};
    const struct rect mark = {10, 20, 100, 50}; /* in the laid-out frame */
    int mx = mark.x + mark.w / 2, my = mark.y + mark.h / 2;
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        int lw, lh;
        renderer_logical_size(cases[i].degrees, W, H, &lw, &lh);
        assert_int_equal(lw, cases[i].lw);
        assert_int_equal(lh, cases[i].lh);
        struct draw_list d = {.clear = bg};
        struct draw_op op = {.kind = DRAW_RECT, .r = mark, .color = red, .region = REG_CARD};
        d.ops = &op;
        d.n = d.cap = 1;
        struct app_frame fr = {.to = &d, .to_key = 9000 + i};
        renderer_set_rotation(fx.renderer, cases[i].degrees);
        assert_true(renderer_draw(fx.renderer, &fr, NULL, NULL));
        uint32_t *px = xmalloc((size_t)W * H * 4);
        assert_int_equal(SDL_RenderReadPixels(platform_sdl_renderer(fx.platform), NULL,
                                              SDL_PIXELFORMAT_ARGB8888, px, W * 4),
                         0);
        /* Where the mark's centre must be: turned clockwise by the angle. */
        int x = mx, y = my;
        switch (cases[i].degrees) {
        case 90:
            x = W - 1 - my, y = mx;
            break;
        case 180:
            x = W - 1 - mx, y = H - 1 - my;
            break;
        case 270:
            x = my, y = H - 1 - mx;
            break;
        default:
            break;
        }
        if (!near(pixel(px, x, y), red, 8))
            fail_msg("rotation %d: no mark at %d,%d", cases[i].degrees, x, y);
        /* ...and nowhere else: the unturned place and the corners are background. */
        if (cases[i].degrees != 0)
            assert_true(near(pixel(px, mx, my), bg, 8));
        assert_true(near(pixel(px, W / 2, H / 2), bg, 8));
        /* The whole output is covered: no black border from a misplaced copy. */
        assert_true(near(pixel(px, 0, H - 1), bg, 8) || near(pixel(px, 0, H - 1), red, 8));
        assert_true(near(pixel(px, W - 1, H - 1), bg, 8) || near(pixel(px, W - 1, H - 1), red, 8));
        assert_true(near(pixel(px, W - 1, 0), bg, 8) || near(pixel(px, W - 1, 0), red, 8));
        free(px);
    }
    renderer_set_rotation(fx.renderer, 0);
}

/* ---- a person at the screen ---- */

#define TARGET 72 /* px: the controls' size in these tests */

static void input_on(struct app *a)
{
    struct app_input_options in = {.enabled = true,
                                   .controls = true,
                                   .idle_ms = 45000,
                                   .target_px = TARGET,
                                   .gesture = gesture_config_for(W, 4.0)};
    app_set_input(a, &in);
}

static void tap_slide(struct app *a)
{
    input_on(a);
    app_pointer(a, APP_POINTER_DOWN, 7, W / 2, H * 6 / 10, 1000);
    app_pointer(a, APP_POINTER_UP, 7, W / 2, H * 6 / 10, 1000);
}

static void tap_header(struct app *a)
{
    input_on(a);
    app_pointer(a, APP_POINTER_DOWN, GESTURE_MOUSE, 10, 5, 1000);
    app_pointer(a, APP_POINTER_UP, GESTURE_MOUSE, 10, 5, 1000);
}

static void drag_left(struct app *a)
{
    input_on(a);
    app_pointer(a, APP_POINTER_DOWN, 7, 900, 400, 990);
    app_pointer(a, APP_POINTER_MOVE, 7, 600, 400, 1000);
}

static int brightness(struct rgba c)
{
    return c.r + c.g + c.b;
}

static const char *TWO =
    "{\"version\":1,\"community\":{\"name\":\"Render Test\"},\"items\":["
    "{\"id\":\"p1\",\"type\":\"post\",\"group\":{\"id\":\"g\",\"name\":\"All\",\"visibility\":"
    "\"open\"},\"published_at\":\"2026-11-20T09:00:00Z\",\"highlighted\":true,\"author\":{"
    "\"name\":\"Zoë van den Berg\"},\"title\":\"The first title\",\"body\":\"Its body.\"},"
    "{\"id\":\"s1\",\"type\":\"shoutout\",\"group\":{\"id\":\"g\",\"name\":\"All\","
    "\"visibility\":\"open\"},\"published_at\":\"2026-11-21T09:00:00Z\",\"from\":{\"name\":"
    "\"Ravi\"},\"to\":[{\"name\":\"Sanne\"},{\"name\":\"Kofi\"}],\"message\":\"Thanks!\"}]}";

static void test_detail_view_dims_the_slide(void **state)
{
    (void)state;
    uint32_t *rest = render_feed(POST, NULL);
    uint32_t *detail = render_acted(POST, NULL, tap_slide);
    /* The margin beside the card is the slide's background, dimmed. */
    struct rgba bg = fx.layout->colors[COL_BACKGROUND];
    assert_true(near(pixel(rest, 3, H / 2), bg, 8));
    assert_true(brightness(pixel(detail, 3, H / 2)) < brightness(bg) * 7 / 10);
    /* The card is the surface colour, with the title's ink on it. */
    struct rgba surface = fx.layout->colors[COL_SURFACE];
    struct rect card = {W / 10, H / 4, W * 8 / 10, H / 2};
    assert_true(count_near(detail, card, surface, 6) > card.w * card.h / 3);
    assert_true(count_near(detail, card, fx.layout->colors[COL_TEXT], 40) > 200);
    /* The header stays as it was. */
    assert_true(near(pixel(detail, W / 2, 3), pixel(rest, W / 2, 3), 2));
    free(rest);
    free(detail);
}

static void test_controls_appear_after_a_touch(void **state)
{
    (void)state;
    uint32_t *rest = render_feed(TWO, NULL);
    uint32_t *touched = render_acted(TWO, NULL, tap_header);
    /* The filter row along the bottom, with "All" chosen (the accent colour). */
    struct rect row = {0, H - TARGET * 5 / 3, W, TARGET * 5 / 3};
    struct rgba accent = fx.layout->colors[COL_ACCENT];
    assert_true(count_near(touched, row, accent, 10) > TARGET * TARGET / 3);
    assert_true(count_near(rest, row, accent, 10) < count_near(touched, row, accent, 10) / 4);
    /* The pause sign at the top right, in the header's colour. */
    struct rect sign = {W * 3 / 4, (int)(fx.layout->header.h * H), W / 4, TARGET * 3 / 2};
    struct rgba dark = fx.layout->colors[COL_HEADER_BACKGROUND];
    assert_true(count_near(touched, sign, dark, 20) > count_near(rest, sign, dark, 20) + 500);
    free(rest);
    free(touched);
}

static void test_slide_follows_the_finger(void **state)
{
    (void)state;
    uint32_t *rest = render_feed(TWO, NULL);
    uint32_t *drag = render_acted(TWO, NULL, drag_left);
    /* The slide moved 300 px to the left: what was at x + 300 is now at x, pixel for pixel,
     * below the header (which stays). */
    int top = (int)(fx.layout->header.h * H) + 2, same = 0, n = 0;
    for (int y = top; y < H - TARGET * 2; y += 7) {
        for (int x = 0; x < W - 300 - TARGET; x += 13) {
            same += near(pixel(drag, x, y), pixel(rest, x + 300, y), 0);
            n++;
        }
    }
    assert_true(same > n * 97 / 100);
    free(rest);
    free(drag);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_slide_is_not_blank),
        cmocka_unit_test(test_avatar_placeholder_where_layout_says),
        cmocka_unit_test(test_status_slide_without_feed),
        cmocka_unit_test(test_crossfade_mixes),
        cmocka_unit_test(test_clock_tick_redraws_only_the_clock),
        cmocka_unit_test(test_naughty_strings_render),
        cmocka_unit_test(test_zero_width_lines),
        cmocka_unit_test(test_rotation_turns_the_frame),
        cmocka_unit_test(test_detail_view_dims_the_slide),
        cmocka_unit_test(test_controls_appear_after_a_touch),
        cmocka_unit_test(test_slide_follows_the_finger),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
