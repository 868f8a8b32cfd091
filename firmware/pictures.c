#define LOG_MODULE "pictures"
#include "pictures.h"
#include "image_sdl.h"
#include "log.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define FAILED_KEPT 32 /* URLs whose decoding failure was logged, so it is logged once */

struct decoded {
    char *url;
    const struct image_bytes *bytes;
    struct image *img;
};

struct pictures {
    struct decoded *d;
    size_t n, cap;
    char *failed[FAILED_KEPT];
    size_t next_failed;
};

struct pictures *pictures_create(void)
{
    return xcalloc(1, sizeof(struct pictures));
}

void pictures_destroy(struct pictures *p)
{
    if (!p)
        return;
    pictures_release(p);
    free(p->d);
    for (size_t i = 0; i < FAILED_KEPT; i++)
        free(p->failed[i]);
    free(p);
}

static bool failed_before(const struct pictures *p, const char *url)
{
    for (size_t i = 0; i < FAILED_KEPT; i++)
        if (p->failed[i] && strcmp(p->failed[i], url) == 0)
            return true;
    return false;
}

SDL_Surface *pictures_get(struct pictures *p, const char *url, const struct image_bytes *b)
{
    if (!b || !b->data || !url)
        return NULL;
    for (size_t i = 0; i < p->n; i++)
        if (p->d[i].bytes == b && strcmp(p->d[i].url, url) == 0)
            return p->d[i].img ? image_surface(p->d[i].img) : NULL;
    /* The worker packed it to fit the screen: decode it as it is, never scaled again. */
    struct image_limits lim = IMAGE_DEFAULT_LIMITS;
    lim.max_w = lim.max_h = 16384;
    char err[200];
    struct image *img = image_decode(b->data, b->len, &lim, err, sizeof err);
    if (!img && !failed_before(p, url)) {
        log_warn("image %s: %s", url, err);
        free(p->failed[p->next_failed]);
        p->failed[p->next_failed] = xstrdup(url);
        p->next_failed = (p->next_failed + 1) % FAILED_KEPT;
    }
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 8;
        p->d = xrealloc(p->d, p->cap * sizeof *p->d);
    }
    p->d[p->n++] = (struct decoded){xstrdup(url), b, img};
    return img ? image_surface(img) : NULL;
}

void pictures_release(struct pictures *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++) {
        image_destroy(p->d[i].img);
        free(p->d[i].url);
    }
    p->n = 0;
}
