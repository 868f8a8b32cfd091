#include "layout.h"
#include "util.h"

#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint64_t draw_op_hash(const struct draw_op *op)
{
    uint64_t h = HASH64_START;
    const int fields[] = {(int)op->kind, op->r.x,    op->r.y,        op->r.w,
                          op->r.h,       op->radius, (int)op->align, (int)op->poster};
    h = hash64_bytes(h, fields, sizeof fields);
    const uint8_t rgba[] = {op->color.r, op->color.g, op->color.b, op->color.a};
    h = hash64_bytes(h, rgba, sizeof rgba);
    if (op->url)
        h = hash64_bytes(h, op->url, strlen(op->url) + 1);
    if (op->text) {
        const int style[] = {op->text->face, op->text->px, op->text->line_height};
        h = hash64_bytes(h, style, sizeof style);
        for (size_t i = 0; i < op->text->n_lines; i++)
            h = hash64_bytes(h, op->text->lines[i].s, strlen(op->text->lines[i].s) + 1);
    }
    if (op->qr)
        h = hash64_bytes(h, op->qr->modules, (size_t)op->qr->size * (size_t)op->qr->size);
    return h;
}

void draw_list_destroy(struct draw_list *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++) {
        text_block_destroy(d->ops[i].text);
        free(d->ops[i].url);
        qr_destroy(d->ops[i].qr);
    }
    free(d->ops);
    free(d);
}

static struct draw_op *push(struct draw_list *d, enum draw_kind kind, struct rect r)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->ops = xrealloc(d->ops, d->cap * sizeof *d->ops);
    }
    struct draw_op *op = &d->ops[d->n++];
    *op = (struct draw_op){.kind = kind, .r = r, .region = REG_COUNT};
    return op;
}

/* Marks the ops added since index from as drawn for region id (tests check they stay in it). */
static void tag_region(struct draw_list *d, size_t from, enum region_id id)
{
    for (size_t i = from; i < d->n; i++)
        d->ops[i].region = id;
}

static struct rect to_px(const struct layout_env *e, struct frect f)
{
    int x = (int)lroundf(f.x * (float)e->w), y = (int)lroundf(f.y * (float)e->h);
    int x2 = (int)lroundf((f.x + f.w) * (float)e->w), y2 = (int)lroundf((f.y + f.h) * (float)e->h);
    return (struct rect){x, y, x2 - x, y2 - y};
}

static int px_of(const struct layout_env *e, float fraction)
{
    int v = (int)lroundf(fraction * (float)e->h);
    return v < 1 ? 1 : v;
}

static struct rgba col(const struct layout_env *e, enum color_role c)
{
    return e->layout->colors[(unsigned)c < COL_COUNT ? c : COL_TEXT];
}

static bool image_ready(const struct layout_env *e, const char *url)
{
    return url && e->has_image && e->has_image(e->ctx, url);
}

static bool video_ready(const struct layout_env *e, const char *url)
{
    return url && e->video_ms && e->video_ms(e->ctx, url) != LAYOUT_NO_VIDEO;
}

/* Where the item's video plays: over the photo (or in its place, showing its first frame). */
static void add_video(struct draw_list *d, const struct layout_env *e, const struct item *it,
                      struct rect box, int radius)
{
    if (!video_ready(e, it->video_url))
        return;
    struct draw_op *op = push(d, DRAW_VIDEO, box);
    op->url = xstrdup(it->video_url);
    op->radius = radius;
    op->color = col(e, COL_SURFACE);
    op->poster = !image_ready(e, it->image_url);
}

/* Lays out text in a box and adds it; returns the bottom of the ink in pixels. */
static int add_text_in(struct draw_list *d, const struct layout_env *e, const struct region *reg,
                       struct rect box, const char *text, struct rgba color)
{
    if (!text || !*text || box.w <= 0 || box.h <= 0)
        return box.y;
    struct text_block *b = text_layout(e->metrics, reg->face, text, box.w, box.h, reg->max_lines,
                                       px_of(e, reg->size), px_of(e, reg->min_size));
    /* Not even one line fits the box's height (a region squeezed by the one it follows):
     * nothing rather than text over its neighbour. */
    if (b->n_lines == 0 || b->height > box.h) {
        text_block_destroy(b);
        return box.y;
    }
    int y = box.y;
    if (reg->valign == VALIGN_MIDDLE)
        y += (box.h - b->height) / 2;
    else if (reg->valign == VALIGN_BOTTOM)
        y += box.h - b->height;
    struct draw_op *op = push(d, DRAW_TEXT, (struct rect){box.x, y, box.w, b->height});
    op->text = b;
    op->color = color;
    op->align = reg->align;
    return y + b->height;
}

/* Per-slide placement state: where each region ended, so that "follows" can flow text. */
struct placer {
    const struct layout_env *e;
    const struct region *regs;
    struct draw_list *d;
    bool photo;
    int bottom[REG_COUNT];
};

/* The region's rectangle in pixels: rect_no_photo when the slide shows no photo. */
static struct rect region_rect(const struct placer *p, enum region_id id)
{
    const struct region *r = &p->regs[id];
    return to_px(p->e, !p->photo && r->has_rect_no_photo ? r->rect_no_photo : r->rect);
}

static struct rect region_box_at(struct placer *p, enum region_id id, int depth)
{
    const struct region *r = &p->regs[id];
    struct rect box = region_rect(p, id);
    /* (layout_parse refuses a circle of "follows"; the depth bounds one made in code) */
    if (r->follows != REG_COUNT && depth < REG_COUNT) {
        int top = p->bottom[r->follows];
        if (top >= 0) {
            top += px_of(p->e, r->gap);
            int bottom = box.y + box.h;
            box.y = top;
            box.h = bottom - top;
        } else {
            /* The followed region is empty: take its place. */
            struct rect prev = region_box_at(p, r->follows, depth + 1);
            box.h += box.y - prev.y;
            box.y = prev.y;
        }
    }
    return box;
}

