/* layout: the shipped layout files parse, broken ones are refused with the path of what is
 * wrong, their colours are readable, and the draw lists they give for every slide type and
 * common screen size stay on the screen, fit their text and put avatars where the layout says.
 * Text is measured with the stub metrics. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "feed_parse.h"
#include "layout.h"
#include "layout_check.h"
#include "stub_metrics.h"
#include "util.h"

#include <cjson/cJSON.h>

#include <assert.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    int w, h;
} screens[] = {{1920, 1080}, {1280, 720}, {3840, 2160}, {800, 480}};

static const struct rgba white = {255, 255, 255, 255};

/* ---- files ---- */

static char *landscape_json(size_t *len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/layouts/landscape.json", source_dir());
    return read_all(path, len);
}

/* ---- items ---- */

static struct person person_of(const char *name, const char *role, const char *team,
                               const char *avatar)
{
    return (struct person){.id = xstrdup(name),
                           .name = xstrdup(name),
                           .role = xstrdup(role),
                           .team = xstrdup(team),
                           .avatar_url = xstrdup(avatar),
                           .start_date = TIME_NONE};
}

static struct item item_base(const char *id, enum item_type type)
{
    return (struct item){
        .id = xstrdup(id),
        .type = type,
        .group = {.id = xstrdup("g1"), .name = xstrdup("Iedereen")},
        .published_at = 1764000000,
        .show_from = TIME_NONE,
        .expires_at = TIME_NONE,
        .likes = -1,
        .comments = -1,
        .author = {.start_date = TIME_NONE},
        .person = {.start_date = TIME_NONE},
        .from = {.start_date = TIME_NONE},
        .until = TIME_NONE,
    };
}

#define AVATAR_ZOE  "https://example.com/avatars/zoe.jpg"
#define POST_IMAGE  "https://example.com/images/borrel.jpg"
#define INTRO_IMAGE "https://example.com/images/ijsbrand.jpg"

static struct item post_item(void)
{
    struct item it = item_base("p-1", ITEM_POST);
    it.author = person_of("Zo\xC3\xAB van den Berg", "Office manager", "Facilitair", AVATAR_ZOE);
    it.title = xstrdup("Vrijdagmiddagborrel op het dakterras");
    it.body = xstrdup("Vanaf 16:00 staan de bitterballen klaar. Neem je collega's mee, ook "
                      "die van het andere gebouw \xF0\x9F\x8E\x89\n\nBij regen verhuizen we "
                      "naar de kantine op de begane grond.");
    it.image_url = xstrdup(POST_IMAGE);
    it.likes = 12;
    it.comments = 3;
    return it;
}

static struct item introduction_item(void)
{
    struct item it = item_base("i-1", ITEM_INTRODUCTION);
    it.person = person_of("\xC4\xB2sbrand Kuipers", "Backend developer", "Platform",
                          "https://example.com/avatars/ijsbrand.jpg");
    it.person.start_date = 1764547200; /* 2025-12-01 */
    it.body = xstrdup("Ik kom uit Leeuwarden, fiets elke dag en zoek nog een schaakmaatje.");
    it.image_url = xstrdup(INTRO_IMAGE);
    return it;
}

static struct item shoutout_item(size_t n_to)
{
    struct item it = item_base("s-1", ITEM_SHOUTOUT);
    it.from = person_of("Mohammed El Amrani", "Teamlead", "Support", AVATAR_ZOE);
    it.to = xcalloc(n_to, sizeof *it.to);
    it.n_to = n_to;
    for (size_t i = 0; i < n_to; i++) {
        char name[32], url[64];
        snprintf(name, sizeof name, "Collega %zu", i + 1);
        snprintf(url, sizeof url, "https://example.com/to/%zu.jpg", i + 1);
        it.to[i] = person_of(name, NULL, NULL, url);
    }
    it.message = xstrdup("Dank voor het oppakken van de storing midden in de nacht!");
    it.badge = xstrdup("teamwork");
    return it;
}

static struct item help_item(enum help_kind kind)
{
    struct item it = item_base(kind == HELP_OFFER ? "h-2" : "h-1", ITEM_HELP_REQUEST);
    it.author = person_of("Zo\xC3\xAB van den Berg", NULL, "Facilitair", AVATAR_ZOE);
    it.kind = kind;
    it.title = xstrdup("Wie kan helpen met het inrichten van de nieuwe vergaderruimte?");
    it.body = xstrdup("We zoeken twee mensen met een boormachine en een vrije middag.");
    it.tags = xcalloc(2, sizeof *it.tags);
    it.tags[0] = xstrdup("klussen");
    it.tags[1] = xstrdup("kantoor");
    it.n_tags = 2;
    it.until = 1765497600;
    return it;
}

/* ---- environment ---- */

static bool has_none(void *ctx, const char *url)
{
    (void)ctx;
    (void)url;
    return false;
}

static bool has_all(void *ctx, const char *url)
{
    (void)ctx;
    (void)url;
    return true;
}

/* ctx: a NULL-terminated list of the URLs that are decoded. */
static bool has_listed(void *ctx, const char *url)
{
    for (const char *const *u = ctx; *u; u++)
        if (strcmp(*u, url) == 0)
            return true;
    return false;
}

static struct layout_env env_for(const struct layout *l, int w, int h,
                                 bool (*has)(void *, const char *), void *ctx)
{
    return (struct layout_env){.layout = l,
                               .metrics = stub_metrics(),
                               .w = w,
                               .h = h,
                               .lang = LANG_NL,
                               .now = 1764600000,
                               .has_image = has,
                               .ctx = ctx};
}

/* The first text op whose first line starts with prefix, or NULL. */
static const struct draw_op *text_op(const struct draw_list *d, const char *prefix)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->ops[i].kind == DRAW_TEXT && d->ops[i].text->n_lines &&
            strncmp(d->ops[i].text->lines[0].s, prefix, strlen(prefix)) == 0)
            return &d->ops[i];
    return NULL;
}

static const struct draw_op *image_op(const struct draw_list *d, const char *url)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->ops[i].kind == DRAW_IMAGE && strcmp(d->ops[i].url, url) == 0)
            return &d->ops[i];
    return NULL;
}

static size_t count_kind(const struct draw_list *d, enum draw_kind k)
{
    size_t n = 0;
    for (size_t i = 0; i < d->n; i++)
        n += d->ops[i].kind == k;
    return n;
}

/* The placeholder avatar: a circle (or rounded rect) in the name's colour, then the initials
 * centred in it. Returns the index of the circle. */
static size_t assert_placeholder_at(const struct draw_list *d, struct rect where, const char *name,
                                    const char *initials)
{
    for (size_t i = 0; i + 1 < d->n; i++) {
        const struct draw_op *op = &d->ops[i];
        if (op->kind != DRAW_RECT || !rect_equal(op->r, where))
            continue;
        assert_true(color_equal(op->color, layout_name_color(name)));
        const struct draw_op *t = &d->ops[i + 1];
        assert_int_equal(t->kind, DRAW_TEXT);
        assert_int_equal(t->text->n_lines, 1);
        assert_string_equal(t->text->lines[0].s, initials);
        assert_true(color_equal(t->color, white));
        assert_int_equal(t->align, ALIGN_CENTER);
        assert_int_equal(t->r.x, where.x);
        assert_int_equal(t->r.w, where.w);
        assert_true(rect_inside(t->r, where));
        return i;
    }
    fail_msg("no placeholder for %s at %d,%d %dx%d", name, where.x, where.y, where.w, where.h);
    return 0;
}

/* ---- parsing ---- */

