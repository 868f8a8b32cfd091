#define LOG_MODULE "platform"
#include "platform_sdl.h"
#include "log.h"
#include "util.h"

#include <SDL_image.h>
#include <SDL_ttf.h>

#include <dirent.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

struct platform {
    SDL_Window *window;
    SDL_Renderer *renderer;
    Uint32 wake_event;
    atomic_bool wake_pending;
    char renderer_name[32];
    uint64_t frames;
    int64_t ts_offset; /* our clock minus SDL's event clock (see event_time) */
    bool have_offset;
    bool software;   /* SDL's software renderer: it draws into the window surface */
    SDL_Rect damage; /* what the next present must show; w == 0: everything */
};

/* Whether the renderer's OpenGL draws on the CPU (Mesa's llvmpipe, softpipe, swrast): SDL's
 * own software renderer then does the same work without loading LLVM and a GL driver, which
 * costs about 80 MB (docs/performance.md). */
static bool gl_on_cpu(SDL_Renderer *r)
{
    SDL_RendererInfo info;
    if (SDL_GetRendererInfo(r, &info) != 0 || strncmp(info.name, "opengl", 6) != 0)
        return false;
    typedef const unsigned char *(*get_string_fn)(unsigned name);
    void *sym = SDL_GL_GetProcAddress("glGetString");
    if (!sym)
        return false;
    get_string_fn get;
    memcpy(&get, &sym, sizeof get); /* (an object pointer to a function pointer, portably) */
    const char *name = (const char *)get(0x1F01 /* GL_RENDERER */);
    bool cpu =
        name && (strstr(name, "llvmpipe") || strstr(name, "softpipe") || strstr(name, "swrast"));
    if (cpu)
        log_info("OpenGL is %s, drawn on the CPU: the software renderer does that for less", name);
    return cpu;
}

/* Whether the machine has a GPU the kernel knows (a DRM device): without one, OpenGL can only
 * be Mesa drawing on the CPU, so it is not even probed. */
static bool gpu_present(void)
{
    DIR *d = opendir("/dev/dri");
    if (!d) {
        log_info("no GPU (no /dev/dri): the software renderer");
        return false;
    }
    bool found = false;
    for (struct dirent *e; !found && (e = readdir(d));)
        found = strncmp(e->d_name, "card", 4) == 0 || strncmp(e->d_name, "renderD", 7) == 0;
    closedir(d);
    if (!found)
        log_info("no GPU (/dev/dri has no device): the software renderer");
    return found;
}

static SDL_Renderer *make_renderer(SDL_Window *w, bool software)
{
    SDL_Renderer *r = NULL;
    if (!software)
        r = SDL_CreateRenderer(w, -1, SDL_RENDERER_ACCELERATED | SDL_RENDERER_TARGETTEXTURE);
    if (!r) {
        if (!software)
            log_info("no accelerated renderer (%s); using the software renderer", SDL_GetError());
        r = SDL_CreateRenderer(w, -1, SDL_RENDERER_SOFTWARE | SDL_RENDERER_TARGETTEXTURE);
    }
    return r;
}

struct platform *platform_create(const struct platform_options *o, char *err, size_t errlen)
{
    struct platform *p = xcalloc(1, sizeof *p);
    if (o->headless)
        SDL_SetHint(SDL_HINT_VIDEODRIVER, "offscreen");
    /* A wall display never wants the screen saver, and a Pi without X needs KMSDRM: SDL picks
     * the first driver that works (x11, wayland, KMSDRM, ...). */
    SDL_SetHint(SDL_HINT_VIDEO_ALLOW_SCREENSAVER, "0");
    SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "linear");
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
        snprintf(err, errlen, "cannot start SDL video: %s", SDL_GetError());
        free(p);
        return NULL;
    }
    if (TTF_Init() != 0) {
        snprintf(err, errlen, "cannot start SDL_ttf: %s", TTF_GetError());
        SDL_Quit();
        free(p);
        return NULL;
    }
    /* Headless pictures need no GPU: without this SDL probes OpenGL for the window's pixels
     * anyway and loads Mesa for nothing. */
    bool software = o->software || o->headless || !gpu_present();
    if (software)
        SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    Uint32 flags = SDL_WINDOW_ALLOW_HIGHDPI;
    int w = o->w, h = o->h;
    if (w <= 0 || h <= 0) {
        flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
        w = 1920;
        h = 1080;
    } else if (!o->headless) {
        flags |= SDL_WINDOW_RESIZABLE;
    }
    p->window =
        SDL_CreateWindow("Prikbord", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, w, h, flags);
    if (!p->window) {
        snprintf(err, errlen, "cannot open a %dx%d window on the \"%s\" video driver: %s", w, h,
                 SDL_GetCurrentVideoDriver() ? SDL_GetCurrentVideoDriver() : "?", SDL_GetError());
        goto fail;
    }
    p->renderer = make_renderer(p->window, software);
    if (p->renderer && !software && gl_on_cpu(p->renderer)) {
        /* Start again without OpenGL, and unload it. */
        SDL_DestroyRenderer(p->renderer);
        SDL_DestroyWindow(p->window);
        SDL_GL_UnloadLibrary();
        SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
        p->window = SDL_CreateWindow("Prikbord", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, w,
                                     h, flags);
        p->renderer = p->window ? make_renderer(p->window, true) : NULL;
        if (!p->window) {
            snprintf(err, errlen, "cannot open the window again: %s", SDL_GetError());
            goto fail;
        }
    }
    if (!p->renderer) {
        snprintf(err, errlen, "cannot create a renderer: %s", SDL_GetError());
        goto fail;
    }
    SDL_RendererInfo info;
    if (SDL_GetRendererInfo(p->renderer, &info) == 0) {
        snprintf(p->renderer_name, sizeof p->renderer_name, "%s", info.name);
        p->software = (info.flags & SDL_RENDERER_SOFTWARE) != 0;
    }
    if (flags & SDL_WINDOW_FULLSCREEN_DESKTOP)
        SDL_ShowCursor(SDL_DISABLE);
    p->wake_event = SDL_RegisterEvents(1);
    int dw, dh;
    platform_size(p, &dw, &dh);
    log_info("video driver %s, renderer %s, %dx%d", SDL_GetCurrentVideoDriver(), p->renderer_name,
             dw, dh);
    return p;
