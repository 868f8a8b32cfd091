/* The native feed: feed_parse on arbitrary bytes, the --check-feed report of the result, the
 * cache round trip, and every kept item laid out as a slide (builtin layout, stub metrics). */
#include "check.h"
#include "feed_parse.h"
#include "layout.h"

#include "fuzz.h"

static struct layout *layout;
static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_quiet_logs();
    layout = layout_builtin();
    devnull = fopen("/dev/null", "w");
    return 0;
}

static bool no_image(void *ctx, const char *url)
{
    (void)ctx;
    return url[0] == 'h' && url[strlen(url) - 1] == 'g';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct feed_parse_opts opts = {
        .max_bytes = (size_t)1 << 20, .show_all_posts = true, .resolve_url = fuzz_resolve};
    struct feed_report report = {0};
    char err[256];
    struct feed *f = feed_parse((const char *)data, size, &opts, &report, err, sizeof err);
    int64_t now = 1795683600; /* 2026-11-26T09:00:00Z */
    check_apply_time(&report, f, now);
    if (devnull) {
        check_print(devnull, f, &report, f ? NULL : err, false);
        check_print(devnull, f, &report, f ? NULL : err, true);
    }
    if (f) {
        fuzz_check_round_trip(f);
        /* Sizes a wall meets: landscape, portrait, a small panel. */
        static const int sizes[][2] = {{1920, 1080}, {1080, 1920}, {800, 480}};
        for (size_t i = 0; i < f->n_items && i < 12; i++) {
            struct layout_env env = {.layout = layout,
                                     .metrics = stub_metrics(),
                                     .w = sizes[i % 3][0],
                                     .h = sizes[i % 3][1],
                                     .lang = (enum lang)(i % LANG_COUNT),
                                     .now = now,
                                     .has_image = no_image};
            (void)item_time_verdict(&f->items[i], now);
            draw_list_destroy(layout_slide(&env, &f->items[i], (int)i + 1, (int)f->n_items));
            if (i == 0)
                draw_list_destroy(layout_header(&env, f->community.name, "26 November", "09:00"));
        }
    }
    feed_destroy(f);
    feed_report_clear(&report);
    return 0;
}
