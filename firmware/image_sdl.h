/* image_sdl: the SDL side of an image, for the renderer only (everything else uses image.h). */
#ifndef PRIKBORD_IMAGE_SDL_H
#define PRIKBORD_IMAGE_SDL_H

#include "image.h"

#include <SDL.h>

/* The decoded pixels as an ARGB8888 surface; owned by img, valid until image_destroy(img).
 * The caller may read it (e.g. SDL_CreateTextureFromSurface) but must not free or resize it. */
SDL_Surface *image_surface(const struct image *img);

/* Scales src_rect of src (all of src when NULL; clipped to it) to a new w x h ARGB8888 surface
 * the caller frees: area averaging when shrinking, linear interpolation when enlarging, colour
 * weighted by alpha. src may be in any format and is not changed. Returns NULL with
 * SDL_GetError() set when w or h < 1 or the rectangle holds no pixels. Any thread. */
SDL_Surface *image_scale_surface(SDL_Surface *src, const SDL_Rect *src_rect, int w, int h);

#endif
