#include "layout.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static struct rect region_box(struct placer *p, enum region_id id)
{
    const struct region *r = &p->regs[id];
    struct rect box = region_rect(p, id);
    if (r->follows != REG_COUNT) {
        int top = p->bottom[r->follows];
        if (top >= 0) {
            top += px_of(p->e, r->gap);
            int bottom = box.y + box.h;
            box.y = top;
            box.h = bottom - top;
        } else {
            /* The followed region is empty: take its place. */
            struct rect prev = region_box(p, r->follows);
            box.h += box.y - prev.y;
            box.y = prev.y;
        }
    }
    return box;
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

static void place_photo(struct placer *p, const char *url)
{
    const struct region *r = &p->regs[REG_PHOTO];
    if (!r->present || !p->photo)
        return;
    struct draw_op *op = push(p->d, DRAW_IMAGE, to_px(p->e, r->rect));
    op->url = xstrdup(url);
    op->radius = px_of(p->e, p->e->layout->corner_radius);
    op->region = REG_PHOTO;
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
    static const enum str_id cta[] = {
        [ITEM_POST] = STR_CTA_POST,
        [ITEM_INTRODUCTION] = STR_CTA_INTRODUCTION,
        [ITEM_SHOUTOUT] = STR_CTA_SHOUTOUT,
        [ITEM_HELP_REQUEST] = STR_CTA_HELP_ASK,
    };
    enum str_id id = it->type == ITEM_HELP_REQUEST && it->kind == HELP_OFFER
                         ? STR_CTA_HELP_OFFER
                         : cta[(unsigned)it->type < ITEM_TYPE_COUNT ? it->type : ITEM_POST];
    place_text(p, REG_CTA, tr(p->e->lang, id));
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
    place_photo(p, it->image_url);
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
    if (r->present)
        add_avatar(p->d, p->e, &it->person, it->image_url, to_px(p->e, r->rect), r->circle);
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
    size_t fit = box.w >= s ? (size_t)((box.w - s) / step + 1) : 0;
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
    p.photo = image_ready(e, it->image_url);
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