static struct rect region_box(struct placer *p, enum region_id id)
{
    return region_box_at(p, id, 0);
}

static void place_text(struct placer *p, enum region_id id, const char *text)
{
    const struct region *r = &p->regs[id];
    p->bottom[id] = -1;
    if (!r->present || !text || !*text)
        return;
    size_t from = p->d->n;
    p->bottom[id] = add_text_in(p->d, p->e, r, region_box(p, id), text, col(p->e, r->color));
    tag_region(p->d, from, id);
}

static void place_card(struct placer *p)
{
    const struct region *r = &p->regs[REG_CARD];
    if (!r->present)
        return;
    struct draw_op *op = push(p->d, DRAW_RECT, to_px(p->e, r->rect));
    op->color = col(p->e, r->fill == COL_COUNT ? COL_SURFACE : r->fill);
    op->radius = px_of(p->e, p->e->layout->corner_radius);
    op->region = REG_CARD;
}

static const struct rgba name_palette[] = {
    {31, 92, 140, 255}, {29, 110, 71, 255},  {179, 64, 42, 255},  {102, 70, 160, 255},
    {138, 75, 8, 255},  {38, 101, 105, 255}, {162, 59, 114, 255}, {74, 90, 140, 255},
};

struct rgba layout_name_color(const char *name)
{
    return name_palette[hash_str(name ? name : "") % ARRAY_LEN(name_palette)];
}

static double channel_lum(uint8_t c)
{
    double v = c / 255.0;
    return v <= 0.03928 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
}

double color_contrast(struct rgba a, struct rgba b)
{
    double la = 0.2126 * channel_lum(a.r) + 0.7152 * channel_lum(a.g) + 0.0722 * channel_lum(a.b);
    double lb = 0.2126 * channel_lum(b.r) + 0.7152 * channel_lum(b.g) + 0.0722 * channel_lum(b.b);
    return la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05);
}

/* A person's picture in box: the avatar when it is decoded, else initials on a colour derived
 * from the name. Never a hole. */
static void add_avatar(struct draw_list *d, const struct layout_env *e, const struct person *person,
                       const char *photo_url, struct rect box, bool circle)
{
    if (circle) {
        int s = box.w < box.h ? box.w : box.h;
        box = (struct rect){box.x, box.y + (box.h - s) / 2, s, s};
    }
    int radius = circle ? box.w / 2 : px_of(e, e->layout->corner_radius);
    const char *url = image_ready(e, photo_url)            ? photo_url
                      : image_ready(e, person->avatar_url) ? person->avatar_url
                                                           : NULL;
    if (url) {
        struct draw_op *op = push(d, DRAW_IMAGE, box);
        op->url = xstrdup(url);
        op->radius = radius;
        return;
    }
    struct draw_op *bg = push(d, DRAW_RECT, box);
    bg->color = layout_name_color(person->name);
    bg->radius = radius;
    char initials[16];
    text_initials(person->name, initials, sizeof initials);
    int s = box.w < box.h ? box.w : box.h;
    int px = (int)(s * 0.4);
    struct region reg = {.face = FACE_BOLD,
                         .align = ALIGN_CENTER,
                         .valign = VALIGN_MIDDLE,
                         .max_lines = 1,
                         .size = (float)px / (float)e->h,
                         .min_size = (float)px / (float)e->h};
    add_text_in(d, e, &reg, box, initials, (struct rgba){255, 255, 255, 255});
}

static void place_avatar(struct placer *p, const struct person *person)
{
    const struct region *r = &p->regs[REG_AVATAR];
    size_t from = p->d->n;
    if (r->present && person && person->name)
        add_avatar(p->d, p->e, person, NULL, region_rect(p, REG_AVATAR), r->circle);
    tag_region(p->d, from, REG_AVATAR);
}

/* The type pill: a rounded label sized to its text. */
static void place_label(struct placer *p, enum region_id id, const char *text, struct rgba fill)
{
    const struct region *r = &p->regs[id];
    if (!r->present || !text || !*text)
        return;
    struct rect box = region_rect(p, id);
    int pad = box.h / 2;
    struct text_block *b = text_layout(p->e->metrics, r->face, text, box.w - 2 * pad, box.h, 1,
                                       px_of(p->e, r->size), px_of(p->e, r->min_size));
    int w = b->width + 2 * pad;
    struct rect pill = {r->align == ALIGN_RIGHT ? box.x + box.w - w : box.x, box.y, w, box.h};
    struct draw_op *bg = push(p->d, DRAW_RECT, pill);
    bg->color = fill;
    bg->radius = box.h / 2;
    struct draw_op *op =
        push(p->d, DRAW_TEXT,
             (struct rect){pill.x + pad, pill.y + (pill.h - b->height) / 2, b->width, b->height});
    op->text = b;
    op->color = col(p->e, COL_ON_ACCENT);
    op->align = ALIGN_LEFT;
    bg->region = op->region = id;
}

static void place_photo(struct placer *p, const struct item *it)
{
    const struct region *r = &p->regs[REG_PHOTO];
    if (!r->present || !p->photo)
        return;
    size_t from = p->d->n;
    int radius = px_of(p->e, p->e->layout->corner_radius);
    if (image_ready(p->e, it->image_url)) {
        struct draw_op *op = push(p->d, DRAW_IMAGE, to_px(p->e, r->rect));
        op->url = xstrdup(it->image_url);
        op->radius = radius;
    }
    add_video(p->d, p->e, it, to_px(p->e, r->rect), radius);
    tag_region(p->d, from, REG_PHOTO);
}

static char *role_line(const struct person *person)
{
    if (person->role && person->team)
        return xasprintf("%s \xC2\xB7 %s", person->role, person->team);
    return xstrdup(person->role ? person->role : person->team);
}

