/* prikbord_micro: micro-benchmarks of Prikbord's own code paths, one per invocation so that
 * each gets a fresh process and its peak memory means something. Prints one JSON line per
 * result ({"name", "summary", ...figures}); bench/run.py collects them.
 *
 *   prikbord_micro parse N          generate an N-item feed from the demo's items, parse it
 *   prikbord_micro text             lay out the demo's long post with the real fonts (and with
 *                                   stub metrics, to separate the algorithm from SDL_ttf)
 *   prikbord_micro jpeg             generate a 12-megapixel JPEG, decode and scale it as the
 *                                   fetch worker does for a 1080p screen, then to a photo box
 *   prikbord_micro fade DRIVER RENDERER WxH
 *                                   crossfade frames (renderer_draw + present) between demo
 *                                   slides; DRIVER offscreen, x11 or dummy (the sanitizer
 *                                   builds use dummy, as the tests do: see tests/CMakeLists.txt),
 *                                   RENDERER software or opengl
 *   prikbord_micro memory DRIVER RENDERER WxH
 *                                   RSS and malloc'd bytes after each step of setting up a
 *                                   screen with the demo (fonts, pictures, layout, textures)
 * Every command takes --work DIR for generated files (default /tmp). The demo comes from
 * PRIKBORD_SOURCE_DIR (default: the source tree this was built from). */
#define LOG_MODULE "micro"
#include "feed_parse.h"
#include "fonts.h"
#include "image.h"
#include "image_sdl.h"
#include "layout.h"
#include "log.h"
#include "pictures.h"
#include "render_sdl.h"
#include "util.h"

#include <SDL.h>
#include <SDL_image.h>
#include <SDL_ttf.h>
#include <cjson/cJSON.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef MICRO_SOURCE_DIR
#define MICRO_SOURCE_DIR "."
#endif

static const char *src_dir(void)
{
    const char *s = getenv("PRIKBORD_SOURCE_DIR");
    return s && *s ? s : MICRO_SOURCE_DIR;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* VmRSS or VmHWM of this process in KiB. */
static long status_kb(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long v = -1;
    size_t n = strlen(key);
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, key, n) == 0 && line[n] == ':') {
            v = strtol(line + n + 1, NULL, 10);
            break;
        }
    }
    if (f)
        fclose(f);
    return v;
}

/* Resets VmHWM to the current RSS (Linux 4.0+), so the next peak is this step's own. */
static void reset_peak(void)
{
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (f) {
        fputs("5", f);
        fclose(f);
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
    if (n == 0)
        return 0;
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double max_of(const double *v, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; i++)
        m = v[i] > m ? v[i] : m;
    return m;
}

/* Runs fn(arg) in a child process and waits for it: what it allocates and frees never enters
 * this process's heap, so the peak measured afterwards is the measured step's alone. */
static bool in_child(bool (*fn)(const void *), const void *arg)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        return false;
    if (pid == 0)
        _exit(fn(arg) ? 0 : 1);
    int st = 0;
    return waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    if (!f)
        return NULL;
    struct strbuf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        strbuf_append(&b, chunk, n);
    fclose(f);
    *len = b.len;
    buf = b.data ? b.data : xstrdup("");
    return buf;
}

static struct feed *demo_feed(char *(*resolve)(void *, const char *))
{
    char *path = xasprintf("%s/assets/demo/feed.json", src_dir());
    size_t len = 0;
    char *json = read_file(path, &len);
    struct feed *f = NULL;
    char err[256] = "";
    if (!json) {
        fprintf(stderr, "micro: cannot read %s\n", path);
        goto out;
    }
    struct feed_parse_opts o = {.resolve_url = resolve};
    f = feed_parse(json, len, &o, NULL, err, sizeof err);
    if (!f)
        fprintf(stderr, "micro: %s: %s\n", path, err);
out:
    free(json);
    free(path);
    return f;
}

/* ---- parse ---- */

