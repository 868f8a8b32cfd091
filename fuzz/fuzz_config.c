/* The configuration: arbitrary bytes as prikbord.conf, both through the file reader (which
 * must report NUL bytes and over-long lines itself) and as a string; the reload diff of the
 * result; and the first line as a command-line override "section.key=value". */
#include "config.h"

#include "fuzz.h"

#include <stdlib.h>
#include <unistd.h>

static FILE *scratch; /* the file config_load_file reads, rewritten for each input */
static char scratch_path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_quiet_logs();
    /* In memory where there is a tmpfs: truncating a file on disk for every input waits for
     * the file system. */
    char name[] = "/dev/shm/prikbord-fuzz-config-XXXXXX";
    int fd = mkstemp(name);
    if (fd >= 0) {
        unlink(name);
        scratch = fdopen(fd, "w+");
    }
    if (!scratch)
        scratch = tmpfile();
    if (scratch)
        snprintf(scratch_path, sizeof scratch_path, "/proc/self/fd/%d", fileno(scratch));
    return 0;
}

static void count_problem(void *ctx, const char *msg)
{
    /* Every report is "FILE:LINE: message" with FILE the name given. */
    if (strncmp(msg, "fuzz.conf:", 10) != 0 && strncmp(msg, scratch_path, strlen(scratch_path)))
        abort();
    (*(int *)ctx)++;
}

static void changed(void *ctx, const char *dotted_key)
{
    (void)dotted_key;
    (*(int *)ctx)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct config defaults, c;
    int problems = 0, changes = 0;
    config_init(&defaults);
    config_init(&c);

    char *text = xstrndup((const char *)data, size);
    config_load_string(&c, "fuzz.conf", text, count_problem, &problems);
    config_diff(&defaults, &c, changed, &changes);
    config_free(&c);

    config_init(&c);
    /* The file reader differs from the string reader in how it meets a NUL byte; for other
     * inputs a sample of them is enough (writing the file costs more than the parse). */
    bool through_file = memchr(data, '\0', size) || size % 4 == 0;
    if (through_file && scratch && ftruncate(fileno(scratch), 0) == 0 &&
        pwrite(fileno(scratch), data, size, 0) == (ssize_t)size)
        config_load_file(&c, scratch_path, count_problem, &problems);
    size_t line = strcspn(text, "\n");
    text[line] = '\0';
    char *eq = strchr(text, '=');
    if (eq) {
        *eq = '\0';
        char err[256];
        config_set(&c, text, eq + 1, err, sizeof err);
    }
    config_diff(&defaults, &c, changed, &changes);
    config_free(&c);
    config_free(&defaults);
    free(text);
    return 0;
}
