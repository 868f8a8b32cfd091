/* app: what the screen shows when. Holds the content, the rotation, the slide on screen and
 * the crossfade, and turns them into frames for the renderer. Pure: time, content and text
 * metrics come in, draw lists go out; the renderer and the event loop live in main. */
#ifndef PRIKBORD_APP_H
#define PRIKBORD_APP_H

#include "gesture.h"
#include "layout.h"
#include "model.h"
#include "schedule.h"

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct app_options {
    int64_t slide_ms;      /* minimum time a slide stays */
    int64_t max_slide_ms;  /* longest time a long text may keep a slide */
    int64_t transition_ms; /* crossfade; 0 cuts */
    int max_fps;           /* frame cap while something moves */
    enum lang lang;
    bool clock_24h;
    const char *title; /* the header's name when the feed gives none (copied); NULL: Prikbord */
    /* What is shown and for how long (copied). NULL: every item without a default life, and
     * reading time between slide_ms and max_slide_ms. */
    const struct schedule_rules *rules;
    int64_t max_video_ms; /* longest a video keeps its slide (video.max_seconds); 0: 60 s */
};

struct app;

/* The layout and metrics are borrowed and must outlive the app. */
struct app *app_create(const struct app_options *o, const struct layout *l,
                       const struct text_metrics *m, int w, int h);
void app_destroy(struct app *a); /* NULL-safe */

/* Replaces the content; takes ownership of f. has_image(ctx, url) tells which images are
 * decoded and may be drawn; ctx must stay valid until the next app_set_feed. The slide on
 * screen stays when its item is still there (and is redrawn with the new content); when it is
 * gone (withdrawn from the feed), the next slide replaces it at once, without a fade. */
void app_set_feed(struct app *a, struct feed *f, bool (*has_image)(void *ctx, const char *url),
                  void *ctx);

/* How long the video at url plays (ms; -1: it does not say), or LAYOUT_NO_VIDEO when it is
 * not ready: called with the ctx of app_set_feed. Until set, no item has a video. */
void app_set_videos(struct app *a, int64_t (*video_ms)(void *ctx, const char *url));

/* The status slide shown while there is no content (first boot, feed unusable and nothing
 * cached). Both strings are copied; NULL restores the default "one moment" text. */
void app_set_status(struct app *a, const char *title, const char *message);

/* A short note in the header for whoever administers the screen ("updated 10:42", "the
 * server refused the token"), or NULL for none. Copied; redraws the header only on change. */
void app_set_note(struct app *a, const char *note);

/* The screen size changed: everything is laid out again. */
void app_resize(struct app *a, int w, int h);

/* Advances to monotonic time now_ms (wall: seconds since the epoch, local: the same moment
 * in local time for the clock). Returns the monotonic time of the next tick it needs. */
int64_t app_tick(struct app *a, int64_t now_ms, int64_t wall, const struct tm *local);

/* One frame: the header band, and the slide(s) with the crossfade position t (0: only from,
 * 1: only to). Keys identify draw lists so that a renderer can cache what it drew for them. */
struct app_frame {
    const struct draw_list *header;
    uint64_t header_key;
    const struct draw_list *from, *to; /* from is NULL outside a transition */
    uint64_t from_key, to_key;
    float t;
    /* A slide following a finger: to is drawn dx pixels to the side, and its neighbour
     * (NULL: none) at peek_dx. */
    int to_dx;
    const struct draw_list *peek;
    uint64_t peek_key;
    int peek_dx;
    /* The detail view (NULL: closed) over the dimmed slide: its content (detail_h pixels
     * tall, in content coordinates) is drawn in geom.view, scrolled up by detail_scroll, on
     * a card of the list's clear colour. */
    const struct draw_list *detail;
    uint64_t detail_key;
    struct detail_geom geom;
    int detail_scroll;
    /* The controls over everything but the header (NULL: hidden); transparent background. */
    const struct draw_list *controls;
    uint64_t controls_key;
    /* The video playing (url NULL: none): in r, clipped to clip, corners of radius cut in
     * corner. It started at start_ms on the monotonic clock and plays for length_ms (then
     * its last frame stays). in_detail: it belongs to the detail view (drawn over it);
     * otherwise to the slide to (moved by to_dx, faded in with t). */
    struct app_video {
        const char *url;
        struct rect r, clip;
        int radius;
        struct rgba corner;
        int64_t start_ms, length_ms;
        bool in_detail;
        bool unmuted; /* someone turned its sound on (only in the detail view) */
    } video;
};

/* The slide the rotation shows next, laid out about a second before its turn, once: true
 * with its draw list and texture key, for the renderer to draw into a texture while nothing
 * moves (renderer_prepare). The crossfade then uses that key. Valid like app_frame's lists. */
bool app_prepare(struct app *a, const struct draw_list **dl, uint64_t *key);

/* Fills *out and returns true when the screen changed since the previous call. The draw
 * lists stay valid until the next app_* call that changes state. */
bool app_frame(struct app *a, struct app_frame *out);

/* The item on screen, or NULL for a status slide. */
const struct item *app_current_item(const struct app *a);

/* Headless: moves to the next slide of the rotation with its transition already finished.
 * Returns the item now on screen (NULL: a status slide). */
const struct item *app_show_next(struct app *a, int64_t now_ms, int64_t wall);

/* ---- a person at the screen: touch, mouse and keyboard ---- */

struct app_input_options {
    bool enabled;    /* false: input is ignored (a wall without touch, kept clean) */
    bool controls;   /* the filter row, buttons and pause sign appear on input */
    int64_t idle_ms; /* after this long without input the screen returns to cycling */
    int target_px;   /* the smallest control a finger hits reliably (about 9 mm) */
    bool sound;      /* video.audio: the detail view offers to unmute its video */
    struct gesture_config gesture;
};

/* Sets how input is handled (copied). Until called, input is ignored. */
void app_set_input(struct app *a, const struct app_input_options *o);

enum app_pointer { APP_POINTER_DOWN, APP_POINTER_MOVE, APP_POINTER_UP, APP_POINTER_COUNT };

/* A contact (GESTURE_MOUSE or a finger id) at (x, y) in slide coordinates at monotonic time
 * now_ms: swipes browse, a tap opens the detail view or works a control. */
void app_pointer(struct app *a, enum app_pointer action, int64_t id, int x, int y, int64_t now_ms);

/* A key by its SDL name: Left/Right browse, Return opens or closes the detail view, Escape
 * goes back (detail, then filter, then cycling), Space pauses or resumes, Up/Down scroll.
 * Returns false for a key that means nothing here (so the caller may treat Escape as quit). */
bool app_key(struct app *a, const char *key, int64_t now_ms);

/* Whether someone is interacting (the slideshow waits), and what they see. */
bool app_interacting(const struct app *a);
bool app_detail_open(const struct app *a);
/* The type browsing is limited to, or ITEM_TYPE_COUNT for all. */
enum item_type app_filter(const struct app *a);

/* Number of items the rotation shows at wall time wall. */
size_t app_count_shown(const struct app *a, int64_t wall);

#endif