/* An N-item feed v1 document: the demo's 20 items over and over, each copy with its own id. */
static char *make_feed(int n, size_t *len)
{
    char *path = xasprintf("%s/assets/demo/feed.json", src_dir());
    size_t dlen = 0;
    char *json = read_file(path, &dlen), *out = NULL;
    cJSON *doc = json ? cJSON_ParseWithLength(json, dlen) : NULL;
    cJSON *items = doc ? cJSON_GetObjectItemCaseSensitive(doc, "items") : NULL;
    int have = cJSON_GetArraySize(items);
    if (!items || have == 0)
        goto out;
    cJSON *many = cJSON_CreateArray();
    for (int i = 0; i < n; i++) {
        cJSON *it = cJSON_Duplicate(cJSON_GetArrayItem(items, i % have), 1);
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(it, "id");
        char *nid = xasprintf("%s-%d", cJSON_IsString(id) ? id->valuestring : "x", i);
        cJSON_ReplaceItemInObjectCaseSensitive(it, "id", cJSON_CreateString(nid));
        free(nid);
        cJSON_AddItemToArray(many, it);
    }
    cJSON_ReplaceItemInObjectCaseSensitive(doc, "items", many);
    out = cJSON_PrintUnformatted(doc);
    *len = out ? strlen(out) : 0;
out:
    cJSON_Delete(doc);
    free(json);
    free(path);
    return out;
}

struct feed_job {
    int n;
    const char *path;
};

static bool write_feed(const void *arg)
{
    const struct feed_job *j = arg;
    size_t len = 0;
    char *json = make_feed(j->n, &len);
    FILE *f = json ? fopen(j->path, "wb") : NULL;
    bool ok = f && fwrite(json, 1, len, f) == len;
    if (f)
        ok = fclose(f) == 0 && ok;
    free(json);
    return ok;
}

static int cmd_parse(int n, const char *work)
{
    int rc = 1;
    size_t len = 0;
    char *path = xasprintf("%s/feed-%d.json", work, n);
    struct feed_job job = {n, path};
    char *json = in_child(write_feed, &job) ? read_file(path, &len) : NULL;
    if (!json) {
        fprintf(stderr, "micro: cannot build the feed %s\n", path);
        free(path);
        return 1;
    }
    struct feed_parse_opts o = {.max_bytes = len + 1};
    char err[256] = "";
    /* The first parse in a fresh process gives the peak: later ones reuse freed heap. */
    long rss0 = status_kb("VmRSS");
    reset_peak();
    double t0 = now_ms();
    struct feed_report rep = {0};
    struct feed *fd = feed_parse(json, len, &o, &rep, err, sizeof err);
    double first = now_ms() - t0;
    long peak = status_kb("VmHWM") - rss0;
    if (!fd) {
        fprintf(stderr, "micro: parse: %s\n", err);
        goto out;
    }
    size_t kept = fd->n_items, reported = rep.n;
    feed_destroy(fd);
    feed_report_clear(&rep);
    /* As the wall parses: no per-item report. */
    enum { RUNS = 9 };
    double t[RUNS];
    for (int i = 0; i < RUNS; i++) {
        double s = now_ms();
        struct feed *g = feed_parse(json, len, &o, NULL, err, sizeof err);
        t[i] = now_ms() - s;
        feed_destroy(g);
    }
    printf(
        "{\"name\": \"parse + validate a %d-item feed (%.1f MB)\", \"summary\": \"%.1f ms median "
        "of %d (first, with the per-item report: %.1f ms); peak memory +%.1f MB; %zu items kept "
        "(bound %d), %zu verdicts\", \"items\": %d, \"bytes\": %zu, \"median_ms\": %.3f, "
        "\"first_ms\": %.3f, \"peak_kb\": %ld}\n",
        n, len / 1e6, median(t, RUNS), RUNS, first, peak / 1024.0, kept, FEED_MAX_ITEMS, reported,
        n, len, median(t, RUNS), first, peak);
    rc = 0;
out:
    free(path);
    free(json);
    return rc;
}

/* ---- text ---- */

static int stub_width(void *ctx, int face, int px, const char *s, size_t len)
{
    (void)ctx;
    (void)face;
    int cps = 0;
    for (size_t i = 0; i < len; i++)
        cps += ((unsigned char)s[i] & 0xC0) != 0x80;
    return cps * px / 2;
}

static int stub_line_height(void *ctx, int face, int px)
{
    (void)ctx;
    (void)face;
    return px * 4 / 3;
}