fail:
    if (p->window)
        SDL_DestroyWindow(p->window);
    TTF_Quit();
    SDL_Quit();
    free(p);
    return NULL;
}

void platform_destroy(struct platform *p)
{
    if (!p)
        return;
    if (p->renderer)
        SDL_DestroyRenderer(p->renderer);
    if (p->window)
        SDL_DestroyWindow(p->window);
    TTF_Quit();
    SDL_Quit();
    free(p);
}

SDL_Renderer *platform_sdl_renderer(struct platform *p)
{
    return p->renderer;
}

const char *platform_renderer_name(struct platform *p)
{
    return p->renderer_name;
}

void platform_size(struct platform *p, int *w, int *h)
{
    if (SDL_GetRendererOutputSize(p->renderer, w, h) != 0)
        SDL_GetWindowSize(p->window, w, h);
}

/* When an event happened, on platform_now_ms's clock, so that a flick's speed is right even
 * when events waited in the queue while a slide was being drawn. SDL's 32-bit event times
 * may run on another clock (the X server's, for input), so their offset from ours is
 * estimated as the smallest difference seen (no event comes from the future); a jump of more
 * than a minute (the 49-day wrap, a restarted server) starts the estimate again. */
static int64_t event_time(struct platform *p, Uint32 timestamp)
{
    int64_t now = platform_now_ms(p);
    int64_t offset = now - (int64_t)timestamp;
    if (!p->have_offset || offset < p->ts_offset || offset - p->ts_offset > 60000) {
        p->ts_offset = offset;
        p->have_offset = true;
    }
    return (int64_t)timestamp + p->ts_offset;
}

static bool translate(struct platform *p, const SDL_Event *e, struct platform_event *ev)
{
    *ev = (struct platform_event){.kind = PLATFORM_EVENT_NONE};
    if (e->type == p->wake_event) {
        atomic_store(&p->wake_pending, false);
        ev->kind = PLATFORM_EVENT_WAKE;
        return true;
    }
    switch (e->type) {
    case SDL_QUIT:
        ev->kind = PLATFORM_EVENT_QUIT;
        return true;
    case SDL_WINDOWEVENT:
        if (e->window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
            ev->kind = PLATFORM_EVENT_RESIZED;
            return true;
        }
        if (e->window.event == SDL_WINDOWEVENT_EXPOSED ||
            e->window.event == SDL_WINDOWEVENT_RESTORED) {
            ev->kind = PLATFORM_EVENT_EXPOSED;
            return true;
        }
        return false;
    case SDL_RENDER_TARGETS_RESET:
    case SDL_RENDER_DEVICE_RESET:
        ev->kind = PLATFORM_EVENT_EXPOSED;
        return true;
    case SDL_KEYDOWN:
        ev->kind = PLATFORM_EVENT_KEY;
        snprintf(ev->key, sizeof ev->key, "%s", SDL_GetKeyName(e->key.keysym.sym));
        return true;
    case SDL_FINGERDOWN:
    case SDL_FINGERMOTION:
    case SDL_FINGERUP: {
        /* Positions are fractions of the window: the drawable's pixels make them ours. */
        int w, h;
        platform_size(p, &w, &h);
        ev->kind = PLATFORM_EVENT_POINTER;
        ev->pointer.action = e->type == SDL_FINGERDOWN     ? POINTER_DOWN
                             : e->type == SDL_FINGERMOTION ? POINTER_MOVE
                                                           : POINTER_UP;
        ev->pointer.id = e->tfinger.fingerId >= 0 ? e->tfinger.fingerId : INT64_MAX;
        ev->pointer.x = (int)(e->tfinger.x * (float)w);
        ev->pointer.y = (int)(e->tfinger.y * (float)h);
        ev->pointer.t_ms = event_time(p, e->tfinger.timestamp);
        return true;
    }
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
    case SDL_MOUSEMOTION: {
        /* The mouse events SDL makes from a touch: the finger events already told. */
        Uint32 which = e->type == SDL_MOUSEMOTION ? e->motion.which : e->button.which;
        if (which == SDL_TOUCH_MOUSEID)
            return false;
        if (e->type == SDL_MOUSEMOTION && !(e->motion.state & SDL_BUTTON_LMASK))
            return false; /* hovering is not touching */
        if (e->type != SDL_MOUSEMOTION && e->button.button != SDL_BUTTON_LEFT)
            return false;
        int ww, wh, dw, dh;
        SDL_GetWindowSize(p->window, &ww, &wh);
        platform_size(p, &dw, &dh);
        int x = e->type == SDL_MOUSEMOTION ? e->motion.x : e->button.x;
        int y = e->type == SDL_MOUSEMOTION ? e->motion.y : e->button.y;
        ev->kind = PLATFORM_EVENT_POINTER;
        ev->pointer.action = e->type == SDL_MOUSEBUTTONDOWN ? POINTER_DOWN
                             : e->type == SDL_MOUSEMOTION   ? POINTER_MOVE
                                                            : POINTER_UP;
        ev->pointer.id = -1;
        ev->pointer.x = ww > 0 ? x * dw / ww : x; /* window points to drawable pixels */
        ev->pointer.y = wh > 0 ? y * dh / wh : y;
        ev->pointer.t_ms = event_time(p, e->common.timestamp);
        return true;
    }
    default:
        return false;
    }
}