/* name_str: a translated string such as "From %s" around the name, or STR_COUNT for none. */
static void place_person(struct placer *p, const struct person *person, enum str_id name_str)
{
    place_avatar(p, person);
    char *name =
        name_str != STR_COUNT ? tr_with(p->e->lang, name_str, person->name) : xstrdup(person->name);
    place_text(p, REG_NAME, name);
    free(name);
    char *role = role_line(person);
    place_text(p, REG_ROLE, role);
    free(role);
}

static void place_footer(struct placer *p, int page, int pages)
{
    if (pages <= 0)
        return;
    char buf[32];
    snprintf(buf, sizeof buf, "%d / %d", page, pages);
    place_text(p, REG_FOOTER, buf);
}

/* The call to action beside an item's QR code: "Say welcome", "I can help", ... */
static enum str_id cta_of(const struct item *it)
{
    static const enum str_id cta[] = {
        [ITEM_POST] = STR_CTA_POST,
        [ITEM_INTRODUCTION] = STR_CTA_INTRODUCTION,
        [ITEM_SHOUTOUT] = STR_CTA_SHOUTOUT,
        [ITEM_HELP_REQUEST] = STR_CTA_HELP_ASK,
    };
    static_assert(ARRAY_LEN(cta) == ITEM_TYPE_COUNT, "a call to action per type");
    if (it->type == ITEM_HELP_REQUEST && it->kind == HELP_OFFER)
        return STR_CTA_HELP_OFFER;
    return cta[(unsigned)it->type < ITEM_TYPE_COUNT ? it->type : ITEM_POST];
}

/* The item's link as a QR code with a call to action that fits the type. The code is drawn
 * at a whole number of pixels per module, as large as the region allows; too small to scan
 * (under 2 px a module) means no code at all. */
static void place_qr(struct placer *p, const struct item *it)
{
    const struct region *r = &p->regs[REG_QR];
    if (!r->present || !it->url)
        return;
    struct qr *q = qr_encode(it->url);
    if (!q)
        return;
    struct rect box = to_px(p->e, r->rect);
    int side = box.w < box.h ? box.w : box.h, span = q->size + 2 * QR_QUIET_ZONE;
    int m = side / span;
    if (m < 2) {
        qr_destroy(q);
        return;
    }
    side = m * span;
    int x = r->align == ALIGN_RIGHT    ? box.x + box.w - side
            : r->align == ALIGN_CENTER ? box.x + (box.w - side) / 2
                                       : box.x;
    int y = r->valign == VALIGN_BOTTOM   ? box.y + box.h - side
            : r->valign == VALIGN_MIDDLE ? box.y + (box.h - side) / 2
                                         : box.y;
    struct draw_op *op = push(p->d, DRAW_QR, (struct rect){x, y, side, side});
    op->qr = q;
    op->color = (struct rgba){0, 0, 0, 255}; /* black on white scans best */
    op->region = REG_QR;
    place_text(p, REG_CTA, tr(p->e->lang, cta_of(it)));
}

static char *quoted(const char *s)
{
    return s ? xasprintf("\xE2\x80\x9C%s\xE2\x80\x9D", s) : NULL;
}

static void slide_post(struct placer *p, const struct item *it)
{
    place_label(p, REG_LABEL, tr(p->e->lang, STR_LABEL_POST), p->e->layout->type_colors[it->type]);
    place_person(p, &it->author, STR_COUNT);
    place_text(p, REG_TITLE, it->title);
    place_text(p, REG_BODY, it->body);
    place_photo(p, it);
    if (it->likes >= 0 || it->comments >= 0) {
        struct strbuf b = {0};
        if (it->likes >= 0)
            strbuf_appendf(&b, "\xF0\x9F\x91\x8D %d", it->likes);
        if (it->comments >= 0)
            strbuf_appendf(&b, "%s\xF0\x9F\x92\xAC %d", b.len ? "     " : "", it->comments);
        place_text(p, REG_REACTIONS, b.data);
        strbuf_free(&b);
    }
}

static void slide_introduction(struct placer *p, const struct item *it)
{
    const struct region *r = &p->regs[REG_PHOTO];
    size_t from = p->d->n;
    if (r->present) {
        struct rect box = to_px(p->e, r->rect);
        add_avatar(p->d, p->e, &it->person, it->image_url, box, r->circle);
        /* (the avatar made a circle square and centred) */
        const struct draw_op *pic = &p->d->ops[from];
        add_video(p->d, p->e, it, pic->r, pic->radius);
    }
    tag_region(p->d, from, REG_PHOTO);
    place_label(p, REG_LABEL, tr(p->e->lang, STR_LABEL_INTRODUCTION),
                p->e->layout->type_colors[it->type]);
    place_text(p, REG_NAME, it->person.name);
    char *role = role_line(&it->person);
    place_text(p, REG_ROLE, role);
    free(role);
    if (it->person.start_date != TIME_NONE) {
        char day[40];
        format_date_near(p->e->lang, it->person.start_date, p->e->now, day, sizeof day);
        bool started = days_of_time(it->person.start_date) <= days_of_time(p->e->now);
        char *meta = tr_with(p->e->lang, started ? STR_STARTED_ON : STR_STARTS_ON, day);
        place_text(p, REG_META, meta);
        free(meta);
    } else {
        p->bottom[REG_META] = -1;
    }
    char *body = quoted(it->body);
    place_text(p, REG_BODY, body);
    free(body);
}

static const char *badge_emoji(const char *badge)
{
    static const struct {
        const char *word, *emoji;
    } map[] = {
        {"teamwork", "\xF0\x9F\xA4\x9D"}, {"helpful", "\xF0\x9F\x99\x8C"},
        {"thanks", "\xF0\x9F\x99\x8F"},   {"bedankt", "\xF0\x9F\x99\x8F"},
        {"creative", "\xF0\x9F\x92\xA1"}, {"customer", "\xE2\xAD\x90"},
        {"welcome", "\xF0\x9F\x91\x8B"},  {"leadership", "\xF0\x9F\xA7\xAD"},
    };
    for (size_t i = 0; badge && i < ARRAY_LEN(map); i++)
        if (strcmp(badge, map[i].word) == 0)
            return map[i].emoji;
    return "\xF0\x9F\x8E\x89"; /* party popper */
}