static double time_layout(const struct text_metrics *m, const char *text, int w, int h, int px,
                          int min_px, int runs, double *first, struct text_block **keep)
{
    double *t = xcalloc((size_t)runs, sizeof *t);
    for (int i = 0; i < runs; i++) {
        double s = now_ms();
        struct text_block *b = text_layout(m, FACE_REGULAR, text, w, h, 0, px, min_px);
        t[i] = now_ms() - s;
        if (i == 0 && keep)
            *keep = b;
        else
            text_block_destroy(b);
    }
    *first = t[0];
    double med = median(t + 1, (size_t)runs - 1);
    free(t);
    return med;
}

static int cmd_text(void)
{
    int rc = 1;
    struct fonts *fonts = NULL;
    struct feed *f = demo_feed(NULL);
    const struct item *it = f ? feed_find(f, "p-1001") : NULL;
    struct text_block *real = NULL, *stub = NULL;
    if (!it || !it->body) {
        fprintf(stderr, "micro: the demo's long post p-1001 is missing\n");
        goto out;
    }
    if (TTF_Init() != 0) {
        fprintf(stderr, "micro: TTF_Init: %s\n", TTF_GetError());
        goto out;
    }
    char err[256] = "";
    struct layout *l = layout_builtin();
    fonts = fonts_create(l->font, err, sizeof err);
    layout_destroy(l);
    if (!fonts) {
        fprintf(stderr, "micro: fonts: %s\n", err);
        goto out;
    }
    /* The body box of a post without a photo on a 1920x1080 screen (layouts/landscape.json),
     * starting at its size and shrinking to its minimum, as layout.c asks. */
    int w = (int)(0.45 * 1920), h = (int)(0.39 * 1080), px = (int)(0.04 * 1080),
        min_px = (int)(0.026 * 1080);
    double first_real, first_stub;
    double med_real =
        time_layout(fonts_metrics(fonts), it->body, w, h, px, min_px, 21, &first_real, &real);
    const struct text_metrics sm = {.width = stub_width, .line_height = stub_line_height};
    double med_stub = time_layout(&sm, it->body, w, h, px, min_px, 21, &first_stub, &stub);
    size_t words = 0;
    for (const char *p = it->body; *p; p++)
        words += (p == it->body || p[-1] == ' ' || p[-1] == '\n') && *p != ' ' && *p != '\n';
    printf("{\"name\": \"text layout of the long post (p-1001, %zu words, %zu bytes) into a %dx%d "
           "box\", \"summary\": \"real fonts (Noto Sans via fontconfig + SDL_ttf): %.2f ms median, "
           "first call %.2f ms, %zu lines at %d px%s; stub metrics: %.3f ms median\", "
           "\"real_median_ms\": %.4f, \"real_first_ms\": %.4f, \"stub_median_ms\": %.4f}\n",
           words, strlen(it->body), w, h, med_real, first_real, real->n_lines, real->px,
           real->truncated ? ", cut with an ellipsis" : "", med_stub, med_real, first_real,
           med_stub);
    rc = 0;
out:
    text_block_destroy(real);
    text_block_destroy(stub);
    fonts_destroy(fonts);
    feed_destroy(f);
    if (TTF_WasInit())
        TTF_Quit();
    return rc;
}

/* ---- jpeg ---- */

/* A 4000x3000 picture with the structure of a photo (smooth gradients, shapes, fine noise),
 * so that the JPEG is of a realistic size and not trivially compressible. */
static SDL_Surface *make_photo(int w, int h)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 24, SDL_PIXELFORMAT_RGB24);
    if (!s)
        return NULL;
    uint32_t seed = 12345;
    for (int y = 0; y < h; y++) {
        uint8_t *row = (uint8_t *)s->pixels + (size_t)y * s->pitch;
        for (int x = 0; x < w; x++) {
            seed = seed * 1664525u + 1013904223u;
            int noise = (int)(seed >> 27) - 16;
            int dx = x - w / 3, dy = y - h / 2;
            int in_disc = dx * dx + dy * dy < (h / 4) * (h / 4);
            int r = 120 + 100 * x / w + noise + (in_disc ? -60 : 0);
            int g = 90 + 120 * y / h + noise + ((x / 97 + y / 89) % 2 ? 12 : 0);
            int b = 160 - 80 * x / w + noise + (in_disc ? 40 : 0);
            row[3 * x] = (uint8_t)(r < 0 ? 0 : r > 255 ? 255 : r);
            row[3 * x + 1] = (uint8_t)(g < 0 ? 0 : g > 255 ? 255 : g);
            row[3 * x + 2] = (uint8_t)(b < 0 ? 0 : b > 255 ? 255 : b);
        }
    }
    return s;
}

