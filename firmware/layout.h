/* layout: layout data (from layouts/NAME.json, see docs/layouts.md) plus a slide and the screen
 * size give a draw list, which the renderer executes. Text is measured through the metrics
 * callbacks, so "does this fit its box" is decided here and tested without a display. Pure. */
#ifndef PRIKBORD_LAYOUT_H
#define PRIKBORD_LAYOUT_H

#include "i18n.h"
#include "model.h"
#include "qr.h"
#include "text.h"

#include <stdbool.h>
#include <stdint.h>

struct rgba {
    uint8_t r, g, b, a;
};

struct rect {
    int x, y, w, h;
};

enum color_role {
    COL_BACKGROUND,
    COL_SURFACE,
    COL_TEXT,
    COL_MUTED,
    COL_ACCENT,
    COL_HEADER_BACKGROUND,
    COL_HEADER_TEXT,
    COL_ON_ACCENT,
    COL_COUNT
};
const char *color_role_name(enum color_role c);

enum face_id { FACE_REGULAR, FACE_BOLD, FACE_BUILTIN_COUNT };
enum align { ALIGN_LEFT, ALIGN_CENTER, ALIGN_RIGHT, ALIGN_COUNT };
enum valign { VALIGN_TOP, VALIGN_MIDDLE, VALIGN_BOTTOM, VALIGN_COUNT };

/* The named places on a slide. Each slide type uses the ones it has content for. */
enum region_id {
    REG_CARD,   /* the surface the slide sits on */
    REG_LABEL,  /* the type pill: "New colleague", "Shout-out", ... */
    REG_PHOTO,  /* image_url (or the big avatar of an introduction) */
    REG_AVATAR, /* the main person's avatar or initials */
    REG_NAME,   /* the main person's name */
    REG_ROLE,   /* role · team */
    REG_META,   /* start date, "until", tags */
    REG_TITLE,
    REG_BODY,       /* body or shout-out message */
    REG_RECIPIENTS, /* shout-out: the people thanked */
    REG_BADGE,      /* shout-out badge */
    REG_REACTIONS,
    REG_FOOTER, /* page indicator */
    REG_QR,     /* a QR code of the item's url, square, with its quiet zone */
    REG_CTA,    /* the call to action next to it: "Say welcome", "I can help", ... */
    REG_COUNT
};
const char *region_name(enum region_id r);

/* Geometry in screen fractions: x and w of the width, y and h of the height. */
struct frect {
    float x, y, w, h;
};

struct region {
    bool present;
    struct frect rect;
    bool has_rect_no_photo; /* used instead of rect when the slide shows no photo */
    struct frect rect_no_photo;
    enum region_id follows; /* REG_COUNT: none; else starts below that region's text */
    float gap;              /* space below the followed region, fraction of height */
    /* text */
    float size, min_size; /* fractions of the screen height */
    enum face_id face;
    enum color_role color;
    int max_lines; /* 0: as many as fit */
    enum align align;
    enum valign valign;
    /* shapes */
    bool circle;
    enum color_role fill; /* COL_COUNT: no fill */
};

enum slide_kind {
    SLIDE_POST = ITEM_POST,
    SLIDE_INTRODUCTION = ITEM_INTRODUCTION,
    SLIDE_SHOUTOUT = ITEM_SHOUTOUT,
    SLIDE_HELP_REQUEST = ITEM_HELP_REQUEST,
    SLIDE_STATUS,
    SLIDE_KIND_COUNT
};

struct layout {
    char *name;
    /* The screens it is meant for: width / height, and pixel bounds (0: none) for the layouts
     * of small panels. */
    float min_aspect, max_aspect;
    int min_w, max_w, min_h, max_h;
    struct rgba colors[COL_COUNT];
    struct rgba type_colors[ITEM_TYPE_COUNT];
    char *font;          /* fontconfig family name */
    float corner_radius; /* fraction of the screen height */
    struct frect header;
    struct region header_title, header_date, header_clock;
    struct region slides[SLIDE_KIND_COUNT][REG_COUNT];
};

/* Parses a layout document. Returns a layout the caller frees with layout_destroy, or NULL
 * with "what is wrong" in err (the caller prefixes the file name). Missing optional parts
 * keep the built-in values. */
struct layout *layout_parse(const char *json, size_t len, char *err, size_t errlen);
/* The built-in layout (compiled from layouts/landscape.json); never NULL. */
struct layout *layout_builtin(void);
void layout_destroy(struct layout *l); /* NULL-safe */

/* Whether a w x h screen is inside l's "fits" range (aspect and pixel bounds). */
bool layout_fits(const struct layout *l, int w, int h);
/* For the automatic choice: < 0 when a suits a w x h screen better than b, > 0 when b does, 0
 * when neither is better (the caller keeps the first by file name, so the choice does not
 * depend on directory order). A layout that fits beats one that does not; among those that
 * fit, the narrower aspect range wins, then the one with pixel bounds (made for that size
 * class). When none fits, the nearest aspect range wins. */
int layout_compare_fit(const struct layout *a, const struct layout *b, int w, int h);

/* Text smaller than this fraction of the screen height is refused by layout_parse: it cannot
 * be read on a wall. The shipped layouts keep a higher floor (docs/layouts.md). */
#define LAYOUT_MIN_TEXT 0.015f

/* ---- draw lists ---- */

enum draw_kind { DRAW_RECT, DRAW_TEXT, DRAW_IMAGE, DRAW_QR, DRAW_VIDEO, DRAW_KIND_COUNT };