static void place_recipients(struct placer *p, const struct item *it)
{
    const struct region *r = &p->regs[REG_RECIPIENTS];
    if (!r->present)
        return;
    struct rect box = to_px(p->e, r->rect);
    int s = box.h, step = s + s / 5;
    /* A box under a pixel tall (a tiny window) holds no avatar, and step would be 0. */
    size_t fit = s > 0 && box.w >= s ? (size_t)((box.w - s) / step + 1) : 0;
    size_t from = p->d->n;
    for (size_t i = 0; i < it->n_to && i < fit; i++) {
        struct rect a = {box.x + (int)i * step, box.y, s, s};
        add_avatar(p->d, p->e, &it->to[i], NULL, a, true);
    }
    tag_region(p->d, from, REG_RECIPIENTS);
}

static char *names_list(enum lang l, const struct person *people, size_t n)
{
    struct strbuf b = {0};
    strbuf_append(&b, "", 0);
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            strbuf_appends(&b, i == n - 1 ? tr(l, STR_AND) : ", ");
        strbuf_appends(&b, people[i].name);
    }
    return b.data;
}

static void slide_shoutout(struct placer *p, const struct item *it)
{
    place_label(p, REG_LABEL, tr(p->e->lang, STR_LABEL_SHOUTOUT),
                p->e->layout->type_colors[it->type]);
    if (it->badge) {
        char *badge = xasprintf("%s %s", badge_emoji(it->badge), it->badge);
        place_text(p, REG_BADGE, badge);
        free(badge);
    }
    place_recipients(p, it);
    char *names = names_list(p->e->lang, it->to, it->n_to);
    char *to = tr_with(p->e->lang, STR_TO, names);
    place_text(p, REG_TITLE, to);
    free(names);
    free(to);
    char *msg = quoted(it->message);
    place_text(p, REG_BODY, msg);
    free(msg);
    place_person(p, &it->from, STR_FROM);
}

static void slide_help_request(struct placer *p, const struct item *it)
{
    bool offer = it->kind == HELP_OFFER;
    place_label(p, REG_LABEL, tr(p->e->lang, offer ? STR_LABEL_HELP_OFFER : STR_LABEL_HELP_ASK),
                p->e->layout->type_colors[offer ? ITEM_INTRODUCTION : ITEM_HELP_REQUEST]);
    place_person(p, &it->author, STR_COUNT);
    place_text(p, REG_TITLE, it->title);
    place_text(p, REG_BODY, it->body);
    struct strbuf b = {0};
    for (size_t i = 0; i < it->n_tags; i++)
        strbuf_appendf(&b, "%s#%s", i ? "  " : "", it->tags[i]);
    if (it->until != TIME_NONE) {
        char day[40];
        format_date_near(p->e->lang, it->until, p->e->now, day, sizeof day);
        char *until = tr_with(p->e->lang, STR_UNTIL, day);
        strbuf_appendf(&b, "%s%s", b.len ? "  \xC2\xB7  " : "", until);
        free(until);
    }
    if (b.len)
        place_text(p, REG_META, b.data);
    strbuf_free(&b);
}

static struct draw_list *begin(const struct layout_env *e, struct placer *p, enum slide_kind k)
{
    struct draw_list *d = xcalloc(1, sizeof *d);
    d->clear = col(e, COL_BACKGROUND);
    *p = (struct placer){.e = e, .regs = e->layout->slides[k], .d = d};
    for (int i = 0; i < REG_COUNT; i++)
        p->bottom[i] = -1;
    place_card(p);
    return d;
}

struct draw_list *layout_slide(const struct layout_env *e, const struct item *it, int page,
                               int pages)
{
    struct placer p;
    struct draw_list *d = begin(e, &p, (enum slide_kind)it->type);
    p.photo = image_ready(e, it->image_url) || video_ready(e, it->video_url);
    switch (it->type) {
    case ITEM_POST:
        slide_post(&p, it);
        break;
    case ITEM_INTRODUCTION:
        slide_introduction(&p, it);
        break;
    case ITEM_SHOUTOUT:
        slide_shoutout(&p, it);
        break;
    case ITEM_HELP_REQUEST:
        slide_help_request(&p, it);
        break;
    case ITEM_TYPE_COUNT:
        break;
    }
    place_qr(&p, it);
    place_footer(&p, page, pages);
    return d;
}

struct draw_list *layout_status(const struct layout_env *e, const char *title, const char *message)
{
    struct placer p;
    struct draw_list *d = begin(e, &p, SLIDE_STATUS);
    place_text(&p, REG_TITLE, title);
    place_text(&p, REG_BODY, message);
    return d;
}

struct rect layout_header_rect(const struct layout_env *e)
{
    return to_px(e, e->layout->header);
}

struct draw_list *layout_header(const struct layout_env *e, const char *community, const char *date,
                                const char *clock)
{
    return layout_header_note(e, community, date, clock, NULL);
}