static bool write_photo(const void *arg)
{
    const char *path = arg;
    SDL_Surface *s = make_photo(4000, 3000);
    bool ok = s && IMG_SaveJPG(s, path, 85) == 0;
    if (!ok)
        fprintf(stderr, "micro: cannot write %s: %s\n", path, SDL_GetError());
    SDL_FreeSurface(s);
    return ok;
}

static int cmd_jpeg(const char *work)
{
    int rc = 1;
    char *path = xasprintf("%s/photo-12mp.jpg", work);
    char *data = NULL;
    struct image *img = NULL;
    SDL_Surface *box = NULL;
    if (!in_child(write_photo, path) || !image_global_init())
        goto out;
    size_t len = 0;
    data = read_file(path, &len);
    if (!data)
        goto out;
    /* As the fetch worker decodes a photo for a 1920x1080 screen (refresh.c: no larger than
     * the screen's longer side). */
    struct image_limits lim = IMAGE_DEFAULT_LIMITS;
    lim.max_w = lim.max_h = 1920;
    char err[256] = "";
    long rss0 = status_kb("VmRSS");
    reset_peak();
    double t0 = now_ms();
    img = image_decode(data, len, &lim, err, sizeof err);
    double t_decode = now_ms() - t0;
    long peak = status_kb("VmHWM") - rss0;
    if (!img) {
        fprintf(stderr, "micro: decode: %s\n", err);
        goto out;
    }
    /* Then the renderer's cover scaling into an introduction's photo box (0.36 x 0.73 of the
     * screen), cropped to its aspect as render_sdl.c does. */
    int bw = (int)(0.36 * 1920), bh = (int)(0.73 * 1080);
    SDL_Surface *src = image_surface(img);
    SDL_Rect crop = {0, 0, src->w, src->h};
    if ((double)src->w / src->h > (double)bw / bh) {
        crop.w = (int)(src->h * (double)bw / bh + 0.5);
        crop.x = (src->w - crop.w) / 2;
    } else {
        crop.h = (int)(src->w * (double)bh / bw + 0.5);
        crop.y = (src->h - crop.h) / 3;
    }
    t0 = now_ms();
    box = image_scale_surface(src, &crop, bw, bh);
    double t_scale = now_ms() - t0;
    printf(
        "{\"name\": \"decode + scale a 12-megapixel JPEG (4000x3000, %.1f MB)\", \"summary\": "
        "\"image_decode to %dx%d (photo limit of a 1080p screen): %.0f ms, peak memory +%.1f MB; "
        "cover-scale to the %dx%d photo box: %.1f ms\", \"decode_ms\": %.2f, \"peak_kb\": %ld, "
        "\"scale_ms\": %.2f}\n",
        len / 1e6, image_width(img), image_height(img), t_decode, peak / 1024.0, bw, bh, t_scale,
        t_decode, peak, t_scale);
    rc = 0;
out:
    SDL_FreeSurface(box);
    image_destroy(img);
    free(data);
    free(path);
    image_global_cleanup();
    return rc;
}

/* ---- fade ---- */

#define MAX_PICS 64

/* The pictures as the program keeps them: packed by the fetch worker (image_pack), decoded by
 * the render thread while it renders a slide (pictures.c), dropped after the frame. */
struct pics {
    char *url[MAX_PICS];
    struct image_bytes bytes[MAX_PICS];
    size_t n;
    struct pictures *decoded;
};

static const struct image_bytes *pics_get(const struct pics *p, const char *url)
{
    for (size_t i = 0; url && i < p->n; i++)
        if (strcmp(p->url[i], url) == 0)
            return &p->bytes[i];
    return NULL;
}

static bool pics_has(void *ctx, const char *url)
{
    return pics_get(ctx, url) != NULL;
}

