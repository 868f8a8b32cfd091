/* Text: arbitrary bytes sanitised as a feed's text is, then wrapped and fitted into a box
 * (stub metrics: every code point px/2 wide, emoji from a fallback face), with the box taken
 * from the first bytes. Checks what the renderer relies on: every run lies inside its line's
 * text, and a line limit holds. Also direction and initials of the raw and sanitised text. */
#include "text.h"

#include "fuzz.h"

FUZZ_QUIET_INITIALIZE

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 6)
        return 0;
    int max_w = 1 + data[0] * 8;                            /* 1..2041 px */
    int max_h = data[1] & 0x80 ? 0 : (data[1] & 0x7f) * 16; /* 0 (none) or up to 2032 */
    int max_lines = data[2] & 0x0f;                         /* 0 (none) .. 15 */
    int px = 1 + data[3] % 200;
    int min_px = 1 + data[4] % px;
    bool newlines = data[5] & 1;
    size_t max_bytes = data[5] & 2 ? 40 : FEED_MAX_BODY;
    const char *raw = (const char *)data + 6;
    size_t len = size - 6;

    (void)text_is_rtl(raw, len);
    bool cut;
    char *s = text_sanitize(raw, len, max_bytes, newlines, &cut);
    if (strlen(s) > max_bytes)
        abort();
    struct text_block *b = text_layout(stub_metrics(), 0, s, max_w, max_h, max_lines, px, min_px);
    if (max_lines > 0 && b->n_lines > (size_t)max_lines)
        abort();
    for (size_t i = 0; i < b->n_lines; i++) {
        const struct text_line *line = &b->lines[i];
        size_t n = strlen(line->s);
        for (size_t k = 0; k < line->n_runs; k++)
            if (line->runs[k].start > n || line->runs[k].len > n - line->runs[k].start)
                abort();
    }
    text_block_destroy(b);
    char initials[16];
    text_initials(s, initials, 1 + data[4] % sizeof initials);
    free(s);
    return 0;
}