struct draw_list *layout_header_note(const struct layout_env *e, const char *community,
                                     const char *date, const char *clock, const char *note)
{
    struct draw_list *d = xcalloc(1, sizeof *d);
    const struct layout *l = e->layout;
    d->clear = col(e, COL_HEADER_BACKGROUND);
    struct draw_op *bg = push(d, DRAW_RECT, layout_header_rect(e));
    bg->color = col(e, COL_HEADER_BACKGROUND);
    bool noted = note && *note;
    const struct region *regs[] = {&l->header_title, &l->header_date, &l->header_clock};
    const char *texts[] = {community, noted ? NULL : date, clock};
    for (size_t i = 0; i < ARRAY_LEN(regs); i++)
        if (regs[i]->present)
            add_text_in(d, e, regs[i], to_px(e, regs[i]->rect), texts[i], col(e, regs[i]->color));
    if (noted && l->header_date.present) {
        /* A pill of the header's text colour at low opacity: visible to those who look for
         * it, quiet for everyone else. */
        const struct region *r = &l->header_date;
        struct rect box = to_px(e, r->rect);
        int h = px_of(e, r->size) * 8 / 5, pad = h / 2;
        struct text_block *b = text_layout(e->metrics, r->face, note, box.w - 2 * pad, h, 1,
                                           px_of(e, r->size), px_of(e, r->min_size));
        int w = b->width + 2 * pad;
        struct rect pill = {r->align == ALIGN_LEFT ? box.x : box.x + box.w - w,
                            box.y + (box.h - h) / 2, w, h};
        struct draw_op *p = push(d, DRAW_RECT, pill);
        p->color = col(e, COL_HEADER_TEXT);
        p->color.a = 40;
        p->radius = h / 2;
        struct draw_op *t =
            push(d, DRAW_TEXT,
                 (struct rect){pill.x + pad, pill.y + (h - b->height) / 2, b->width, b->height});
        t->text = b;
        t->color = col(e, COL_HEADER_TEXT);
        t->align = ALIGN_LEFT;
    }
    return d;
}

/* ---- the detail view ---- */

/* Text sizes of the detail view, from the screen's short side: read at arm's length, so
 * smaller than a slide's but never below what a small panel shows comfortably. */
struct detail_sizes {
    int title, name, body, meta, label, gap;
};

static struct detail_sizes detail_sizes(const struct layout_env *e)
{
    int u = e->w < e->h ? e->w : e->h;
    struct detail_sizes s = {
        .title = (int)(0.056 * u),
        .name = (int)(0.046 * u),
        .body = (int)(0.036 * u),
        .meta = (int)(0.031 * u),
        .label = (int)(0.030 * u),
        .gap = (int)(0.025 * u),
    };
    if (s.body < 16)
        s.body = 16;
    if (s.meta < 14)
        s.meta = 14;
    if (s.label < 13)
        s.label = 13;
    if (s.name < s.body + 2)
        s.name = s.body + 2;
    if (s.title < s.name)
        s.title = s.name;
    return s;
}

/* One column of the detail view, filled from the top. */
struct column {
    struct draw_list *d;
    const struct layout_env *e;
    int x, w, y, max_h;
};

/* Adds text at the column's current height at px (cut with an ellipsis at max_h) and moves
 * down by it plus gap. */
static void column_text(struct column *c, const char *text, enum face_id face, int px,
                        enum color_role color, int gap)
{
    if (!text || !*text || c->y >= c->max_h)
        return;
    struct text_block *b = text_layout(c->e->metrics, face, text, c->w, c->max_h - c->y, 0, px, px);
    if (b->n_lines == 0) {
        text_block_destroy(b);
        return;
    }
    struct draw_op *op = push(c->d, DRAW_TEXT, (struct rect){c->x, c->y, c->w, b->height});
    op->text = b;
    op->color = col(c->e, color);
    op->align = b->n_lines > 0 && b->lines[0].rtl ? ALIGN_RIGHT : ALIGN_LEFT;
    c->y += b->height + gap;
}

/* A person: a round picture with the name and role beside it. */
static void column_person(struct column *c, const struct person *p, const struct detail_sizes *s,
                          enum str_id name_str)
{
    if (!p || !p->name || c->y >= c->max_h)
        return;
    int side = s->name * 2;
    if (side > c->w / 3)
        side = c->w / 3;
    add_avatar(c->d, c->e, p, NULL, (struct rect){c->x, c->y, side, side}, true);
    struct column right = {c->d, c->e, c->x + side + s->gap, c->w - side - s->gap, c->y, c->max_h};
    char *name = name_str != STR_COUNT ? tr_with(c->e->lang, name_str, p->name) : xstrdup(p->name);
    char *role = role_line(p);
    int lh = c->e->metrics->line_height(c->e->metrics->ctx, FACE_BOLD, s->name) +
             (role ? c->e->metrics->line_height(c->e->metrics->ctx, FACE_REGULAR, s->meta) : 0);
    if (lh < side)
        right.y += (side - lh) / 2;
    column_text(&right, name, FACE_BOLD, s->name, COL_TEXT, 0);
    column_text(&right, role, FACE_REGULAR, s->meta, COL_MUTED, 0);
    free(name);
    free(role);
    c->y = (right.y > c->y + side ? right.y : c->y + side) + s->gap;
}

static void column_label(struct column *c, const char *text, struct rgba fill,
                         const struct detail_sizes *s)
{
    if (c->y >= c->max_h)
        return;
    int h = s->label * 2, pad = h / 2;
    struct text_block *b =
        text_layout(c->e->metrics, FACE_BOLD, text, c->w - 2 * pad, h, 1, s->label, s->label);
    struct draw_op *bg = push(c->d, DRAW_RECT, (struct rect){c->x, c->y, b->width + 2 * pad, h});
    bg->color = fill;
    bg->radius = h / 2;
    struct draw_op *op =
        push(c->d, DRAW_TEXT,
             (struct rect){c->x + pad, c->y + (h - b->height) / 2, b->width, b->height});
    op->text = b;
    op->color = col(c->e, COL_ON_ACCENT);
    c->y += h + s->gap;
}

/* The QR code of the item's link, as wide as the column allows up to side, with the call to
 * action under it. */
static void column_qr(struct column *c, const struct item *it, int side,
                      const struct detail_sizes *s)
{
    if (!it->url || c->y >= c->max_h)
        return;
    struct qr *q = qr_encode(it->url);
    if (!q)
        return;
    if (side > c->w)
        side = c->w;
    int span = q->size + 2 * QR_QUIET_ZONE, m = side / span;
    if (m < 2 || c->y + m * span > c->max_h) {
        qr_destroy(q);
        return;
    }
    struct draw_op *op = push(c->d, DRAW_QR, (struct rect){c->x, c->y, m * span, m * span});
    op->qr = q;
    op->color = (struct rgba){0, 0, 0, 255};
    c->y += m * span + s->gap / 2;
    column_text(c, tr(c->e->lang, cta_of(it)), FACE_BOLD, s->meta, COL_ACCENT, s->gap);
}