static SDL_Surface *pics_surface(void *ctx, const char *url)
{
    struct pics *p = ctx;
    if (!p->decoded)
        p->decoded = pictures_create();
    return pictures_get(p->decoded, url, pics_get(p, url));
}

/* After each frame, as the program does. */
static void pics_release(struct pics *p)
{
    pictures_release(p->decoded);
}

/* The demo's relative picture paths become file paths, which the benchmark reads itself. */
static char *resolve_demo(void *ctx, const char *raw)
{
    (void)ctx;
    if (strstr(raw, "://"))
        return NULL;
    return xasprintf("%s/assets/demo/%s", src_dir(), raw);
}

static void pics_add(struct pics *p, const char *url, int max_px)
{
    if (!url || pics_get(p, url) || p->n == MAX_PICS)
        return;
    size_t len = 0;
    char *data = read_file(url, &len);
    if (!data)
        return; /* a missing picture is drawn as initials, as on the wall */
    struct image_limits lim = IMAGE_DEFAULT_LIMITS;
    lim.max_w = lim.max_h = max_px;
    char err[256];
    bool ok = image_pack(data, len, &lim, false, &p->bytes[p->n], NULL, err, sizeof err);
    free(data);
    if (ok)
        p->url[p->n++] = xstrdup(url);
}

static void pics_clear(struct pics *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->url[i]);
        image_bytes_clear(&p->bytes[i]);
    }
    p->n = 0;
    pictures_destroy(p->decoded);
    p->decoded = NULL;
}

static void pics_for_item(struct pics *p, const struct item *it, int photo_px)
{
    pics_add(p, it->image_url, photo_px);
    pics_add(p, it->author.avatar_url, photo_px);
    pics_add(p, it->person.avatar_url, photo_px);
    pics_add(p, it->from.avatar_url, photo_px);
    for (size_t i = 0; i < it->n_to; i++)
        pics_add(p, it->to[i].avatar_url, photo_px);
}

/* OpenGL queues its work: glFinish after the present makes a frame's time its own (on X11,
 * llvmpipe's buffer swap already waits; on the offscreen driver it does not). */
static void (*gl_finish)(void);

enum { SCENE_SLIDES = 7, FADE_FRAMES = 18 }; /* 600 ms at 30 frames a second */

/* What a screen holds: a window and renderer, fonts, the demo feed with its pictures packed
 * as the fetch worker keeps them, and the draw lists of the first slides and the header. */
struct scene {
    SDL_Window *win;
    SDL_Renderer *r;
    struct renderer *rd;
    struct fonts *fonts;
    struct layout *l;
    struct feed *f;
    struct pics pics;
    struct draw_list *slides[SCENE_SLIDES], *head, *head2;
    int n;
};

/* Memory at the checkpoints of scene_open, for `memory`. */
struct mem_step {
    const char *what;
    long rss_kb;
    size_t in_use; /* bytes malloc hands out, all arenas and mmapped blocks */
};
struct mem_log {
    struct mem_step step[8];
    int n;
};

static void mem_mark(struct mem_log *m, const char *what)
{
    if (!m || m->n == 8)
        return;
    struct mallinfo2 mi = mallinfo2();
    m->step[m->n++] = (struct mem_step){what, status_kb("VmRSS"), mi.uordblks + mi.hblkhd};
}

static void scene_close(struct scene *s)
{
    for (int i = 0; i < SCENE_SLIDES; i++)
        draw_list_destroy(s->slides[i]);
    draw_list_destroy(s->head);
    draw_list_destroy(s->head2);
    renderer_destroy(s->rd);
    pics_clear(&s->pics);
    feed_destroy(s->f);
    fonts_destroy(s->fonts);
    layout_destroy(s->l);
    if (s->r)
        SDL_DestroyRenderer(s->r);
    if (s->win)
        SDL_DestroyWindow(s->win);
    image_global_cleanup();
    if (TTF_WasInit())
        TTF_Quit();
    SDL_Quit();
    *s = (struct scene){0};
}

