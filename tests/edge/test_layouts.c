/* The corpora with real fonts: every string of blns.json and every line of UTF-8-test.txt in
 * every text field of a feed item (and as the community name in the header), parsed by the
 * real parser, laid out with SDL_ttf's metrics and fontconfig's fallback faces, and drawn by
 * the renderer on the offscreen driver, on every layout. No crash, no sanitizer report, and
 * every text op inside its region with no line wider than its box. The screens are small for
 * speed; the unit test covers the layouts' own screen sizes with stubbed metrics. */
#include "app.h"
#include "feed_parse.h"
#include "fonts.h"
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
#include <time.h>

#include <cmocka.h>

#include "../unit/layout_check.h"

static const struct {
    const char *layout;
    int w, h;
} runs[] = {
    {"landscape", 960, 540},
    {"landscape-small", 800, 480},
    {"portrait", 540, 960},
    {"portrait-small", 480, 800},
};

/* The strings of one corpus, as C strings (the NUL of UTF-8-test.txt line 71 ends that one
 * early; the unit test feeds it with its length). */
struct strings {
    char **s;
    size_t n;
};

static void add(struct strings *c, const char *s, size_t len)
{
    c->s = xrealloc(c->s, (c->n + 1) * sizeof *c->s);
    c->s[c->n++] = xstrndup(s, len);
}

static void strings_free(struct strings *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->s[i]);
    free(c->s);
}

static bool load(struct strings *blns, struct strings *utf8)
{
    const char *shared = getenv("PRIKBORD_SHARED_DIR");
    char path[1024];
    if (!shared)
        return false;
    snprintf(path, sizeof path, "%s/corpora/naughty-strings/blns.json", shared);
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    fclose(f);
    size_t len;
    char *json = read_all(path, &len);
    cJSON *list = cJSON_ParseWithLength(json, len);
    assert_non_null(list);
    const cJSON *v;
    cJSON_ArrayForEach(v, list) add(blns, v->valuestring, strlen(v->valuestring));
    cJSON_Delete(list);
    free(json);
    snprintf(path, sizeof path, "%s/corpora/utf8/UTF-8-test.txt", shared);
    char *text = read_all(path, &len);
    for (size_t at = 0; at < len;) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t end = nl ? (size_t)(nl - text) : len;
        add(utf8, text + at, end - at);
        at = end + 1;
    }
    free(text);
    return true;
}

static void add_person(cJSON *parent, const char *key, const char *s)
{
    cJSON *p = cJSON_AddObjectToObject(parent, key);
    cJSON_AddStringToObject(p, "name", s);
    cJSON_AddStringToObject(p, "role", s);
    cJSON_AddStringToObject(p, "team", s);
}

/* A feed with one item per string, the types in turn, every text field holding the string. */
static char *feed_of(const struct strings *c, size_t from, size_t n)
{
    static const char *const types[] = {"post", "introduction", "shoutout", "help_request"};
    cJSON *feed = cJSON_CreateObject();
    cJSON_AddNumberToObject(feed, "version", 1);
    cJSON *items = cJSON_AddArrayToObject(feed, "items");
    for (size_t i = from; i < from + n; i++) {
        const char *s = c->s[i];
        const char *type = types[i % ARRAY_LEN(types)];
        char id[32];
        snprintf(id, sizeof id, "x%zu", i);
        cJSON *it = cJSON_CreateObject();
        cJSON_AddStringToObject(it, "id", id);
        cJSON_AddStringToObject(it, "type", type);
        cJSON *g = cJSON_AddObjectToObject(it, "group");
        cJSON_AddStringToObject(g, "visibility", "open");
        cJSON_AddStringToObject(it, "published_at", "2026-11-20T09:00:00Z");
        cJSON_AddTrueToObject(it, "highlighted");
        if (strcmp(type, "shoutout") == 0) {
            add_person(it, "from", s);
            cJSON *to = cJSON_AddArrayToObject(it, "to");
            for (int k = 0; k < 3; k++) {
                cJSON *p = cJSON_CreateObject();
                cJSON_AddStringToObject(p, "name", s);
                cJSON_AddItemToArray(to, p);
            }
            cJSON_AddStringToObject(it, "message", s);
            cJSON_AddStringToObject(it, "badge", s);
        } else {
            add_person(it, strcmp(type, "introduction") == 0 ? "person" : "author", s);
            cJSON_AddStringToObject(it, "title", s);
            cJSON_AddStringToObject(it, "body", s);
        }
        if (strcmp(type, "help_request") == 0) {
            cJSON_AddStringToObject(it, "kind", i % 8 < 4 ? "ask" : "offer");
            cJSON *tags = cJSON_AddArrayToObject(it, "tags");
            cJSON_AddItemToArray(tags, cJSON_CreateString(s));
            cJSON_AddItemToArray(tags, cJSON_CreateString(s));
        }
        cJSON_AddItemToArray(items, it);
    }
    char *json = cJSON_PrintUnformatted(feed);
    cJSON_Delete(feed);
    return json;
}