static void test_builtin_layout(void **state)
{
    (void)state;
    struct layout *l = layout_builtin();
    assert_non_null(l);
    assert_string_equal(l->name, "landscape");
    assert_string_equal(l->font, "Noto Sans");
    for (int k = 0; k < SLIDE_KIND_COUNT; k++)
        assert_true(l->slides[k][REG_CARD].present);
    assert_true(l->slides[SLIDE_POST][REG_AVATAR].circle);
    assert_true(l->slides[SLIDE_POST][REG_TITLE].has_rect_no_photo);
    assert_int_equal(l->slides[SLIDE_POST][REG_BODY].follows, REG_TITLE);
    assert_false(l->slides[SLIDE_INTRODUCTION][REG_AVATAR].present);
    layout_destroy(l);
    layout_destroy(NULL);
}

static void test_landscape_file_parses(void **state)
{
    (void)state;
    size_t len;
    char *json = landscape_json(&len);
    char err[256] = "";
    struct layout *l = layout_parse(json, len, err, sizeof err);
    if (!l)
        fail_msg("landscape.json: %s", err);
    struct layout *b = layout_builtin();
    assert_string_equal(l->name, b->name);
    assert_memory_equal(l->colors, b->colors, sizeof l->colors);
    assert_memory_equal(l->type_colors, b->type_colors, sizeof l->type_colors);
    assert_true(fabsf(l->min_aspect - 1.3f) < 1e-6f);
    assert_true(fabsf(l->max_aspect - 2.5f) < 1e-6f);
    const struct region *a = &l->slides[SLIDE_POST][REG_AVATAR];
    assert_true(fabsf(a->rect.x - 0.06f) < 1e-6f && fabsf(a->rect.h - 0.0889f) < 1e-6f);
    layout_destroy(b);
    layout_destroy(l);
    free(json);
}

/* Parses landscape.json with the member at path (dot-separated) set to value (JSON text; NULL
 * removes it) and checks that the layout is refused with an error starting with want. */
static void expect_refused(const char *path, const char *value, const char *want)
{
    size_t len;
    char *json = landscape_json(&len);
    cJSON *root = cJSON_Parse(json);
    assert_non_null(root);
    cJSON *parent = root;
    char *p = xstrdup(path), *save = NULL;
    char *key = strtok_r(p, ".", &save), *next;
    while ((next = strtok_r(NULL, ".", &save)) != NULL) {
        parent = cJSON_GetObjectItemCaseSensitive(parent, key);
        assert_non_null(parent);
        key = next;
    }
    cJSON_DeleteItemFromObjectCaseSensitive(parent, key);
    if (value) {
        cJSON *v = cJSON_Parse(value);
        assert_non_null(v);
        cJSON_AddItemToObject(parent, key, v);
    }
    char *text = cJSON_PrintUnformatted(root);
    char err[256] = "";
    struct layout *l = layout_parse(text, strlen(text), err, sizeof err);
    if (l || strncmp(err, want, strlen(want)) != 0)
        fail_msg("%s = %s: got %s \"%s\", want \"%s...\"", path, value ? value : "(removed)",
                 l ? "a layout and" : "NULL and", err, want);
    cJSON_free(text);
    cJSON_Delete(root);
    free(p);
    free(json);
}

static void test_parse_errors_name_the_path(void **state)
{
    (void)state;
    expect_refused("slides.post.title.size", "\"big\"", "slides.post.title.size: ");
    expect_refused("slides.post.title.size", "5", "slides.post.title.size: ");
    expect_refused("slides.post.title.size", "0", "slides.post.title.size: ");
    expect_refused("slides.shoutout.body.min_size", "-0.1", "slides.shoutout.body.min_size: ");
    expect_refused("theme.colors.text", "\"red\"", "theme.colors.text: ");
    expect_refused("theme.colors.text", "\"#12345\"", "theme.colors.text: ");
    expect_refused("theme.colors.text", "\"#GG0000\"", "theme.colors.text: ");
    expect_refused("theme.colors.text", "42", "theme.colors.text: ");
    expect_refused("theme.colors.sparkle", "\"#FFFFFF\"", "theme.colors.sparkle: unknown");
    expect_refused("theme.type_colors.event", "\"#FFFFFF\"", "theme.type_colors.event: unknown");
    expect_refused("slides.post.sidebar", "{\"rect\": [0, 0, 0.1, 0.1]}",
                   "slides.post.sidebar: unknown region");
    /* A post has no meta region: its body cannot flow below one. */
    expect_refused("slides.post.body.follows", "\"meta\"",
                   "slides.post.body.follows: \"meta\" is not a region of this slide");
    expect_refused("slides.post.body.follows", "\"body\"", "slides.post.body.follows: ");
    /* name -> body -> meta -> role -> name: no region of the circle has a place to start. */
    expect_refused("slides.introduction.name.follows", "\"body\"",
                   "slides.introduction.name.follows: the regions follow each other in a circle");
    expect_refused("slides.post.body.follows", "\"sidebar\"", "slides.post.body.follows: ");
    expect_refused("slides.post.card.rect", "[0, 0, 1]", "slides.post.card.rect: ");
    expect_refused("slides.post.card.rect", "[0, 0, 1, \"x\"]", "slides.post.card.rect: ");
    expect_refused("slides.post.card.rect", "[0, 0, -1, 1]", "slides.post.card.rect: ");
    expect_refused("slides.post.name.weight", "\"black\"", "slides.post.name.weight: ");
    expect_refused("slides.post.name.align", "\"justify\"", "slides.post.name.align: ");
    expect_refused("slides.post.name.max_lines", "-1", "slides.post.name.max_lines: ");
    expect_refused("slides.post.name", "[]", "slides.post.name: ");
    expect_refused("header.clock.color", "\"neon\"", "header.clock.color: ");
    expect_refused("slides.status", NULL, "slides.status: missing");
    expect_refused("name", NULL, "name: missing");
    expect_refused("header", NULL, "header: missing");

    static const char *const broken[] = {"",   "{", "{\"name\": ", "[1, 2", "{\"name\": \"x\",}",
                                         "nul"};
    for (size_t i = 0; i < ARRAY_LEN(broken); i++) {
        char err[128] = "";
        struct layout *l = layout_parse(broken[i], strlen(broken[i]), err, sizeof err);
        assert_null(l);
        if (strncmp(err, "invalid JSON", 12) != 0)
            fail_msg("\"%s\": got \"%s\"", broken[i], err);
    }
    char err[128] = "";
    assert_null(layout_parse("[]", 2, err, sizeof err));
    assert_true(err[0] != '\0');
    /* A small error buffer is never overrun (ASan watches). */
    char tiny[8];
    assert_null(layout_parse("{", 1, tiny, sizeof tiny));
    assert_true(strlen(tiny) < sizeof tiny);
}

/* ---- contrast ---- */

static void expect_contrast(const char *file, const char *what, struct rgba fg, struct rgba bg)
{
    double c = color_contrast(fg, bg);
    if (c < 4.5)
        fail_msg("%s: %s has contrast %.2f:1, below 4.5:1", file, what, c);
}

static void test_color_contrast_maths(void **state)
{
    (void)state;
    struct rgba black = {0, 0, 0, 255};
    assert_true(fabs(color_contrast(black, white) - 21.0) < 1e-9);
    assert_true(fabs(color_contrast(white, black) - 21.0) < 1e-9);
    assert_true(fabs(color_contrast(white, white) - 1.0) < 1e-9);
    /* #777777 on white is the textbook 4.48:1. */
    struct rgba grey = {0x77, 0x77, 0x77, 255};
    assert_true(fabs(color_contrast(grey, white) - 4.48) < 0.01);
}

