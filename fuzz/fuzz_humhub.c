/* The HumHub adapter: the list of spaces, then each allow-listed space's posts (responses:
 * see fuzz_source.h). The spaces are those of the api-samples. */
#include "fuzz_source.h"

FUZZ_QUIET_INITIALIZE

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct source_settings set = {
        .kind = SOURCE_HUMHUB,
        .base_url = "https://intranet.example.com",
        .groups = "2, 4, 7",
        .introduction_groups = "4",
        .help_groups = "7",
        .introduction_topics = "welcome",
        .help_topics = "help wanted",
    };
    return fuzz_poll(&set, data, size);
}