static bool scene_open(struct scene *s, const char *driver, const char *rname, int w, int h,
                       int max_slides, struct mem_log *m)
{
    bool software = strcmp(rname, "software") == 0;
    *s = (struct scene){0};
    mem_mark(m, "start");
    SDL_SetHint(SDL_HINT_VIDEODRIVER, driver);
    SDL_SetHint(SDL_HINT_RENDER_DRIVER, rname);
    SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "linear"); /* as platform_sdl.c */
    /* As platform_sdl.c: without it SDL backs the software renderer's window surface with
     * OpenGL (llvmpipe here), and every present uploads and draws the frame through it. */
    if (strcmp(rname, "software") == 0)
        SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    if (SDL_Init(SDL_INIT_VIDEO) != 0 || TTF_Init() != 0 || !image_global_init()) {
        fprintf(stderr, "micro: SDL: %s\n", SDL_GetError());
        return false;
    }
    s->win = SDL_CreateWindow("prikbord_micro", 0, 0, w, h,
                              SDL_WINDOW_BORDERLESS | (software ? 0 : SDL_WINDOW_OPENGL));
    s->r =
        s->win
            ? SDL_CreateRenderer(s->win, -1,
                                 SDL_RENDERER_TARGETTEXTURE |
                                     (software ? SDL_RENDERER_SOFTWARE : SDL_RENDERER_ACCELERATED))
            : NULL;
    SDL_RendererInfo info;
    if (!s->r || SDL_GetRendererInfo(s->r, &info) != 0 || strcmp(info.name, rname) != 0) {
        fprintf(stderr, "micro: no %s renderer on %s: %s\n", rname, driver, SDL_GetError());
        return false;
    }
    gl_finish = NULL;
    if (!software)
        *(void **)&gl_finish = SDL_GL_GetProcAddress("glFinish");
    /* The window surface or back buffer exists after the first present. */
    SDL_RenderClear(s->r);
    SDL_RenderPresent(s->r);
    mem_mark(m, "SDL video, window and renderer");
    char err[256] = "";
    s->l = layout_builtin();
    s->fonts = fonts_create(s->l->font, err, sizeof err);
    if (!s->fonts) {
        fprintf(stderr, "micro: fonts: %s\n", err);
        return false;
    }
    mem_mark(m, "fontconfig and the two main faces");
    s->f = demo_feed(resolve_demo);
    if (!s->f)
        return false;
    int64_t wall = (int64_t)time(NULL);
    for (size_t i = 0; i < s->f->n_items; i++)
        if (item_time_verdict(&s->f->items[i], wall) == TIME_SHOWN)
            pics_for_item(&s->pics, &s->f->items[i], w > h ? w : h);
    mem_mark(m, "demo feed and its pictures packed (kept encoded, as the program does)");
    s->rd = renderer_create(s->r, s->fonts);
    struct layout_env env = {.layout = s->l,
                             .metrics = fonts_metrics(s->fonts),
                             .w = w,
                             .h = h,
                             .lang = LANG_NL,
                             .now = wall,
                             .has_image = pics_has,
                             .ctx = &s->pics};
    int shown = 0;
    for (size_t i = 0; i < s->f->n_items; i++)
        shown += item_time_verdict(&s->f->items[i], wall) == TIME_SHOWN;
    for (size_t i = 0; i < s->f->n_items && s->n < max_slides && s->n < SCENE_SLIDES; i++) {
        const struct item *it = &s->f->items[i];
        if (item_time_verdict(it, wall) == TIME_SHOWN) {
            s->slides[s->n] = layout_slide(&env, it, s->n + 1, shown);
            s->n++;
        }
    }
    s->head = layout_header(&env, s->f->community.name, "vrijdag 27 november", "12:00");
    s->head2 = layout_header(&env, s->f->community.name, "vrijdag 27 november", "12:01");
    mem_mark(m, "slides laid out (text measured)");
    return s->n >= 2;
}

static double frame(struct scene *s, const struct app_frame *f)
{
    double t0 = now_ms();
    if (!renderer_draw(s->rd, f, pics_surface, &s->pics))
        fprintf(stderr, "micro: renderer_draw failed: %s\n", SDL_GetError());
    pics_release(&s->pics);
    /* As platform_present: only the part a clock tick changed, where the renderer allows. */
    SDL_Rect d;
    if (!renderer_damage(s->rd, &d) || SDL_RenderFlush(s->r) != 0 ||
        SDL_UpdateWindowSurfaceRects(s->win, &d, 1) != 0)
        SDL_RenderPresent(s->r);
    if (gl_finish)
        gl_finish();
    return now_ms() - t0;
}