static void test_layout_name_color(void **state)
{
    (void)state;
    /* Stable for a name, and dark enough for white initials whatever the name. */
    assert_true(color_equal(layout_name_color("Zo\xC3\xAB"), layout_name_color("Zo\xC3\xAB")));
    layout_name_color(NULL);
    size_t distinct = 0;
    struct rgba seen[64];
    for (int i = 0; i < 2000; i++) {
        char name[32];
        snprintf(name, sizeof name, "Collega %d", i);
        struct rgba c = layout_name_color(name);
        expect_contrast("palette", name, white, c);
        assert_int_equal(c.a, 255);
        bool known = false;
        for (size_t k = 0; k < distinct; k++)
            known = known || color_equal(seen[k], c);
        if (!known && distinct < ARRAY_LEN(seen))
            seen[distinct++] = c;
    }
    assert_true(distinct >= 4); /* the names are spread over a palette, not one colour */
}

/* What a slide's text region is drawn on: the card when it lies on it, else the background. */
static struct rgba backdrop(const struct layout *l, enum slide_kind k, const struct region *r)
{
    const struct region *card = &l->slides[k][REG_CARD];
    struct rect px = px_rect(r->rect, 10000, 10000), card_px = px_rect(card->rect, 10000, 10000);
    if (card->present && rect_inside(px, card_px))
        return l->colors[card->fill == COL_COUNT ? COL_SURFACE : card->fill];
    return l->colors[COL_BACKGROUND];
}

static void test_contrast_of_every_layout_file(void **state)
{
    (void)state;
    char **files;
    size_t n = layout_files(&files);
    assert_true(n >= 1);
    for (size_t f = 0; f < n; f++) {
        size_t len;
        char *json = read_all(files[f], &len);
        char err[256] = "";
        struct layout *l = layout_parse(json, len, err, sizeof err);
        if (!l)
            fail_msg("%s: %s", files[f], err);
        const struct rgba *c = l->colors;
        expect_contrast(files[f], "text on surface", c[COL_TEXT], c[COL_SURFACE]);
        expect_contrast(files[f], "muted on surface", c[COL_MUTED], c[COL_SURFACE]);
        expect_contrast(files[f], "accent on surface", c[COL_ACCENT], c[COL_SURFACE]);
        expect_contrast(files[f], "header_text on header_background", c[COL_HEADER_TEXT],
                        c[COL_HEADER_BACKGROUND]);
        for (int t = 0; t < ITEM_TYPE_COUNT; t++) {
            char what[64];
            snprintf(what, sizeof what, "on_accent on the %s colour",
                     item_type_name((enum item_type)t));
            expect_contrast(files[f], what, c[COL_ON_ACCENT], l->type_colors[t]);
        }
        /* Every text region on what it is drawn on (the footer sits below the card). */
        static const enum region_id text_regions[] = {REG_NAME,      REG_ROLE,  REG_META,
                                                      REG_TITLE,     REG_BODY,  REG_BADGE,
                                                      REG_REACTIONS, REG_FOOTER};
        for (int k = 0; k < SLIDE_KIND_COUNT; k++) {
            for (size_t i = 0; i < ARRAY_LEN(text_regions); i++) {
                const struct region *r = &l->slides[k][text_regions[i]];
                if (!r->present)
                    continue;
                char what[96];
                snprintf(what, sizeof what, "slide %d %s (%s)", k, region_name(text_regions[i]),
                         color_role_name(r->color));
                expect_contrast(files[f], what, c[r->color], backdrop(l, (enum slide_kind)k, r));
            }
        }
        const struct region *hdr[] = {&l->header_title, &l->header_date, &l->header_clock};
        for (size_t i = 0; i < ARRAY_LEN(hdr); i++)
            if (hdr[i]->present)
                expect_contrast(files[f], "header text", c[hdr[i]->color],
                                c[COL_HEADER_BACKGROUND]);
        layout_destroy(l);
        free(json);
        free(files[f]);
    }
    free(files);
}

/* ---- slides ---- */

static struct item make_item(enum item_type t)
{
    switch (t) {
    case ITEM_POST:
        return post_item();
    case ITEM_INTRODUCTION:
        return introduction_item();
    case ITEM_SHOUTOUT:
        return shoutout_item(3);
    case ITEM_HELP_REQUEST:
    case ITEM_TYPE_COUNT:
        break;
    }
    return help_item(HELP_ASK);
}

static void test_every_slide_fits_every_screen(void **state)
{
    (void)state;
    struct layout *l = layout_builtin();
    bool (*const has[])(void *, const char *) = {has_none, has_all};
    for (size_t s = 0; s < ARRAY_LEN(screens); s++) {
        int w = screens[s].w, h = screens[s].h;
        for (int t = 0; t < ITEM_TYPE_COUNT; t++) {
            struct item it = make_item((enum item_type)t);
            for (size_t k = 0; k < ARRAY_LEN(has); k++) {
                struct layout_env e = env_for(l, w, h, has[k], NULL);
                struct draw_list *d = layout_slide(&e, &it, 2, 7);
                assert_true(color_equal(d->clear, l->colors[COL_BACKGROUND]));
                check_ops(d, l, (enum slide_kind)t, w, h);
                assert_non_null(text_op(d, "2 / 7"));
                draw_list_destroy(d);
                /* No page indicator when pages is 0. */
                d = layout_slide(&e, &it, 0, 0);
                assert_null(text_op(d, "0 / 0"));
                draw_list_destroy(d);
            }
            item_clear(&it);
        }
    }
    layout_destroy(l);
}

static void test_long_texts_still_fit(void **state)
{
    (void)state;
    /* Worst cases: every text far too long for its box; all must shrink or be cut, never
     * spill. */
    struct strbuf longtext = {0};
    for (int i = 0; i < 300; i++)
        strbuf_appends(&longtext, "verzekeringsmaatschappij \xF0\x9F\x8E\x89 lorem ");
    strbuf_appends(&longtext, "\n\nslot");
    struct layout *l = layout_builtin();
    for (size_t s = 0; s < ARRAY_LEN(screens); s++) {
        int w = screens[s].w, h = screens[s].h;
        for (int t = 0; t < ITEM_TYPE_COUNT; t++) {
            struct item it = make_item((enum item_type)t);
            struct person *p = (struct person *)item_main_person(&it);
            free(p->name);
            p->name = xstrdup(longtext.data);
            free(p->role);
            p->role = xstrdup(longtext.data);
            free(it.title);
            it.title = xstrdup(longtext.data);
            free(it.body);
            it.body = xstrdup(longtext.data);
            free(it.message);
            it.message = xstrdup(longtext.data);
            free(it.badge);
            it.badge = xstrdup(longtext.data);
            it.likes = 123456789;
            it.comments = 987654321;
            struct layout_env e = env_for(l, w, h, has_none, NULL);
            struct draw_list *d = layout_slide(&e, &it, 999, 999);
            check_ops(d, l, (enum slide_kind)t, w, h);
            draw_list_destroy(d);
            item_clear(&it);
        }
    }
    strbuf_free(&longtext);
    layout_destroy(l);
}

/* The avatar region of slide kind k for person name: a placeholder without images, the avatar
 * URL with them. */
static void check_avatar(enum item_type type, const char *name, const char *initials)
{
    struct layout *l = layout_builtin();
    const struct region *r = &l->slides[type][REG_AVATAR];
    assert_true(r->present);
    for (size_t s = 0; s < ARRAY_LEN(screens); s++) {
        int w = screens[s].w, h = screens[s].h;
        struct rect where = px_rect(r->rect, w, h);
        if (r->circle)
            where = circle_in(where);
        struct item it = make_item(type);
        struct layout_env e = env_for(l, w, h, has_none, NULL);
        struct draw_list *d = layout_slide(&e, &it, 1, 1);
        size_t at = assert_placeholder_at(d, where, name, initials);
        if (r->circle)
            assert_int_equal(d->ops[at].radius, where.w / 2);
        assert_null(image_op(d, AVATAR_ZOE));
        draw_list_destroy(d);

        /* Only the avatar is decoded: it is drawn exactly there, and no placeholder. */
        const char *only[] = {AVATAR_ZOE, NULL};
        e = env_for(l, w, h, has_listed, only);
        d = layout_slide(&e, &it, 1, 1);
        const struct draw_op *img = image_op(d, AVATAR_ZOE);
        assert_non_null(img);
        assert_true(rect_equal(img->r, where));
        if (r->circle)
            assert_int_equal(img->radius, where.w / 2);
        for (size_t i = 0; i < d->n; i++)
            assert_false(d->ops[i].kind == DRAW_RECT && rect_equal(d->ops[i].r, where));
        draw_list_destroy(d);
        item_clear(&it);
    }
    layout_destroy(l);
}