static const enum str_id label_of[] = {
    [ITEM_POST] = STR_LABEL_POST,
    [ITEM_INTRODUCTION] = STR_LABEL_INTRODUCTION,
    [ITEM_SHOUTOUT] = STR_LABEL_SHOUTOUT,
    [ITEM_HELP_REQUEST] = STR_LABEL_HELP_ASK,
};
static_assert(ARRAY_LEN(label_of) == ITEM_TYPE_COUNT, "a label per type");

/* The top of an item's words in the detail view: what it is and who it is about. */
static void detail_head(struct column *c, const struct item *it, const struct detail_sizes *s)
{
    const struct layout *l = c->e->layout;
    bool offer = it->type == ITEM_HELP_REQUEST && it->kind == HELP_OFFER;
    column_label(c, tr(c->e->lang, offer ? STR_LABEL_HELP_OFFER : label_of[it->type]),
                 l->type_colors[offer ? ITEM_INTRODUCTION : it->type], s);
    switch (it->type) {
    case ITEM_INTRODUCTION: {
        column_text(c, it->person.name, FACE_BOLD, s->title, COL_TEXT, s->gap / 3);
        char *role = role_line(&it->person);
        column_text(c, role, FACE_REGULAR, s->meta, COL_MUTED, s->gap / 3);
        free(role);
        if (it->person.start_date != TIME_NONE) {
            char day[40];
            format_date_near(c->e->lang, it->person.start_date, c->e->now, day, sizeof day);
            bool started = days_of_time(it->person.start_date) <= days_of_time(c->e->now);
            char *meta = tr_with(c->e->lang, started ? STR_STARTED_ON : STR_STARTS_ON, day);
            column_text(c, meta, FACE_REGULAR, s->meta, COL_MUTED, 0);
            free(meta);
        }
        c->y += s->gap;
        break;
    }
    case ITEM_SHOUTOUT: {
        if (it->badge) {
            char *badge = xasprintf("%s %s", badge_emoji(it->badge), it->badge);
            column_text(c, badge, FACE_BOLD, s->meta, COL_ACCENT, s->gap / 2);
            free(badge);
        }
        char *names = names_list(c->e->lang, it->to, it->n_to);
        char *to = tr_with(c->e->lang, STR_TO, names);
        column_text(c, to, FACE_BOLD, s->title, COL_TEXT, s->gap);
        free(names);
        free(to);
        break;
    }
    case ITEM_POST:
    case ITEM_HELP_REQUEST:
        column_person(c, &it->author, s, STR_COUNT);
        break;
    case ITEM_TYPE_COUNT:
        break;
    }
}

/* The rest of the words: the whole text, everyone thanked, the details. */
static void detail_rest(struct column *c, const struct item *it, const struct detail_sizes *s)
{
    switch (it->type) {
    case ITEM_INTRODUCTION: {
        char *body = quoted(it->body);
        column_text(c, body, FACE_REGULAR, s->body, COL_TEXT, s->gap);
        free(body);
        break;
    }
    case ITEM_SHOUTOUT: {
        char *msg = quoted(it->message);
        column_text(c, msg, FACE_REGULAR, s->body, COL_TEXT, s->gap);
        free(msg);
        /* Everyone thanked, each with their picture: nobody is left out for lack of room. */
        for (size_t i = 0; i < it->n_to; i++)
            column_person(c, &it->to[i], s, STR_COUNT);
        c->y += s->gap;
        column_person(c, &it->from, s, STR_FROM);
        break;
    }
    case ITEM_POST:
    case ITEM_HELP_REQUEST: {
        column_text(c, it->title, FACE_BOLD, s->title, COL_TEXT, s->gap);
        column_text(c, it->body, FACE_REGULAR, s->body, COL_TEXT, s->gap);
        struct strbuf b = {0};
        for (size_t i = 0; i < it->n_tags; i++)
            strbuf_appendf(&b, "%s#%s", i ? "  " : "", it->tags[i]);
        if (it->until != TIME_NONE) {
            char day[40];
            format_date_near(c->e->lang, it->until, c->e->now, day, sizeof day);
            char *until = tr_with(c->e->lang, STR_UNTIL, day);
            strbuf_appendf(&b, "%s%s", b.len ? "  \xC2\xB7  " : "", until);
            free(until);
        }
        if (it->likes >= 0)
            strbuf_appendf(&b, "%s\xF0\x9F\x91\x8D %d", b.len ? "     " : "", it->likes);
        if (it->comments >= 0)
            strbuf_appendf(&b, "%s\xF0\x9F\x92\xAC %d", b.len ? "     " : "", it->comments);
        column_text(c, b.data, FACE_REGULAR, s->meta, COL_MUTED, s->gap);
        strbuf_free(&b);
        break;
    }
    case ITEM_TYPE_COUNT:
        break;
    }
}

/* The picture of the detail view in box: the photo, or a new colleague's portrait (initials
 * when there is none). */
static void detail_picture(struct draw_list *d, const struct layout_env *e, const struct item *it,
                           struct rect box)
{
    int radius = px_of(e, e->layout->corner_radius);
    if (it->type == ITEM_INTRODUCTION) {
        add_avatar(d, e, &it->person, it->image_url, box, false);
    } else if (image_ready(e, it->image_url)) {
        struct draw_op *op = push(d, DRAW_IMAGE, box);
        op->url = xstrdup(it->image_url);
        op->radius = radius;
    }
    add_video(d, e, it, box, radius);
}