static int cmd_fade(const char *driver, const char *rname, int w, int h)
{
    struct scene s;
    /* At 4K a software frame takes a quarter of a second: three transitions say enough. */
    if (!scene_open(&s, driver, rname, w, h, w * h > 1920 * 1080 ? 4 : SCENE_SLIDES, NULL)) {
        scene_close(&s);
        return 1;
    }
    /* The first frame renders the header and the first slide into textures. */
    struct app_frame fr = {
        .header = s.head, .header_key = 1, .to = s.slides[0], .to_key = 100, .t = 1};
    double first = frame(&s, &fr);
    enum { STATIC = 9 };
    double st[STATIC], first_tr[SCENE_SLIDES], blend[SCENE_SLIDES * FADE_FRAMES];
    double prep[SCENE_SLIDES];
    size_t nb = 0, nt = 0, np = 0;
    for (int i = 0; i < STATIC; i++)
        st[i] = frame(&s, &fr);
    /* A clock tick: a new header texture, then the frame. */
    fr.header = s.head2;
    fr.header_key = 2;
    double tick = frame(&s, &fr);
    for (int k = 0; k + 1 < s.n; k++) {
        /* As the program does a second before the turn (app_prepare): the incoming slide into
         * its texture while the screen is still, so the transition only blends. */
        double t0 = now_ms();
        renderer_prepare(s.rd, s.slides[k + 1], 100 + (uint64_t)k + 1, pics_surface, &s.pics);
        pics_release(&s.pics);
        prep[np++] = now_ms() - t0;
        for (int j = 1; j <= FADE_FRAMES; j++) {
            struct app_frame x = {.header = s.head2,
                                  .header_key = 2,
                                  .from = s.slides[k],
                                  .from_key = 100 + (uint64_t)k,
                                  .to = s.slides[k + 1],
                                  .to_key = 100 + (uint64_t)k + 1,
                                  .t = (float)j / FADE_FRAMES};
            double ms = frame(&s, &x);
            if (getenv("MICRO_TRACE") && ms > 10)
                fprintf(stderr, "slow frame: transition %d, frame %d: %.1f ms\n", k, j, ms);
            if (j == 1)
                first_tr[nt++] = ms;
            blend[nb++] = ms;
        }
        struct app_frame end = {.header = s.head2,
                                .header_key = 2,
                                .to = s.slides[k + 1],
                                .to_key = 100 + (uint64_t)k + 1,
                                .t = 1};
        frame(&s, &end);
    }
    double bl_med = median(blend, nb), bl_max = max_of(blend, nb);
    double ft_max = max_of(first_tr, nt), ft_med = median(first_tr, nt);
    double pr_med = median(prep, np), pr_max = max_of(prep, np);
    double st_med = median(st, STATIC);
    printf("{\"name\": \"crossfade frame %dx%d, %s %s\", \"summary\": \"transition frames: "
           "%.1f ms median, %.1f ms max (%zu frames; the first of each: %.1f ms median, %.1f ms "
           "max); preparing the incoming slide before the transition: %.1f ms median, %.1f ms "
           "max; static redraw %.1f ms; clock tick %.1f ms; first frame %.0f ms\", \"driver\": "
           "\"%s\", \"renderer\": \"%s\", \"w\": %d, \"h\": %d, \"blend_median_ms\": %.3f, "
           "\"blend_max_ms\": %.3f, \"transition_first_median_ms\": %.3f, "
           "\"transition_first_max_ms\": %.3f, \"prepare_median_ms\": %.3f, "
           "\"prepare_max_ms\": %.3f, \"static_ms\": %.3f, \"clock_tick_ms\": %.3f, "
           "\"first_ms\": %.3f}\n",
           w, h, driver, rname, bl_med, bl_max, nb, ft_med, ft_max, pr_med, pr_max, st_med, tick,
           first, driver, rname, w, h, bl_med, bl_max, ft_med, ft_max, pr_med, pr_max, st_med, tick,
           first);
    scene_close(&s);
    return 0;
}