static void test_avatar_where_the_layout_says(void **state)
{
    (void)state;
    check_avatar(ITEM_POST, "Zo\xC3\xAB van den Berg", "ZB");
    check_avatar(ITEM_HELP_REQUEST, "Zo\xC3\xAB van den Berg", "ZB");
    check_avatar(ITEM_SHOUTOUT, "Mohammed El Amrani", "MA");
}

static void test_post_photo_or_wide_text(void **state)
{
    (void)state;
    struct layout *l = layout_builtin();
    const struct region *title = &l->slides[SLIDE_POST][REG_TITLE];
    const struct region *body = &l->slides[SLIDE_POST][REG_BODY];
    const struct region *photo = &l->slides[SLIDE_POST][REG_PHOTO];
    for (size_t s = 0; s < ARRAY_LEN(screens); s++) {
        int w = screens[s].w, h = screens[s].h;
        struct item it = post_item();

        /* The photo is not decoded (or failed): no hole, the text takes the whole width. */
        const char *avatar_only[] = {AVATAR_ZOE, NULL};
        struct layout_env e = env_for(l, w, h, has_listed, avatar_only);
        struct draw_list *d = layout_slide(&e, &it, 1, 1);
        assert_null(image_op(d, POST_IMAGE));
        const struct draw_op *t = text_op(d, "Vrijdagmiddagborrel");
        assert_non_null(t);
        struct rect wide = px_rect(title->rect_no_photo, w, h);
        assert_int_equal(t->r.x, wide.x);
        assert_int_equal(t->r.w, wide.w);
        assert_true(rect_inside(t->r, wide));
        const struct draw_op *b = text_op(d, "Vanaf");
        assert_non_null(b);
        struct rect wide_body = px_rect(body->rect_no_photo, w, h);
        assert_int_equal(b->r.x, wide_body.x);
        assert_int_equal(b->r.w, wide_body.w);
        assert_true(b->r.y >= t->r.y + t->r.h); /* the body flows below the title */
        assert_true(b->r.y + b->r.h <= wide_body.y + wide_body.h);
        check_ops(d, l, SLIDE_POST, w, h);
        draw_list_destroy(d);

        /* With the photo: the photo region, and the narrow text column beside it. */
        e = env_for(l, w, h, has_all, NULL);
        d = layout_slide(&e, &it, 1, 1);
        const struct draw_op *img = image_op(d, POST_IMAGE);
        assert_non_null(img);
        assert_true(rect_equal(img->r, px_rect(photo->rect, w, h)));
        t = text_op(d, "Vrijdagmiddag");
        assert_non_null(t);
        struct rect narrow = px_rect(title->rect, w, h);
        assert_int_equal(t->r.x, narrow.x);
        assert_int_equal(t->r.w, narrow.w);
        assert_true(t->r.x + t->r.w <= img->r.x);
        check_ops(d, l, SLIDE_POST, w, h);
        draw_list_destroy(d);

        /* No image_url at all: the same as an undecodable one. */
        free(it.image_url);
        it.image_url = NULL;
        d = layout_slide(&e, &it, 1, 1);
        t = text_op(d, "Vrijdagmiddagborrel");
        assert_int_equal(t->r.w, wide.w);
        assert_int_equal(count_kind(d, DRAW_IMAGE), 1); /* the avatar */
        draw_list_destroy(d);
        item_clear(&it);
    }
    layout_destroy(l);
}

static void test_introduction_placeholder(void **state)
{
    (void)state;
    struct layout *l = layout_builtin();
    const struct region *photo = &l->slides[SLIDE_INTRODUCTION][REG_PHOTO];
    for (size_t s = 0; s < ARRAY_LEN(screens); s++) {
        int w = screens[s].w, h = screens[s].h;
        struct rect where = px_rect(photo->rect, w, h);
        if (photo->circle)
            where = circle_in(where);
        struct item it = introduction_item();

        /* Neither the photo nor the avatar: big initials on the name's colour, in the photo
         * region, never an empty hole. */
        struct layout_env e = env_for(l, w, h, has_none, NULL);
        struct draw_list *d = layout_slide(&e, &it, 1, 1);
        size_t at = assert_placeholder_at(d, where, "\xC4\xB2sbrand Kuipers", "\xC4\xB2K");
        int side = where.w < where.h ? where.w : where.h;
        assert_true(d->ops[at + 1].text->px >= side / 4);
        assert_int_equal(count_kind(d, DRAW_IMAGE), 0);
        check_ops(d, l, SLIDE_INTRODUCTION, w, h);
        draw_list_destroy(d);

        /* Only the avatar: it fills the photo region. */
        const char *avatar_only[] = {it.person.avatar_url, NULL};
        e = env_for(l, w, h, has_listed, avatar_only);
        d = layout_slide(&e, &it, 1, 1);
        const struct draw_op *img = image_op(d, it.person.avatar_url);
        assert_non_null(img);
        assert_true(rect_equal(img->r, where));
        draw_list_destroy(d);

        /* The photo wins over the avatar. */
        e = env_for(l, w, h, has_all, NULL);
        d = layout_slide(&e, &it, 1, 1);
        img = image_op(d, INTRO_IMAGE);
        assert_non_null(img);
        assert_true(rect_equal(img->r, where));
        assert_int_equal(count_kind(d, DRAW_IMAGE), 1);
        /* Started on 1 December (now is after it). */
        assert_non_null(text_op(d, "Begonnen op 1 december"));
        draw_list_destroy(d);

        /* A start date after now says "starts". */
        it.person.start_date = 1767225600; /* 2026-01-01 */
        d = layout_slide(&e, &it, 1, 1);
        assert_non_null(text_op(d, "Begint op 1 januari"));
        draw_list_destroy(d);
        item_clear(&it);
    }
    layout_destroy(l);
}

static void test_shoutout_many_recipients(void **state)
{
    (void)state;
    struct layout *l = layout_builtin();
    const struct region *rr = &l->slides[SLIDE_SHOUTOUT][REG_RECIPIENTS];
    const struct region *ar = &l->slides[SLIDE_SHOUTOUT][REG_AVATAR];
    bool (*const has[])(void *, const char *) = {has_none, has_all};
    for (size_t s = 0; s < ARRAY_LEN(screens); s++) {
        int w = screens[s].w, h = screens[s].h;
        struct rect region = px_rect(rr->rect, w, h);
        struct rect from_avatar = circle_in(px_rect(ar->rect, w, h));
        struct item it = shoutout_item(20);
        for (size_t k = 0; k < ARRAY_LEN(has); k++) {
            struct layout_env e = env_for(l, w, h, has[k], NULL);
            struct draw_list *d = layout_slide(&e, &it, 1, 1);
            check_ops(d, l, SLIDE_SHOUTOUT, w, h);
            size_t avatars = 0;
            int prev_right = INT32_MIN;
            for (size_t i = 0; i < d->n; i++) {
                const struct draw_op *op = &d->ops[i];
                bool disc =
                    op->r.w == op->r.h && op->radius == op->r.w / 2 && op->kind != DRAW_TEXT;
                bool recipient_url = op->kind == DRAW_IMAGE && strstr(op->url, "/to/") != NULL;
                if (!disc && !recipient_url)
                    continue;
                if (rect_equal(op->r, from_avatar))
                    continue; /* the sender, in the avatar region */
                if (!rect_inside(op->r, region))
                    fail_msg("%dx%d: recipient avatar at %d,%d %dx%d outside %d,%d %dx%d", w, h,
                             op->r.x, op->r.y, op->r.w, op->r.h, region.x, region.y, region.w,
                             region.h);
                assert_true(op->r.x >= prev_right); /* side by side, never overlapping */
                prev_right = op->r.x + op->r.w;
                avatars++;
            }
            assert_true(avatars >= 1);
            assert_true(avatars < 20); /* 20 do not fit in one row */
            /* The names are all there in the title, even those without an avatar. */
            const struct draw_op *t = text_op(d, "Aan Collega 1");
            assert_non_null(t);
            /* The sender. */
            assert_non_null(text_op(d, "Van Mohammed"));
            draw_list_destroy(d);
        }
        item_clear(&it);
    }
    layout_destroy(l);
}