/* Every text op of the header inside the band, its lines within the op. */
static void check_header_ops(const struct draw_list *d, const struct layout *l, int w, int h)
{
    struct rect band = px_rect(l->header, w, h);
    for (size_t i = 0; d && i < d->n; i++) {
        const struct draw_op *op = &d->ops[i];
        assert_true(rect_inside(op->r, band));
        if (op->kind != DRAW_TEXT)
            continue;
        assert_true(op->text->height <= op->r.h);
        for (size_t k = 0; k < op->text->n_lines; k++)
            if (op->text->lines[k].width > op->r.w)
                fail_msg("header line \"%s\" is %d px, its box %d", op->text->lines[k].s,
                         op->text->lines[k].width, op->r.w);
    }
}

/* Lays out and draws every item of the feed on layout l; returns how many were drawn. */
static size_t run_feed(struct renderer *rd, struct fonts *f, const struct layout *l, int w, int h,
                       const char *json, const char *community)
{
    char err[200];
    struct feed *feed = feed_parse(json, strlen(json), NULL, NULL, err, sizeof err);
    if (!feed)
        fail_msg("feed: %s", err);
    free(feed->community.name);
    feed->community.name = community && *community ? xstrdup(community) : NULL;
    struct app_options o = {.slide_ms = 1,
                            .max_slide_ms = 1,
                            .transition_ms = 0,
                            .max_fps = 30,
                            .lang = LANG_NL,
                            .clock_24h = true};
    struct app *a = app_create(&o, l, fonts_metrics(f), w, h);
    app_set_feed(a, feed, NULL, NULL);
    size_t shown = app_count_shown(a, 1795000000);
    struct tm local = {.tm_year = 126, .tm_mon = 10, .tm_mday = 20, .tm_wday = 5, .tm_hour = 9};
    for (size_t k = 0; k < shown; k++) {
        const struct item *it = app_show_next(a, (int64_t)k * 10, 1795000000);
        app_tick(a, (int64_t)k * 10, 1795000000, &local);
        struct app_frame fr;
        app_frame(a, &fr);
        assert_non_null(it);
        check_ops(fr.to, l, (enum slide_kind)it->type, w, h);
        check_header_ops(fr.header, l, w, h);
        assert_true(renderer_draw(rd, &fr, NULL, NULL));
    }
    app_destroy(a);
    return shown;
}

static void test_corpora_with_real_fonts(void **state)
{
    (void)state;
    struct strings blns = {0}, utf8 = {0};
    if (!load(&blns, &utf8))
        skip();
    struct layout **ls;
    size_t n = load_layouts(&ls);
    assert_int_equal(n, ARRAY_LEN(runs));
    clock_t t0 = clock();
    size_t total = 0;
    for (size_t r = 0; r < ARRAY_LEN(runs); r++) {
        const struct layout *l = NULL;
        for (size_t i = 0; i < n; i++)
            if (strcmp(ls[i]->name, runs[r].layout) == 0)
                l = ls[i];
        assert_non_null(l);
        int w = runs[r].w, h = runs[r].h;
        char err[256];
        /* The software renderer: the same renderer code, without llvmpipe's cost of a texture
         * per text run (the reference test covers OpenGL). */
        struct platform_options po = {.headless = true, .w = w, .h = h, .software = true};
        struct platform *p = platform_create(&po, err, sizeof err);
        if (!p)
            fail_msg("platform: %s", err);
        struct fonts *f = fonts_create(l->font, err, sizeof err);
        if (!f)
            fail_msg("fonts: %s", err);
        struct renderer *rd = renderer_create(platform_sdl_renderer(p), f);
        const struct strings *sets[] = {&blns, &utf8};
        size_t drawn = 0;
        for (size_t s = 0; s < ARRAY_LEN(sets); s++) {
            /* at most FEED_MAX_ITEMS items per feed */
            for (size_t from = 0; from < sets[s]->n; from += FEED_MAX_ITEMS) {
                size_t k = sets[s]->n - from < FEED_MAX_ITEMS ? sets[s]->n - from : FEED_MAX_ITEMS;
                char *json = feed_of(sets[s], from, k);
                drawn += run_feed(rd, f, l, w, h, json, sets[s]->s[(from + r) % sets[s]->n]);
                cJSON_free(json);
            }
        }
        /* Items whose name sanitises to nothing are refused by the parser; the rest is drawn. */
        printf("%s at %dx%d: %zu of %zu corpus items drawn with real fonts\n", l->name, w, h, drawn,
               blns.n + utf8.n);
        assert_true(drawn > (blns.n + utf8.n) * 3 / 4);
        total += drawn;
        renderer_destroy(rd);
        fonts_destroy(f);
        platform_destroy(p);
    }
    printf("%zu slides in %.1f s\n", total, (double)(clock() - t0) / CLOCKS_PER_SEC);
    free_layouts(ls, n);
    strings_free(&blns);
    strings_free(&utf8);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpora_with_real_fonts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
