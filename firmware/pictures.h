/* pictures: decodes, on the render thread, the pictures of the slide being rendered. The fetch
 * worker keeps every picture encoded (image_bytes); the renderer asks for one while it renders
 * a slide into its texture, and pictures_release() drops the pixels once the frame is drawn.
 * So 4 bytes a pixel are held for one slide's pictures for a moment, not for the whole feed
 * (the demo's 18 pictures: 30 MB decoded, 0.2 MB encoded). A picture that fails to decode is
 * logged once and drawn as the renderer's neutral shape. Main thread only. */
#ifndef PRIKBORD_PICTURES_H
#define PRIKBORD_PICTURES_H

#include "image.h"

#include <SDL.h>

struct pictures;

struct pictures *pictures_create(void);
void pictures_destroy(struct pictures *p); /* NULL-safe */

/* The pixels of b (the picture for url), decoded now unless this frame already did: owned by
 * p and valid until pictures_release. NULL when b is NULL or does not decode. */
SDL_Surface *pictures_get(struct pictures *p, const char *url, const struct image_bytes *b);

/* Drops the pixels decoded since the last call; call it after each frame. */
void pictures_release(struct pictures *p);

#endif