static void test_help_request_ask_and_offer(void **state)
{
    (void)state;
    struct layout *l = layout_builtin();
    struct item ask = help_item(HELP_ASK), offer = help_item(HELP_OFFER);
    struct layout_env e = env_for(l, 1920, 1080, has_none, NULL);
    struct draw_list *da = layout_slide(&e, &ask, 1, 2), *doff = layout_slide(&e, &offer, 2, 2);
    /* After the card comes the type pill, then its text. */
    assert_int_equal(da->ops[1].kind, DRAW_RECT);
    assert_int_equal(doff->ops[1].kind, DRAW_RECT);
    assert_false(color_equal(da->ops[1].color, doff->ops[1].color));
    assert_int_equal(da->ops[2].kind, DRAW_TEXT);
    assert_int_equal(doff->ops[2].kind, DRAW_TEXT);
    assert_string_equal(da->ops[2].text->lines[0].s, tr(LANG_NL, STR_LABEL_HELP_ASK));
    assert_string_equal(doff->ops[2].text->lines[0].s, tr(LANG_NL, STR_LABEL_HELP_OFFER));
    /* The tags and the until date share the meta line. */
    assert_non_null(text_op(da, "#klussen  #kantoor"));
    check_ops(da, l, SLIDE_HELP_REQUEST, 1920, 1080);
    check_ops(doff, l, SLIDE_HELP_REQUEST, 1920, 1080);
    draw_list_destroy(da);
    draw_list_destroy(doff);
    item_clear(&ask);
    item_clear(&offer);
    layout_destroy(l);
}

static void test_status_and_header(void **state)
{
    (void)state;
    struct layout *l = layout_builtin();
    for (size_t s = 0; s < ARRAY_LEN(screens); s++) {
        int w = screens[s].w, h = screens[s].h;
        struct layout_env e = env_for(l, w, h, has_none, NULL);
        struct draw_list *d =
            layout_status(&e, "Even geduld", "Het prikbord haalt de laatste berichten op.");
        check_ops(d, l, SLIDE_STATUS, w, h);
        assert_int_equal(count_kind(d, DRAW_TEXT), 2);
        const struct draw_op *title = text_op(d, "Even geduld");
        assert_non_null(title);
        assert_int_equal(title->align, ALIGN_CENTER);
        assert_non_null(text_op(d, "Het prikbord"));
        draw_list_destroy(d);

        d = layout_header(&e, "Gemeente Zwolle", "donderdag 27 november", "09:41");
        struct rect band = layout_header_rect(&e);
        assert_true(rect_equal(band, px_rect(l->header, w, h)));
        assert_int_equal(count_kind(d, DRAW_TEXT), 3);
        static const char *const texts[] = {"Gemeente Zwolle", "donderdag 27 november", "09:41"};
        for (size_t i = 0; i < ARRAY_LEN(texts); i++) {
            const struct draw_op *op = text_op(d, texts[i]);
            assert_non_null(op);
            assert_true(rect_inside(op->r, band));
            assert_true(color_equal(op->color, l->colors[COL_HEADER_TEXT]));
            for (size_t k = 0; k < op->text->n_lines; k++)
                assert_true(op->text->lines[k].width <= op->r.w);
        }
        for (size_t i = 0; i < d->n; i++)
            assert_true(rect_inside(d->ops[i].r, (struct rect){0, 0, w, h}));
        draw_list_destroy(d);

        /* Missing strings leave their place empty. */
        d = layout_header(&e, "Gemeente Zwolle", "", NULL);
        assert_int_equal(count_kind(d, DRAW_TEXT), 1);
        draw_list_destroy(d);
    }
    draw_list_destroy(NULL);
    layout_destroy(l);
}

/* ---- every layout file ---- */

/* Screens from the field, and the layout each must get. For the last few no layout is made
 * (fits is false): the nearest aspect range wins, then the right size class. */
static const struct {
    int w, h;
    const char *want;
    bool fits;
} field_screens[] = {
    {1280, 720, "landscape", true},       {1366, 768, "landscape", true},
    {1920, 1080, "landscape", true},      {2560, 1440, "landscape", true},
    {3840, 2160, "landscape", true},      {2560, 1080, "landscape", true},
    {1280, 800, "landscape", true},       {800, 480, "landscape-small", true},
    {1024, 600, "landscape-small", true}, {640, 360, "landscape-small", true},
    {1080, 1920, "portrait", true},       {2160, 3840, "portrait", true},
    {1200, 1600, "portrait", true},       {768, 1024, "portrait", true},
    {720, 1280, "portrait-small", true},  {480, 800, "portrait-small", true},
    {600, 1024, "portrait-small", true},  {1280, 1024, "landscape", false},
    {3840, 1080, "landscape", false},     {1000, 1000, "portrait", false},
    {420, 160, "landscape-small", false},
};

/* The field screens the automatic choice gives layout l. */
static size_t screens_of(struct layout *const *ls, size_t n, const struct layout *l,
                         size_t out[ARRAY_LEN(field_screens)])
{
    size_t k = 0;
    for (size_t i = 0; i < ARRAY_LEN(field_screens); i++)
        if (choose(ls, n, field_screens[i].w, field_screens[i].h) == l)
            out[k++] = i;
    return k;
}

/* The controls of a touchscreen at every field screen, in both languages, as main.c sizes
 * them when the display does not tell its size (a tenth of the short side): every control is
 * at least that big, on the screen, apart from the others, and the filter row offers every
 * type. The detail view fits its card. */
static void test_controls_fit_every_screen(void **state)
{
    (void)state;
    struct layout **ls;
    size_t n = load_layouts(&ls);
    for (size_t i = 0; i < ARRAY_LEN(field_screens); i++) {
        int w = field_screens[i].w, h = field_screens[i].h, t = (w < h ? w : h) / 10;
        const struct layout *l = choose(ls, n, w, h);
        for (int lang = 0; lang < LANG_COUNT; lang++) {
            struct layout_env e = env_for(l, w, h, NULL, NULL);
            e.lang = (enum lang)lang;
            for (int detail = 0; detail < 2; detail++) {
                struct controls_state st = {.target_px = t,
                                            .types = (1u << ITEM_TYPE_COUNT) - 1,
                                            .filter = ITEM_TYPE_COUNT,
                                            .detail = detail,
                                            .card = {w / 20, h / 5, w * 9 / 10, h * 3 / 5},
                                            .can_browse = true};
                struct control_hit hits[16];
                size_t nh;
                struct draw_list *d = layout_controls(&e, &st, hits, ARRAY_LEN(hits), &nh);
                assert_int_equal(nh, detail ? 1 : 1 + 2 + ITEM_TYPE_COUNT + 1);
                for (size_t k = 0; k < nh; k++) {
                    struct rect r = hits[k].r;
                    if (r.w < t || r.h < t || r.x < 0 || r.y < 0 || r.x + r.w > w || r.y + r.h > h)
                        fail_msg("%dx%d: control %zu at %d,%d %dx%d (target %d)", w, h, k, r.x, r.y,
                                 r.w, r.h, t);
                    for (size_t j = 0; j < k; j++) {
                        struct rect o = hits[j].r;
                        if (r.x < o.x + o.w && o.x < r.x + r.w && r.y < o.y + o.h &&
                            o.y < r.y + r.h)
                            fail_msg("%dx%d: controls %zu and %zu overlap", w, h, j, k);
                    }
                }
                /* No chip's words are cut at a size people can read. */
                for (size_t k = 0; k < d->n; k++)
                    if (d->ops[k].kind == DRAW_TEXT && d->ops[k].text->truncated)
                        fail_msg("%dx%d: a control's text is cut", w, h);
                draw_list_destroy(d);
            }
        }
    }
    free_layouts(ls, n);
}

