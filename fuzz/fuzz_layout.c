/* Layout files: layout_parse on arbitrary bytes, then a layout that parses is used as a wall
 * would use it: the automatic choice against the built-in one, and every slide type of the
 * demo feed, a status slide and the header laid out at a few screen sizes (stub metrics).
 * Geometry from the file must never overflow into UB or an unbounded allocation. */
#include "feed_parse.h"
#include "layout.h"

#include "fuzz.h"

static struct layout *builtin;
static struct feed *demo;

/* One item of each type, with every region's content present. */
static const char DEMO[] =
    "{\"version\":1,\"community\":{\"name\":\"De Werkplaats\"},\"items\":["
    "{\"id\":\"p\",\"type\":\"post\",\"highlighted\":true,\"group\":{\"visibility\":\"open\"},"
    "\"published_at\":\"2026-11-20T09:00:00Z\",\"url\":\"https://x.example/p\","
    "\"reactions\":{\"likes\":3,\"comments\":1},\"image_url\":\"https://x.example/p.png\","
    "\"author\":{\"name\":\"Zo\\u00eb van den Berg\",\"role\":\"Lead\",\"team\":\"Data\"},"
    "\"title\":\"A title that is long enough to wrap\",\"body\":\"Body\\n\\nsecond paragraph\","
    "\"tags\":[\"a\",\"b\"]},"
    "{\"id\":\"i\",\"type\":\"introduction\",\"group\":{\"visibility\":\"open\"},"
    "\"published_at\":\"2026-11-21T09:00:00Z\",\"person\":{\"name\":\"C D\",\"start_date\":"
    "\"2026-12-01\",\"avatar_url\":\"https://x.example/c.jpg\"},\"body\":\"Hello\"},"
    "{\"id\":\"s\",\"type\":\"shoutout\",\"group\":{\"visibility\":\"open\"},"
    "\"published_at\":\"2026-11-20T09:00:00Z\",\"from\":{\"name\":\"A\"},"
    "\"to\":[{\"name\":\"B\"},{\"name\":\"\\u05e9\\u05dc\\u05d5\\u05dd\"}],"
    "\"message\":\"Thanks \\ud83c\\udf89\",\"badge\":\"Hero\"},"
    "{\"id\":\"h\",\"type\":\"help_request\",\"group\":{\"visibility\":\"open\"},"
    "\"published_at\":\"2026-11-21T09:00:00Z\",\"kind\":\"offer\",\"until\":\"2026-12-24\","
    "\"url\":\"https://x.example/h\",\"author\":{\"name\":\"E\"},\"title\":\"Who can help\"}]}";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_quiet_logs();
    builtin = layout_builtin();
    char err[256];
    struct feed_parse_opts opts = {.show_all_posts = true};
    demo = feed_parse(DEMO, sizeof DEMO - 1, &opts, NULL, err, sizeof err);
    if (!demo || demo->n_items != 4) {
        fprintf(stderr, "fuzz_layout: the demo feed: %s\n", demo ? "items missing" : err);
        abort();
    }
    return 0;
}

static bool has_image(void *ctx, const char *url)
{
    (void)ctx;
    (void)url;
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    struct layout *l = layout_parse((const char *)data, size, err, sizeof err);
    if (!l)
        return 0;
    static const int sizes[][2] = {{1920, 1080}, {1080, 1920}, {800, 480}, {3840, 2160}, {1, 1}};
    for (size_t s = 0; s < ARRAY_LEN(sizes); s++) {
        int w = sizes[s][0], h = sizes[s][1];
        (void)layout_fits(l, w, h);
        (void)layout_compare_fit(l, builtin, w, h);
        struct layout_env env = {.layout = l,
                                 .metrics = stub_metrics(),
                                 .w = w,
                                 .h = h,
                                 .lang = LANG_EN,
                                 .now = 1795683600,
                                 .has_image = s % 2 ? has_image : NULL};
        for (size_t i = 0; i < demo->n_items; i++)
            draw_list_destroy(layout_slide(&env, &demo->items[i], (int)i + 1, 4));
        draw_list_destroy(layout_status(&env, "One moment", "The screen is starting"));
        draw_list_destroy(layout_header_note(&env, "De Werkplaats", "26 November", "09:00",
                                             s % 2 ? "updated 08:12" : NULL));
        (void)layout_header_rect(&env);
    }
    layout_destroy(l);
    return 0;
}