/* Where a screen's memory goes, step by step: RSS and malloc's bytes in use after each part
 * of setting up a screen, then after drawing every demo slide once (textures, glyphs), and
 * after malloc_trim(0) gave free memory back. */
static int cmd_memory(const char *driver, const char *rname, int w, int h)
{
    struct scene s;
    struct mem_log m = {0};
    if (!scene_open(&s, driver, rname, w, h, SCENE_SLIDES, &m)) {
        scene_close(&s);
        return 1;
    }
    size_t pixels = 0, packed = 0;
    for (size_t i = 0; i < s.pics.n; i++) {
        pixels += (size_t)s.pics.bytes[i].w * (size_t)s.pics.bytes[i].h * 4;
        packed += s.pics.bytes[i].len;
    }
    for (int k = 0; k < s.n; k++) {
        struct app_frame fr = {.header = s.head,
                               .header_key = 1,
                               .to = s.slides[k],
                               .to_key = 100 + (uint64_t)k,
                               .t = 1};
        if (k > 0) {
            fr.from = s.slides[k - 1];
            fr.from_key = 100 + (uint64_t)k - 1;
            fr.t = 0.5f;
        }
        frame(&s, &fr);
    }
    mem_mark(&m, "every slide drawn (textures, glyphs)");
    malloc_trim(0);
    mem_mark(&m, "after malloc_trim(0)");
    struct strbuf b = {0};
    strbuf_appendf(&b,
                   "{\"name\": \"memory of a %dx%d screen, step by step (%s %s)\", "
                   "\"summary\": \"",
                   w, h, driver, rname);
    for (int i = 1; i < m.n; i++)
        strbuf_appendf(&b, "%s%s: %+.1f MB RSS, %+.1f MB malloc'd", i > 1 ? "; " : "",
                       m.step[i].what, (m.step[i].rss_kb - m.step[i - 1].rss_kb) / 1024.0,
                       ((double)m.step[i].in_use - (double)m.step[i - 1].in_use) / 1048576.0);
    strbuf_appendf(&b,
                   "; total %.0f MB RSS; the %zu pictures are kept as %.2f MB of encoded bytes "
                   "(%.1f MB of pixels decoded, held only while their slide is rendered)\", "
                   "\"steps\": [",
                   m.step[m.n - 1].rss_kb / 1024.0, s.pics.n, packed / 1048576.0,
                   pixels / 1048576.0);
    for (int i = 0; i < m.n; i++)
        strbuf_appendf(&b, "%s{\"what\": \"%s\", \"rss_kb\": %ld, \"in_use\": %zu}", i ? ", " : "",
                       m.step[i].what, m.step[i].rss_kb, m.step[i].in_use);
    strbuf_appendf(&b, "], \"picture_bytes\": %zu}", pixels);
    printf("%s\n", b.data);
    strbuf_free(&b);
    scene_close(&s);
    return 0;
}

static void usage(void)
{
    fprintf(stderr, "usage: prikbord_micro parse N | text | jpeg | fade|memory offscreen|x11|dummy "
                    "software|opengl WxH   [--work DIR]\n");
}

int main(int argc, char **argv)
{
    const char *work = "/tmp";
    int n = argc;
    for (int i = 1; i + 1 < argc; i++) {
        if (strcmp(argv[i], "--work") == 0) {
            work = argv[i + 1];
            n = i;
            break;
        }
    }
    log_set_level(LOG_WARN);
    if (n >= 3 && strcmp(argv[1], "parse") == 0)
        return cmd_parse(atoi(argv[2]), work);
    if (n >= 2 && strcmp(argv[1], "text") == 0)
        return cmd_text();
    if (n >= 2 && strcmp(argv[1], "jpeg") == 0)
        return cmd_jpeg(work);
    int w = 0, h = 0;
    bool fade = n >= 5 && strcmp(argv[1], "fade") == 0,
         memory = n >= 5 && strcmp(argv[1], "memory") == 0;
    if ((fade || memory) && sscanf(argv[4], "%dx%d", &w, &h) == 2 && w > 0 && h > 0)
        return fade ? cmd_fade(argv[2], argv[3], w, h) : cmd_memory(argv[2], argv[3], w, h);
    usage();
    return 2;
}