/* A window dragged down to a few pixels (fuzz/regressions/layout/tiny-screen-recipients): a
 * region under a pixel tall once divided by its own height. Every slide of every layout
 * still lays out, without UB, at every size down to 1 x 1. */
static void test_tiny_screens(void **state)
{
    (void)state;
    struct layout **ls;
    size_t n = load_layouts(&ls);
    static const int sizes[][2] = {{1, 1}, {2, 1}, {1, 2}, {3, 3}, {16, 9}};
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < ARRAY_LEN(sizes); k++) {
            struct layout_env e = env_for(ls[i], sizes[k][0], sizes[k][1], has_none, NULL);
            for (int t = 0; t < ITEM_TYPE_COUNT; t++) {
                struct item it = make_item((enum item_type)t);
                draw_list_destroy(layout_slide(&e, &it, 1, 4));
                item_clear(&it);
            }
            draw_list_destroy(layout_status(&e, "Title", "Message"));
            draw_list_destroy(layout_header(&e, "Community", "26 november", "09:00"));
        }
    }
    free_layouts(ls, n);
}

static void test_automatic_choice(void **state)
{
    (void)state;
    struct layout **ls;
    size_t n = load_layouts(&ls);
    assert_true(n >= 4);
    for (size_t i = 0; i < ARRAY_LEN(field_screens); i++) {
        int w = field_screens[i].w, h = field_screens[i].h;
        const struct layout *got = choose(ls, n, w, h);
        if (strcmp(got->name, field_screens[i].want) != 0)
            fail_msg("%dx%d: got layout %s, want %s", w, h, got->name, field_screens[i].want);
        /* The order the files are read in does not matter. */
        struct layout **rev = xcalloc(n, sizeof *rev);
        for (size_t k = 0; k < n; k++)
            rev[k] = ls[n - 1 - k];
        assert_string_equal(choose(rev, n, w, h)->name, got->name);
        free(rev);
    }
    /* Every shipped layout is the choice for some screen, and fits the screens it gets. */
    for (size_t i = 0; i < n; i++) {
        size_t idx[ARRAY_LEN(field_screens)];
        size_t k = screens_of(ls, n, ls[i], idx);
        if (k == 0)
            fail_msg("layout %s is never chosen", ls[i]->name);
        for (size_t j = 0; j < k; j++) {
            int w = field_screens[idx[j]].w, h = field_screens[idx[j]].h;
            if (layout_fits(ls[i], w, h) != field_screens[idx[j]].fits)
                fail_msg("%s: fits %dx%d says %d", ls[i]->name, w, h, layout_fits(ls[i], w, h));
        }
    }
    /* A layout that fits beats a nearer but unfitting one; equal ones compare equal. */
    assert_int_equal(layout_compare_fit(ls[0], ls[0], 1920, 1080), 0);
    free_layouts(ls, n);
}

static void test_fits_refused(void **state)
{
    (void)state;
    expect_refused("fits.max_heigth", "600", "fits.max_heigth: unknown key");
    expect_refused("fits.max_height", "0", "fits.max_height: ");
    expect_refused("fits.max_height", "600.5", "fits.max_height: ");
    expect_refused("fits.max_height", "\"600\"", "fits.max_height: ");
    expect_refused("fits.min_aspect", "0", "fits.min_aspect: ");
    expect_refused("fits.min_aspect", "3", "fits: min_aspect is above max_aspect");
    expect_refused("fits", "{\"min_width\": 900, \"max_width\": 800}", "fits: a minimum is above");
    expect_refused("fits.max_aspect", "1.0", "fits: min_aspect is above max_aspect");
    expect_refused("fits", "[]", "fits: expected an object");
    /* Text too small to read anywhere is refused, naming the key that set it. */
    expect_refused("slides.post.body.min_size", "0.01", "slides.post.body.min_size: 0.01 is below");
    expect_refused("slides.post.footer.size", "0.005", "slides.post.footer.size: 0.005 is below");
    expect_refused("header.date.size", "0.01", "header.date.size: ");
}

static const enum region_id text_regions[] = {REG_LABEL, REG_NAME,      REG_ROLE,
                                              REG_META,  REG_TITLE,     REG_BODY,
                                              REG_BADGE, REG_REACTIONS, REG_FOOTER};

/* The readability rule of docs/layouts.md: a text's smallest size, against the shorter side
 * of the least favourable screen shape the layout fits, is at least 2.2% (titles and body
 * text 2.6%) on layouts for large screens and 3.5% (4.5%) on layouts for small panels. */
static void expect_readable(const struct layout *l, const char *what, const struct region *r,
                            bool main_text)
{
    bool small = l->max_w || l->max_h;
    double floor = small ? (main_text ? 0.045 : 0.035) : (main_text ? 0.026 : 0.022);
    double shape = l->max_aspect < 1 ? l->max_aspect : 1; /* short side / height */
    double got = r->min_size / shape;
    if (got + 1e-6 < floor)
        fail_msg("%s: %s shrinks to %.4f of the shorter side, below %.3f", l->name, what, got,
                 floor);
}

static void test_readable_sizes(void **state)
{
    (void)state;
    struct layout **ls;
    size_t n = load_layouts(&ls);
    for (size_t i = 0; i < n; i++) {
        const struct layout *l = ls[i];
        expect_readable(l, "header.title", &l->header_title, false);
        expect_readable(l, "header.date", &l->header_date, false);
        expect_readable(l, "header.clock", &l->header_clock, false);
        for (int k = 0; k < SLIDE_KIND_COUNT; k++)
            for (size_t t = 0; t < ARRAY_LEN(text_regions); t++) {
                const struct region *r = &l->slides[k][text_regions[t]];
                if (!r->present)
                    continue;
                char what[64];
                snprintf(what, sizeof what, "slide %d %s", k, region_name(text_regions[t]));
                expect_readable(l, what, r,
                                text_regions[t] == REG_TITLE || text_regions[t] == REG_BODY);
            }
    }
    free_layouts(ls, n);
}

/* A line of real text (Noto Sans: 1.36 to 1.40 times the size) at the fraction size. */
static int real_line_px(float size, int h)
{
    int px = (int)lroundf(size * (float)h);
    return (int)ceil((px < 1 ? 1 : px) * 1.4);
}

static int gap_px(float gap, int h)
{
    int v = (int)lroundf(gap * (float)h);
    return v < 1 ? 1 : v;
}

/* Every text region holds one line at its smallest size, also when the region it follows is
 * as full as it can be: otherwise the text would be dropped (a name vanishing). */
