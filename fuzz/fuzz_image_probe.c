/* image_probe: the header check that runs before any decoder sees a downloaded image. It must
 * never read past the length it is given, and a size it accepts is never zero. */
#include "image_probe.h"

#include "fuzz.h"

FUZZ_QUIET_INITIALIZE

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A copy of exactly size bytes, so that ASan sees any read past the end. */
    uint8_t *copy = xmalloc(size ? size : 1);
    memcpy(copy, data, size);
    enum image_format fmt;
    uint32_t w, h;
    char err[128];
    if (image_probe(copy, size, &fmt, &w, &h, err, sizeof err) && (w == 0 || h == 0))
        abort();
    (void)image_format_name(fmt);
    free(copy);
    return 0;
}
