/* text: line breaking, font fallback runs and fitting, with metrics supplied by the caller so
 * that it is tested with stubbed widths and never includes a font library. */
#ifndef PRIKBORD_TEXT_H
#define PRIKBORD_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Faces are small integers chosen by the metrics provider (the renderer's font table). */
struct text_metrics {
    void *ctx;
    /* Advance width in pixels of s[0..len) drawn with face at px. */
    int (*width)(void *ctx, int face, int px, const char *s, size_t len);
    /* Distance between baselines for face at px. */
    int (*line_height)(void *ctx, int face, int px);
    /* The face that draws cp, starting from the style's face (font fallback); NULL = face. */
    int (*face_for)(void *ctx, int face, uint32_t cp);
};

/* A stretch of a line drawn with one face in one direction. A line's runs are in logical
 * (reading) order; their x places them in visual order. */
struct text_run {
    int face;
    size_t start, len; /* bytes into the line's text */
    int x, w;          /* pixels from the line's left edge */
    bool rtl;          /* drawn right to left (Hebrew, Arabic; mirrored brackets) */
};

struct text_line {
    char *s; /* owned, NUL-terminated */
    int width;
    bool rtl; /* its paragraph reads right to left (its first strong character is RTL) */
    struct text_run *runs;
    size_t n_runs;
};

struct text_block {
    int face; /* the style's face: its ascent places every line's baseline */
    int px;   /* the size the text was fitted at */
    int line_height;
    int width;      /* widest line */
    int height;     /* n_lines * line_height */
    bool truncated; /* did not fit even at min_px and was cut with an ellipsis */
    struct text_line *lines;
    size_t n_lines;
};

/* Lays out text (sanitised UTF-8, '\n' for paragraph breaks) into lines at most max_w wide,
 * at most max_lines lines (0: no limit) and at most max_h pixels tall (0: no limit). Starts at
 * px and shrinks towards min_px until it fits; if it still does not fit, the text is cut at
 * min_px and ends in "…". A single word wider than the box is broken between characters.
 * Returns a block the caller frees with text_block_destroy (never NULL; empty text gives zero
 * lines). */
struct text_block *text_layout(const struct text_metrics *m, int face, const char *text, int max_w,
                               int max_h, int max_lines, int px, int min_px);
void text_block_destroy(struct text_block *b); /* NULL-safe */

/* Whether s[0..len) reads right to left: its first letter of a strong direction is from an
 * RTL script (Hebrew, Arabic, ...). Digits, spaces, punctuation and emoji do not count. */
bool text_is_rtl(const char *s, size_t len);

/* Initials for a placeholder avatar: the first letter of the first and of the last word of
 * name, uppercased for Latin, Greek and Cyrillic ("Zoë van den Berg" -> "ZB"; "Ĳsbrand" ->
 * "Ĳ"). Writes at most outlen-1 bytes; returns out. */
char *text_initials(const char *name, char *out, size_t outlen);

#endif