static void expect_holds_a_line(const struct layout *l, const char *what, const struct region *regs,
                                const struct region *r, int w, int h)
{
    int need = real_line_px(r->min_size, h);
    for (int v = 0; v < 2; v++) {
        if (v == 1 && !r->has_rect_no_photo)
            continue;
        struct rect box = px_rect(v ? r->rect_no_photo : r->rect, w, h);
        int top = box.y;
        if (regs && r->follows != REG_COUNT) {
            const struct region *f = &regs[r->follows];
            struct rect a = px_rect(f->rect, w, h);
            struct rect b = f->has_rect_no_photo ? px_rect(f->rect_no_photo, w, h) : a;
            int bottom = a.y + a.h > b.y + b.h ? a.y + a.h : b.y + b.h;
            top = bottom + gap_px(r->gap, h);
        }
        if (box.y + box.h - top < need)
            fail_msg("%s at %dx%d: %s has %d px for a line of %d px", l->name, w, h, what,
                     box.y + box.h - top, need);
    }
}

static void test_regions_hold_a_line(void **state)
{
    (void)state;
    struct layout **ls;
    size_t n = load_layouts(&ls);
    for (size_t i = 0; i < n; i++) {
        const struct layout *l = ls[i];
        size_t idx[ARRAY_LEN(field_screens)];
        size_t ns = screens_of(ls, n, l, idx);
        for (size_t s = 0; s < ns; s++) {
            int w = field_screens[idx[s]].w, h = field_screens[idx[s]].h;
            struct rect band = px_rect(l->header, w, h);
            const struct region *hdr[] = {&l->header_title, &l->header_date, &l->header_clock};
            for (size_t k = 0; k < ARRAY_LEN(hdr); k++) {
                expect_holds_a_line(l, "header text", NULL, hdr[k], w, h);
                assert_true(rect_inside(px_rect(hdr[k]->rect, w, h), band));
            }
            for (int k = 0; k < SLIDE_KIND_COUNT; k++)
                for (size_t t = 0; t < ARRAY_LEN(text_regions); t++) {
                    const struct region *r = &l->slides[k][text_regions[t]];
                    char what[64];
                    snprintf(what, sizeof what, "slide %d %s", k, region_name(text_regions[t]));
                    if (r->present)
                        expect_holds_a_line(l, what, l->slides[k], r, w, h);
                }
        }
    }
    free_layouts(ls, n);
}

/* No text region of a shipped layout reaches into the QR code's region, with or without a
 * photo: the code is drawn over whatever is there, and text under it is lost. */
static void test_text_stays_clear_of_the_qr_code(void **state)
{
    (void)state;
    struct layout **ls;
    size_t n = load_layouts(&ls);
    for (size_t i = 0; i < n; i++) {
        for (int k = 0; k < SLIDE_KIND_COUNT; k++) {
            const struct region *q = &ls[i]->slides[k][REG_QR];
            if (!q->present)
                continue;
            struct rect qr = px_rect(q->rect, 10000, 10000);
            for (size_t t = 0; t < ARRAY_LEN(text_regions); t++) {
                const struct region *r = &ls[i]->slides[k][text_regions[t]];
                if (!r->present || text_regions[t] == REG_CTA)
                    continue;
                for (int np = 0; np < 2; np++) {
                    if (np && !r->has_rect_no_photo)
                        continue;
                    struct rect b = px_rect(np ? r->rect_no_photo : r->rect, 10000, 10000);
                    bool overlap = b.x < qr.x + qr.w && qr.x < b.x + b.w && b.y < qr.y + qr.h &&
                                   qr.y < b.y + b.h;
                    if (overlap)
                        fail_msg("%s: slide %d: %s%s overlaps the QR region", ls[i]->name, k,
                                 region_name(text_regions[t]), np ? " (no photo)" : "");
                }
            }
        }
    }
    free_layouts(ls, n);
}

/* The demo-like items on every layout at every screen it is chosen for: everything fits its
 * region, and nothing is dropped for lack of room. */
static void test_every_layout_every_slide(void **state)
{
    (void)state;
    struct layout **ls;
    size_t n = load_layouts(&ls);
    bool (*const has[])(void *, const char *) = {has_none, has_all};
    static const char *const who[] = {[ITEM_POST] = "Zo\xC3\xAB van den Berg",
                                      [ITEM_INTRODUCTION] = "\xC4\xB2sbrand Kuipers",
                                      [ITEM_SHOUTOUT] = "Van Mohammed",
                                      [ITEM_HELP_REQUEST] = "Zo\xC3\xAB van den Berg"};
    for (size_t i = 0; i < n; i++) {
        const struct layout *l = ls[i];
        size_t idx[ARRAY_LEN(field_screens)];
        size_t ns = screens_of(ls, n, l, idx);
        for (size_t s = 0; s < ns; s++) {
            int w = field_screens[idx[s]].w, h = field_screens[idx[s]].h;
            for (int t = 0; t < ITEM_TYPE_COUNT; t++) {
                struct item it = make_item((enum item_type)t);
                for (size_t k = 0; k < ARRAY_LEN(has); k++) {
                    struct layout_env e = env_for(l, w, h, has[k], NULL);
                    struct draw_list *d = layout_slide(&e, &it, 2, 7);
                    check_ops(d, l, (enum slide_kind)t, w, h);
                    if (!text_op(d, who[t]))
                        fail_msg("%s at %dx%d: no \"%s\" on the %s slide", l->name, w, h, who[t],
                                 item_type_name((enum item_type)t));
                    char first[9] = "";
                    snprintf(first, sizeof first, "%s", it.title ? it.title : "");
                    if (it.title && !text_op(d, first))
                        fail_msg("%s at %dx%d: no title on the %s slide", l->name, w, h,
                                 item_type_name((enum item_type)t));
                    if (l->slides[t][REG_FOOTER].present)
                        assert_non_null(text_op(d, "2 / 7"));
                    draw_list_destroy(d);
                }
                item_clear(&it);
            }
            struct layout_env e = env_for(l, w, h, has_none, NULL);
            struct draw_list *d =
                layout_status(&e, "Even geduld", "Het prikbord haalt de laatste berichten op.");
            check_ops(d, l, SLIDE_STATUS, w, h);
            assert_int_equal(count_kind(d, DRAW_TEXT), 2);
            draw_list_destroy(d);
        }
    }
    free_layouts(ls, n);
}

/* ---- the corpora in every text field ---- */

struct corpus {
    char **s;
    size_t *len;
    size_t n;
};

static void corpus_add(struct corpus *c, const char *s, size_t len)
{
    c->s = xrealloc(c->s, (c->n + 1) * sizeof *c->s);
    c->len = xrealloc(c->len, (c->n + 1) * sizeof *c->len);
    c->s[c->n] = xmalloc(len + 1);
    memcpy(c->s[c->n], s, len);
    c->s[c->n][len] = '\0';
    c->len[c->n++] = len;
}

/* Every string of blns.json and every line of UTF-8-test.txt (with its explicit length: line
 * 71 holds a NUL). Skips when the shared corpora are not there. */
static bool load_corpora(struct corpus *c)
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
    cJSON_ArrayForEach(v, list)
    {
        assert_true(cJSON_IsString(v));
        corpus_add(c, v->valuestring, strlen(v->valuestring));
    }
    cJSON_Delete(list);
    free(json);
    size_t blns = c->n;
    snprintf(path, sizeof path, "%s/corpora/utf8/UTF-8-test.txt", shared);
    char *text = read_all(path, &len);
    for (size_t at = 0; at < len;) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t end = nl ? (size_t)(nl - text) : len;
        corpus_add(c, text + at, end - at);
        at = end + 1;
    }
    free(text);
    assert_int_equal(blns, 515);
    assert_true(c->n - blns >= 290);
    return true;
}

static void corpus_free(struct corpus *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->s[i]);
    free(c->s);
    free(c->len);
}