bool platform_wait(struct platform *p, int64_t timeout_ms, struct platform_event *ev)
{
    SDL_Event e;
    if (timeout_ms < 0)
        timeout_ms = 0;
    if (timeout_ms > 60000)
        timeout_ms = 60000;
    /* SDL_WaitEventTimeout sleeps in the OS until an event or the deadline: a static slide
     * costs nothing. Events we do not care about just end the wait early. */
    if (!SDL_WaitEventTimeout(&e, (int)timeout_ms))
        return false;
    return translate(p, &e, ev);
}

void platform_wake(struct platform *p)
{
    if (atomic_exchange(&p->wake_pending, true))
        return;
    SDL_Event e = {.type = p->wake_event};
    if (SDL_PushEvent(&e) < 0)
        atomic_store(&p->wake_pending, false);
}

void platform_quit(struct platform *p)
{
    (void)p;
    /* SDL_PushEvent also wakes a thread sleeping in SDL_WaitEventTimeout. */
    SDL_Event e = {.type = SDL_QUIT};
    if (SDL_PushEvent(&e) < 0)
        log_warn("cannot queue the quit event: %s", SDL_GetError());
}

void platform_set_damage(struct platform *p, int x, int y, int w, int h)
{
    p->damage = (SDL_Rect){x, y, w > 0 ? w : 0, h};
}

void platform_present(struct platform *p)
{
    /* The software renderer draws into the window surface: after its queued drawing is done,
     * only the changed part needs to go to the screen (SDL_RenderPresent sends all of it). */
    if (p->software && p->damage.w > 0 && p->damage.h > 0 && SDL_RenderFlush(p->renderer) == 0 &&
        SDL_UpdateWindowSurfaceRects(p->window, &p->damage, 1) == 0) {
        p->damage.w = 0;
        p->frames++;
        return;
    }
    p->damage.w = 0;
    SDL_RenderPresent(p->renderer);
    p->frames++;
}

double platform_px_per_mm(struct platform *p)
{
    int display = SDL_GetWindowDisplayIndex(p->window);
    float ddpi = 0, hdpi = 0, vdpi = 0;
    if (display < 0 || SDL_GetDisplayDPI(display, &ddpi, &hdpi, &vdpi) != 0)
        return 0;
    /* A made-up or absurd figure (some drivers report 0 or 1) is no figure. */
    if (hdpi < 40 || hdpi > 600)
        return 0;
    int ww, wh, dw, dh;
    SDL_GetWindowSize(p->window, &ww, &wh);
    platform_size(p, &dw, &dh);
    double scale = ww > 0 ? (double)dw / ww : 1; /* DPI is in window points */
    return hdpi * scale / 25.4;
}

uint64_t platform_frames(struct platform *p)
{
    return p->frames;
}

bool platform_screenshot(struct platform *p, const char *path, char *err, size_t errlen)
{
    int w, h;
    platform_size(p, &w, &h);
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    bool ok = false;
    if (!s) {
        snprintf(err, errlen, "%s", SDL_GetError());
        return false;
    }
    if (SDL_RenderReadPixels(p->renderer, NULL, SDL_PIXELFORMAT_ARGB8888, s->pixels, s->pitch) != 0)
        snprintf(err, errlen, "cannot read pixels: %s", SDL_GetError());
    else if (IMG_SavePNG(s, path) != 0)
        snprintf(err, errlen, "cannot write %s: %s", path, IMG_GetError());
    else
        ok = true;
    SDL_FreeSurface(s);
    return ok;
}

int64_t platform_now_ms(struct platform *p)
{
    (void)p;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t platform_wall_s(struct platform *p)
{
    (void)p;
    return (int64_t)time(NULL);
}