struct draw_list *layout_detail(const struct layout_env *e, const struct item *it, int max_h,
                                struct detail_geom *g)
{
    struct rect hr = layout_header_rect(e);
    int top = hr.y + hr.h, u = e->w < e->h ? e->w : e->h;
    int m = u / 40 > 6 ? u / 40 : 6, pad = u / 25 > 10 ? u / 25 : 10;
    g->card = (struct rect){e->w / 20, top + m, e->w - e->w / 10, e->h - top - 2 * m};
    g->view =
        (struct rect){g->card.x + pad, g->card.y + pad, g->card.w - 2 * pad, g->card.h - 2 * pad};
    if (max_h <= 0)
        max_h = INT32_MAX / 2;
    struct draw_list *d = xcalloc(1, sizeof *d);
    d->clear = col(e, COL_SURFACE);
    struct detail_sizes s = detail_sizes(e);
    int W = g->view.w > 1 ? g->view.w : 1, vh = g->view.h > 1 ? g->view.h : 1;

    bool picture = it->type == ITEM_INTRODUCTION || image_ready(e, it->image_url) ||
                   video_ready(e, it->video_url);
    struct column text = {d, e, 0, W, 0, max_h};
    struct column side = text;
    int bottom;
    if (W * 4 >= vh * 5) {
        /* Landscape: the picture and the code in a column at the left, the words beside. */
        int pic_w = W * 3 / 10;
        if (picture || it->url) {
            side.w = pic_w;
            text.x = pic_w + 2 * s.gap;
            text.w = W - text.x;
        }
        if (picture) {
            struct rect box = {0, 0, pic_w, it->type == ITEM_INTRODUCTION ? pic_w : pic_w * 3 / 4};
            detail_picture(d, e, it, box);
            side.y = box.h + s.gap;
        }
        detail_head(&text, it, &s);
        detail_rest(&text, it, &s);
        column_qr(&side, it, pic_w / 2, &s);
        bottom = text.y > side.y ? text.y : side.y;
    } else {
        /* Portrait: the picture with the name beside it, then the words across, then the
         * code. */
        if (picture) {
            int pic_w = W * 2 / 5;
            struct rect box = {0, 0, pic_w, it->type == ITEM_INTRODUCTION ? pic_w : pic_w * 3 / 4};
            detail_picture(d, e, it, box);
            struct column head = {d, e, pic_w + s.gap, W - pic_w - s.gap, 0, max_h};
            detail_head(&head, it, &s);
            text.y = (head.y > box.h ? head.y : box.h) + s.gap;
        } else {
            detail_head(&text, it, &s);
        }
        detail_rest(&text, it, &s);
        text.y += s.gap;
        column_qr(&text, it, W / 2 < vh / 4 ? W / 2 : vh / 4, &s);
        bottom = text.y;
    }
    g->content_h = bottom > vh ? (bottom < max_h ? bottom : max_h) : vh;
    return d;
}

/* ---- the controls ---- */

static void add_hit(struct control_hit *hits, size_t max, size_t *n, struct rect r, int target,
                    enum control_id id, int arg)
{
    if (*n >= max)
        return;
    /* At least a finger's size, centred on what is drawn. */
    if (r.w < target) {
        r.x -= (target - r.w) / 2;
        r.w = target;
    }
    if (r.h < target) {
        r.y -= (target - r.h) / 2;
        r.h = target;
    }
    hits[(*n)++] = (struct control_hit){r, id, arg};
}

/* A round button of diameter t with a glyph in it. */
static struct rect add_round_button(struct draw_list *d, const struct layout_env *e, int x, int y,
                                    int t, const char *glyph)
{
    struct rect r = {x, y, t, t};
    struct draw_op *bg = push(d, DRAW_RECT, r);
    bg->color = col(e, COL_SURFACE); /* opaque: a translucent disc shows its seams */
    bg->radius = t / 2;
    struct region reg = {.face = FACE_BOLD,
                         .align = ALIGN_CENTER,
                         .valign = VALIGN_MIDDLE,
                         .max_lines = 1,
                         .size = (float)(t * 3 / 5) / (float)e->h,
                         .min_size = (float)(t / 3) / (float)e->h};
    add_text_in(d, e, &reg, r, glyph, col(e, COL_TEXT));
    return r;
}

static const enum str_id filter_names[] = {
    [ITEM_POST] = STR_FILTER_POST,         [ITEM_INTRODUCTION] = STR_FILTER_INTRODUCTION,
    [ITEM_SHOUTOUT] = STR_FILTER_SHOUTOUT, [ITEM_HELP_REQUEST] = STR_FILTER_HELP_REQUEST,
    [ITEM_TYPE_COUNT] = STR_FILTER_ALL,
};
static_assert(ARRAY_LEN(filter_names) == ITEM_TYPE_COUNT + 1, "a filter name per type and all");

/* Width of the widest of rows rows of chips at text size px (each chip pads its text by px
 * on both sides). */
static int chip_rows_width(const struct layout_env *e, const int *chips, int n, int rows, int px,
                           int gap)
{
    int per = (n + rows - 1) / rows, widest = 0;
    for (int r = 0; r < rows; r++) {
        int total = 0;
        for (int i = r * per; i < n && i < (r + 1) * per; i++) {
            const char *s = tr(e->lang, filter_names[chips[i]]);
            total += e->metrics->width(e->metrics->ctx, FACE_BOLD, px, s, strlen(s)) + px * 2 +
                     (i > r * per ? gap : 0);
        }
        widest = total > widest ? total : widest;
    }
    return widest;
}

/* The filter row: a chip per type that has items, after "All", centred along the bottom; in
 * two rows when one would make the words too small (a portrait screen). */