/* The text fields of a feed item, with the types that show each. */
enum field {
    F_NAME,
    F_ROLE,
    F_TEAM,
    F_TITLE,
    F_BODY,
    F_MESSAGE,
    F_BADGE,
    F_TAGS,
    F_RECIPIENTS,
    F_COMMUNITY,
    F_COUNT
};
static const struct {
    const char *name;
    unsigned types; /* bit per item type; 0: the header */
    size_t max;     /* feed_parse's limit for the field */
    bool newlines;
} fields[] = {
    [F_NAME] = {"name", 0xF, FEED_MAX_NAME, false},
    [F_ROLE] = {"role", 0xF, FEED_MAX_NAME, false},
    [F_TEAM] = {"team", 0xF, FEED_MAX_NAME, false},
    [F_TITLE] = {"title", 1u << ITEM_POST | 1u << ITEM_HELP_REQUEST, FEED_MAX_TITLE, false},
    [F_BODY] = {"body", 1u << ITEM_POST | 1u << ITEM_INTRODUCTION | 1u << ITEM_HELP_REQUEST,
                FEED_MAX_BODY, true},
    [F_MESSAGE] = {"message", 1u << ITEM_SHOUTOUT, FEED_MAX_MESSAGE, true},
    [F_BADGE] = {"badge", 1u << ITEM_SHOUTOUT, FEED_MAX_BADGE, false},
    [F_TAGS] = {"tags", 1u << ITEM_HELP_REQUEST, FEED_MAX_TAG, false},
    [F_RECIPIENTS] = {"recipients' names", 1u << ITEM_SHOUTOUT, FEED_MAX_NAME, false},
    [F_COMMUNITY] = {"community name", 0, FEED_MAX_NAME, false},
};
static_assert(ARRAY_LEN(fields) == F_COUNT, "one entry per field");

static void replace(char **slot, const char *v)
{
    free(*slot);
    *slot = v ? xstrdup(v) : NULL;
}

/* Puts v (already sanitised; NULL when the feed would have dropped the field) in field f. */
static void put_field(struct item *it, enum field f, const char *v)
{
    struct person *p = (struct person *)item_main_person(it);
    switch (f) {
    case F_NAME:
        if (v)
            replace(&p->name, v); /* a person without a name is no item at all */
        break;
    case F_ROLE:
        replace(&p->role, v);
        break;
    case F_TEAM:
        replace(&p->team, v);
        break;
    case F_TITLE:
        replace(&it->title, v);
        break;
    case F_BODY:
        replace(&it->body, v);
        break;
    case F_MESSAGE:
        replace(&it->message, v);
        break;
    case F_BADGE:
        replace(&it->badge, v);
        break;
    case F_TAGS:
        for (size_t i = 0; i < it->n_tags; i++)
            replace(&it->tags[i], v ? v : "x");
        break;
    case F_RECIPIENTS:
        for (size_t i = 0; v && i < it->n_to; i++)
            replace(&it->to[i].name, v);
        break;
    case F_COMMUNITY:
    case F_COUNT:
        break;
    }
}

static void check_header(const struct draw_list *d, const struct layout *l, int w, int h)
{
    struct rect band = px_rect(l->header, w, h);
    const struct region *hdr[] = {&l->header_title, &l->header_date, &l->header_clock};
    for (size_t i = 0; i < d->n; i++) {
        const struct draw_op *op = &d->ops[i];
        if (!rect_inside(op->r, band))
            fail_msg("header op %zu at %d,%d %dx%d leaves the band", i, op->r.x, op->r.y, op->r.w,
                     op->r.h);
        if (op->kind != DRAW_TEXT)
            continue;
        bool inside = false;
        for (size_t k = 0; k < ARRAY_LEN(hdr); k++)
            inside = inside || rect_inside(op->r, px_rect(hdr[k]->rect, w, h));
        if (!inside)
            fail_msg("header text at %d,%d %dx%d is in none of its regions", op->r.x, op->r.y,
                     op->r.w, op->r.h);
        assert_true(op->text->height <= op->r.h);
        for (size_t k = 0; k < op->text->n_lines; k++)
            assert_true(op->text->lines[k].width <= op->r.w);
    }
}

/* Every string of both corpora, sanitised as feed_parse does, in every text field, on every
 * layout; the slide types that show a field, the screens a layout is chosen for and images
 * or none take turns from string to string. Nothing may leave its region, no line be wider
 * than its box, no text block taller than its box. */
static void test_corpora_in_every_field(void **state)
{
    (void)state;
    struct corpus c = {0};
    if (!load_corpora(&c))
        skip();
    struct layout **ls;
    size_t n = load_layouts(&ls);
    clock_t t0 = clock();
    size_t placements = 0, slides = 0;
    for (size_t li = 0; li < n; li++) {
        const struct layout *l = ls[li];
        size_t idx[ARRAY_LEN(field_screens)];
        size_t ns = screens_of(ls, n, l, idx);
        for (size_t si = 0; si < c.n; si++) {
            int w = field_screens[idx[si % ns]].w, h = field_screens[idx[si % ns]].h;
            struct layout_env e = env_for(l, w, h, si % 2 ? has_all : has_none, NULL);
            for (int f = 0; f < F_COUNT; f++) {
                char *v =
                    text_sanitize(c.s[si], c.len[si], fields[f].max, fields[f].newlines, NULL);
                const char *val = *v ? v : NULL;
                placements++;
                if (f == F_COMMUNITY) {
                    struct draw_list *d = layout_header(&e, val, "vrijdag 27 november", "09:41");
                    check_header(d, l, w, h);
                    draw_list_destroy(d);
                    slides++;
                }
                /* Each string goes to one of the slide types that show the field, in turn. */
                int types[ITEM_TYPE_COUNT], nt = 0;
                for (int t = 0; t < ITEM_TYPE_COUNT; t++)
                    if (fields[f].types & 1u << t)
                        types[nt++] = t;
                for (int k = 0; k < (nt ? 1 : 0); k++) {
                    int t = types[si % (size_t)nt];
                    struct item it = make_item((enum item_type)t);
                    put_field(&it, (enum field)f, val);
                    struct draw_list *d = layout_slide(&e, &it, (int)si % 20 + 1, 20);
                    check_ops(d, l, (enum slide_kind)t, w, h);
                    draw_list_destroy(d);
                    item_clear(&it);
                    slides++;
                }
                free(v);
            }
        }
    }
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    printf("corpora fit: %zu strings x %d fields x %zu layouts = %zu placements, %zu slides laid "
           "out and checked in %.1f s\n",
           c.n, F_COUNT, n, placements, slides, secs);
    assert_int_equal(placements, c.n * F_COUNT * n);
    free_layouts(ls, n);
    corpus_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtin_layout),
        cmocka_unit_test(test_landscape_file_parses),
        cmocka_unit_test(test_parse_errors_name_the_path),
        cmocka_unit_test(test_color_contrast_maths),
        cmocka_unit_test(test_layout_name_color),
        cmocka_unit_test(test_contrast_of_every_layout_file),
        cmocka_unit_test(test_every_slide_fits_every_screen),
        cmocka_unit_test(test_long_texts_still_fit),
        cmocka_unit_test(test_avatar_where_the_layout_says),
        cmocka_unit_test(test_post_photo_or_wide_text),
        cmocka_unit_test(test_introduction_placeholder),
        cmocka_unit_test(test_shoutout_many_recipients),
        cmocka_unit_test(test_help_request_ask_and_offer),
        cmocka_unit_test(test_status_and_header),
        cmocka_unit_test(test_automatic_choice),
        cmocka_unit_test(test_fits_refused),
        cmocka_unit_test(test_readable_sizes),
        cmocka_unit_test(test_regions_hold_a_line),
        cmocka_unit_test(test_text_stays_clear_of_the_qr_code),
        cmocka_unit_test(test_controls_fit_every_screen),
        cmocka_unit_test(test_every_layout_every_slide),
        cmocka_unit_test(test_tiny_screens),
        cmocka_unit_test(test_corpora_in_every_field),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
