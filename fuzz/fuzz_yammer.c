/* The Viva Engage (Yammer) adapter: group listings with their references, paging by
 * older_than, praise, mention tokens (responses: see fuzz_source.h). The groups are those of
 * the api-samples, so the samples reach the mapping code. */
#include "fuzz_source.h"

FUZZ_QUIET_INITIALIZE

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct source_settings set = {
        .kind = SOURCE_YAMMER,
        .base_url = "https://www.yammer.com/api/v1",
        .groups = "31158067201, 31200455681, 31299001345",
        .introduction_groups = "31158067201",
        .help_groups = "31299001345",
        .show_without_group = true,
        .show_all_posts = true,
    };
    return fuzz_poll(&set, data, size);
}