struct draw_op {
    enum draw_kind kind;
    struct rect r;
    struct rgba color;       /* fill (RECT) or ink (TEXT) */
    int radius;              /* rounded corners; r.w/2 on a square makes a circle */
    struct text_block *text; /* TEXT: owned; lines drawn from r.x/r.y, aligned in r.w */
    enum align align;
    char *url;             /* IMAGE: owned key into the image set; cropped to fill r */
    enum region_id region; /* the region it was placed for; REG_COUNT: the header */
    struct qr *qr;         /* QR: owned; r is the code with its quiet zone, color the ink;
                              r.w / (qr->size + 2 * QR_QUIET_ZONE) px per module, exactly */
    /* VIDEO: url is the video; it plays in r (the renderer draws its frames over the slide),
     * with radius corners cut in color (what is around it). With poster, the slide itself
     * shows the video's first frame there (no photo is under it). */
    bool poster;
};

struct draw_list {
    struct rgba clear; /* background */
    struct draw_op *ops;
    size_t n, cap;
};
void draw_list_destroy(struct draw_list *d); /* NULL-safe */
/* A fingerprint of what op draws (kind, place, colours, text, picture, code): ops with the
 * same fingerprint draw the same pixels. For telling which part of a redrawn list changed. */
uint64_t draw_op_hash(const struct draw_op *op);

/* What layout needs from the outside. */
struct layout_env {
    const struct layout *layout;
    const struct text_metrics *metrics;
    int w, h; /* screen size in pixels */
    enum lang lang;
    int64_t now; /* wall-clock seconds, for "started on" versus "starts on" */
    /* Whether the image for url is decoded and ready (NULL: no image is). */
    bool (*has_image)(void *ctx, const char *url);
    /* The length in ms of the video at url when it is ready to play (-1: it does not say), or
     * LAYOUT_NO_VIDEO (NULL: no video is). */
    int64_t (*video_ms)(void *ctx, const char *url);
    void *ctx;
};
#define LAYOUT_NO_VIDEO (-2)

/* Builds the draw list for one item. page/pages feed the page indicator (pages 0: none).
 * The caller owns the result. */
struct draw_list *layout_slide(const struct layout_env *env, const struct item *it, int page,
                               int pages);
/* A status slide (first boot, nothing to show): a title and a message. */
struct draw_list *layout_status(const struct layout_env *env, const char *title,
                                const char *message);
/* The header band: community name, date and clock. */
struct draw_list *layout_header(const struct layout_env *env, const char *community,
                                const char *date, const char *clock);
/* The same with a note for whoever administers the screen ("updated 10:42", a refused token):
 * a calm pill in the date's place. note NULL or "": the plain header. */
struct draw_list *layout_header_note(const struct layout_env *env, const char *community,
                                     const char *date, const char *clock, const char *note);
/* The header band's rectangle in pixels. */
struct rect layout_header_rect(const struct layout_env *env);

/* ---- a person at the screen: the detail view and the controls ---- */

/* Where the detail view sits: a card over the dimmed slide, and inside it a viewport through
 * which the content (content_h pixels tall, laid out from the viewport's top-left corner)
 * scrolls. */
struct detail_geom {
    struct rect card, view;
    int content_h;
};

/* The whole of an item for the detail view: all its text, the larger photo, every recipient
 * of a shout-out, and its QR code. Ops are in content coordinates (0,0 is the viewport's
 * top-left corner); the caller owns the result. max_h bounds the content height (0: none);
 * longer text is cut with an ellipsis. */
struct draw_list *layout_detail(const struct layout_env *env, const struct item *it, int max_h,
                                struct detail_geom *geom);

/* What a tap on a control does. */
enum control_id {
    CONTROL_FILTER, /* arg: the item type, or ITEM_TYPE_COUNT for all */
    CONTROL_PREV,
    CONTROL_NEXT,
    CONTROL_CLOSE,  /* closes the detail view */
    CONTROL_RESUME, /* the pause sign: back to the slideshow */
    CONTROL_SOUND,  /* the detail view's video: sound on or off */
    CONTROL_ID_COUNT
};

struct control_hit {
    struct rect r; /* at least target_px in each direction */
    enum control_id id;
    int arg;
};

struct controls_state {
    int target_px;    /* the smallest a finger can hit reliably */
    unsigned types;   /* bit per item type that has items: those get a filter */
    int filter;       /* the chosen type, or ITEM_TYPE_COUNT for all */
    bool detail;      /* the detail view is open (close control, no filter row) */
    struct rect card; /* with detail: the card the close control sits on */
    bool can_browse;  /* more than one item: the previous and next controls */
    bool sound;       /* with detail: its video may be unmuted (video.audio) */
    bool unmuted;     /* ...and is */
};

/* The controls over a slide while someone interacts: the filter row along the bottom, the
 * previous and next buttons at the sides, the pause sign under the header, and the close
 * control of the detail view. The list's clear colour is transparent; hits (at most
 * max_hits) receive where each control reacts. Returns the list (caller owns). */
struct draw_list *layout_controls(const struct layout_env *env, const struct controls_state *st,
                                  struct control_hit *hits, size_t max_hits, size_t *n_hits);

/* Colour for a placeholder avatar derived from the name: stable, and dark enough for white
 * initials (contrast >= 4.5:1). */
struct rgba layout_name_color(const char *name);

/* WCAG contrast ratio of two opaque colours (1..21). */
double color_contrast(struct rgba a, struct rgba b);

#endif
