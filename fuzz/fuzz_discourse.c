/* The Discourse adapter: categories, the latest topics with more_topics_url paging, then each
 * allow-listed category's own list (responses: see fuzz_source.h). The categories are those
 * of the api-samples. */
#include "fuzz_source.h"

FUZZ_QUIET_INITIALIZE

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct source_settings set = {
        .kind = SOURCE_DISCOURSE,
        .base_url = "https://community.example.com",
        .groups = "1, 7, 8, 9, 12",
        .introduction_groups = "7",
        .help_groups = "8",
    };
    return fuzz_poll(&set, data, size);
}