static void add_filter_row(struct draw_list *d, const struct layout_env *e,
                           const struct controls_state *st, struct control_hit *hits, size_t max,
                           size_t *n)
{
    int t = st->target_px, gap = t / 4, margin = t / 3;
    int chips[ITEM_TYPE_COUNT + 1], n_chips = 0;
    chips[n_chips++] = ITEM_TYPE_COUNT;
    for (int k = 0; k < ITEM_TYPE_COUNT; k++)
        if (st->types & (1u << k))
            chips[n_chips++] = k;
    int room = e->w - 2 * margin, rows = 1, px = t * 2 / 5;
    /* One row at a comfortable size, else two rows, else two rows cut with "…". */
    int comfortable = t * 3 / 10 > 12 ? t * 3 / 10 : 12, least = t / 4 > 10 ? t / 4 : 10;
    bool fits = false;
    for (rows = 1; rows <= 2 && !fits; rows++) {
        int floor_px = rows == 1 ? comfortable : least;
        for (px = t * 2 / 5; px >= floor_px && !fits; px--)
            fits = chip_rows_width(e, chips, n_chips, rows, px, gap) <= room;
    }
    rows--;
    px++;
    int per = (n_chips + rows - 1) / rows;
    int max_w = fits ? room : room / per - px * 2 - gap;
    int top = e->h - margin - rows * t - (rows - 1) * gap;
    struct draw_op *band =
        push(d, DRAW_RECT, (struct rect){0, top - margin, e->w, e->h - top + margin});
    band->color = col(e, COL_BACKGROUND);
    band->color.a = 225;
    for (int r = 0; r < rows; r++) {
        int from = r * per, to = from + per < n_chips ? from + per : n_chips;
        struct text_block *blocks[ITEM_TYPE_COUNT + 1];
        int total = (to - from - 1) * gap;
        for (int i = from; i < to; i++) {
            blocks[i] = text_layout(e->metrics, FACE_BOLD, tr(e->lang, filter_names[chips[i]]),
                                    max_w > px ? max_w : px, t, 1, px, px);
            total += blocks[i]->width + px * 2;
        }
        int x = (e->w - total) / 2, y = top + r * (t + gap);
        for (int i = from; i < to; i++) {
            bool on = chips[i] == st->filter;
            struct rect box = {x, y, blocks[i]->width + px * 2, t};
            struct draw_op *bg = push(d, DRAW_RECT, box);
            bg->color = on ? col(e, COL_ACCENT) : col(e, COL_SURFACE);
            bg->radius = t / 2;
            struct draw_op *op = push(d, DRAW_TEXT,
                                      (struct rect){x + px, y + (t - blocks[i]->height) / 2,
                                                    blocks[i]->width, blocks[i]->height});
            op->text = blocks[i];
            op->color = on ? col(e, COL_ON_ACCENT) : col(e, COL_TEXT);
            add_hit(hits, max, n, box, t, CONTROL_FILTER, chips[i]);
            x += box.w + gap;
        }
    }
}

/* The sign that the slideshow waits: a pause symbol and the word, under the header. A tap
 * on it resumes the slideshow. */
static void add_pause_sign(struct draw_list *d, const struct layout_env *e, int t,
                           struct control_hit *hits, size_t max, size_t *n)
{
    struct rect hr = layout_header_rect(e);
    int px = t * 2 / 5, pad = t / 3;
    const char *word = tr(e->lang, STR_PAUSED);
    struct text_block *b = text_layout(e->metrics, FACE_BOLD, word, e->w / 3, t, 1, px, px);
    int bar = px / 4 > 2 ? px / 4 : 2, icon = bar * 3;
    struct rect r = {0, hr.y + hr.h + t / 4, pad * 2 + icon + pad + b->width, t * 4 / 5};
    r.x = e->w - r.w - t / 3;
    struct draw_op *bg = push(d, DRAW_RECT, r);
    bg->color = col(e, COL_HEADER_BACKGROUND);
    bg->color.a = 230;
    bg->radius = r.h / 2;
    int ih = px;
    for (int i = 0; i < 2; i++) {
        struct draw_op *op = push(
            d, DRAW_RECT, (struct rect){r.x + pad + i * 2 * bar, r.y + (r.h - ih) / 2, bar, ih});
        op->color = col(e, COL_HEADER_TEXT);
    }
    struct draw_op *op = push(
        d, DRAW_TEXT,
        (struct rect){r.x + pad + icon + pad, r.y + (r.h - b->height) / 2, b->width, b->height});
    op->text = b;
    op->color = col(e, COL_HEADER_TEXT);
    add_hit(hits, max, n, r, t, CONTROL_RESUME, 0);
}

struct draw_list *layout_controls(const struct layout_env *e, const struct controls_state *st,
                                  struct control_hit *hits, size_t max_hits, size_t *n_hits)
{
    struct draw_list *d = xcalloc(1, sizeof *d);
    d->clear = (struct rgba){0, 0, 0, 0};
    *n_hits = 0;
    int t = st->target_px > 8 ? st->target_px : 8;
    if (st->detail) {
        struct rect c = st->card;
        struct rect r = add_round_button(d, e, c.x + c.w - t - t / 4, c.y + t / 4, t,
                                         "\xC3\x97"); /* multiplication sign */
        add_hit(hits, max_hits, n_hits, r, t, CONTROL_CLOSE, 0);
        if (st->sound) {
            /* a speaker, crossed out while muted (emoji: drawn in colour by the font) */
            r = add_round_button(d, e, c.x + c.w - 2 * t - t / 2, c.y + t / 4, t,
                                 st->unmuted ? "\xF0\x9F\x94\x8A" : "\xF0\x9F\x94\x87");
            add_hit(hits, max_hits, n_hits, r, t, CONTROL_SOUND, 0);
        }
        return d;
    }
    add_pause_sign(d, e, t, hits, max_hits, n_hits);
    if (st->can_browse) {
        struct rect hr = layout_header_rect(e);
        int mid = hr.y + hr.h + (e->h - hr.y - hr.h - t) / 2 - t / 2, m = t / 4;
        struct rect r = add_round_button(d, e, m, mid, t, "\xE2\x80\xB9"); /* single angle quote */
        add_hit(hits, max_hits, n_hits, r, t, CONTROL_PREV, 0);
        r = add_round_button(d, e, e->w - t - m, mid, t, "\xE2\x80\xBA");
        add_hit(hits, max_hits, n_hits, r, t, CONTROL_NEXT, 0);
    }
    add_filter_row(d, e, st, hits, max_hits, n_hits);
    return d;
}
