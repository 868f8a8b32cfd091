/* fonts: the faces text is drawn with. fontconfig finds the layout's family and, per missing
 * character, a fallback face (SDL_ttf has no fallback of its own); SDL_ttf measures and
 * renders. Colour emoji fonts with one bitmap size are scaled to the size asked for. */
#ifndef PRIKBORD_FONTS_H
#define PRIKBORD_FONTS_H

#include "text.h"

#include <SDL.h>
#include <stdbool.h>
#include <stddef.h>

struct fonts;

/* Finds family (regular and bold) through fontconfig. Returns NULL with a reason in err when
 * no usable font exists at all. TTF_Init must have been called. */
struct fonts *fonts_create(const char *family, char *err, size_t errlen);
void fonts_destroy(struct fonts *f); /* NULL-safe */

/* Metrics for text_layout; valid as long as f. Not thread-safe: use on the render thread. */
const struct text_metrics *fonts_metrics(struct fonts *f);

/* Renders s[0..len) with face at size px in colour c, at that size (bitmap faces scaled),
 * shaped right to left when rtl (a text_run's rtl: Hebrew, Arabic, mirrored brackets).
 * Returns a surface the caller frees, or NULL (logged) when nothing can be drawn (for
 * example zero-width text). *ascent receives the baseline offset from the surface's top. */
SDL_Surface *fonts_render(struct fonts *f, int face, int px, const char *s, size_t len, bool rtl,
                          SDL_Color c, int *ascent);

/* Baseline offset from the top of a line of the primary face at px. */
int fonts_line_ascent(struct fonts *f, int face, int px);

#endif
