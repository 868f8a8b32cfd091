/* render_sdl: executes draw lists with SDL_Renderer and SDL_ttf. Each slide and the header are
 * drawn once into a texture (keyed by the app's draw-list keys); a frame is then a couple of
 * texture copies, so a static screen and the crossfade never call SDL_ttf. */
#ifndef PRIKBORD_RENDER_SDL_H
#define PRIKBORD_RENDER_SDL_H

#include "app.h"
#include "fonts.h"
#include "video.h"

#include <SDL.h>

struct renderer;

/* Looks up the decoded picture for a URL; NULL when there is none. The surface is borrowed. */
typedef SDL_Surface *(*render_image_fn)(void *ctx, const char *url);

/* r and fonts are borrowed and must outlive the renderer. */
struct renderer *renderer_create(SDL_Renderer *r, struct fonts *fonts);
void renderer_destroy(struct renderer *rd); /* NULL-safe */

/* Draws a frame onto the output (not presented), turned by the rotation. Draw lists not yet
 * in a texture are rendered first, with images from lookup(ctx, url). Returns false (logged)
 * on an SDL error; the next call tries again. */
bool renderer_draw(struct renderer *rd, const struct app_frame *f, render_image_fn lookup,
                   void *ctx);

/* After renderer_draw: true with the part of the output that frame changed, when it changed
 * only that (the clock: the software renderer draws into the window's own pixels, which keep
 * the rest of the last frame); false when the whole output must be presented. */
bool renderer_damage(const struct renderer *rd, SDL_Rect *r);

/* Clears the output to black (a dark screen); the next frame is drawn whole. */
void renderer_clear(struct renderer *rd);

/* Renders slide d (texture key) into a texture now, without drawing anything, so that the
 * frame that first shows it only copies or blends it (app_prepare). It is kept until a frame
 * uses it or another is prepared. Returns false (logged) on an SDL error. */
bool renderer_prepare(struct renderer *rd, const struct draw_list *d, uint64_t key,
                      render_image_fn lookup, void *ctx);

/* The picture of the video playing (the frame's video) for the next renderer_draw, or NULL
 * for none (the slide's poster shows). It is uploaded only when it changed; borrowed until
 * that draw. progress (0..1) draws a quiet line along its bottom edge; below 0, none. */
void renderer_set_video(struct renderer *rd, const struct video_picture *pic, float progress);

/* Drops cached textures (after a resize or a renderer reset). */
void renderer_flush(struct renderer *rd);

/* Turns the picture clockwise by degrees (0, 90, 180 or 270; anything else is 0) for a panel
 * mounted on its side or upside down. Frames are then laid out for the turned size (see
 * renderer_logical_size) and turned onto the output as a whole. */
void renderer_set_rotation(struct renderer *rd, int degrees);

/* The size slides are laid out for on an out_w x out_h output turned by rotation degrees. */
void renderer_logical_size(int rotation, int out_w, int out_h, int *w, int *h);

#endif
