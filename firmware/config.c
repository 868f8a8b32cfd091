#define LOG_MODULE "config"
#include "config.h"
#include "log.h"
#include "util.h"

/* Debian builds libinih with INI_HANDLER_LINENO=1 (the handler gets a fifth argument, the line
 * number; see the call in ini_parse_stream's disassembly) but inih.pc does not say so, so the
 * prototype is matched here by hand. The line number itself is not trusted: the reader below
 * counts lines, which stays right with an inih built either way. */
#define INI_HANDLER_LINENO 1
#include <ini.h>

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum section {
    SEC_FEED,
    SEC_DISPLAY,
    SEC_CONTENT,
    SEC_HOURS,
    SEC_CACHE,
    SEC_LOG,
    SEC_INPUT,
    SEC_VIDEO,
    SEC_YAMMER,
    SEC_HUMHUB,
    SEC_DISCOURSE,
    SEC_COUNT
};

static const char *const section_names[] = {
    [SEC_FEED] = "feed",          [SEC_DISPLAY] = "display",     [SEC_CONTENT] = "content",
    [SEC_HOURS] = "office_hours", [SEC_CACHE] = "cache",         [SEC_LOG] = "log",
    [SEC_INPUT] = "input",        [SEC_VIDEO] = "video",         [SEC_YAMMER] = "yammer",
    [SEC_HUMHUB] = "humhub",      [SEC_DISCOURSE] = "discourse",
};
static_assert(ARRAY_LEN(section_names) == SEC_COUNT, "one name per section");

enum option_type {
    OPT_STRING,     /* char *; an empty value unsets it (NULL) */
    OPT_INT,        /* int within min..max, or one of allowed[] */
    OPT_BOOL,       /* bool */
    OPT_ENUM_NAME,  /* char * holding one of names[], in lower case */
    OPT_ENUM_INDEX, /* int holding the index of one of names[] */
    OPT_SIZE,       /* int width at offset, int height at offset_h: "WxH", or 0x0 = fullscreen */
    OPT_TYPE_COUNT
};

struct option {
    enum section section;
    const char *key;
    enum option_type type;
    size_t offset;
    size_t offset_h;    /* OPT_SIZE: the height field (offset is the width) */
    const char *def;    /* the default as it would be written in the file; NULL: unset */
    int min, max;       /* OPT_INT, and OPT_SIZE per side */
    const int *allowed; /* OPT_INT: when set, only these n_allowed values */
    size_t n_allowed;
    const char *const *names; /* OPT_ENUM_*: the allowed names, NULL-terminated */
    const char *help;
};

/* offsetof that refuses to compile when the field does not have the C type its row stores,
 * so a row can never make the loader write an int into a char * or a bool into an int. */
#define FIELD(field, ctype)                                                                        \
    (offsetof(struct config, field) +                                                              \
     0 * sizeof(struct {                                                                           \
         int unused;                                                                               \
         static_assert(_Generic(((struct config *)0)->field, ctype : 1, default : 0),              \
                       "config field " #field " is not of type " #ctype);                          \
     }))

#define STRING(sec, k, field, d, h)                                                                \
    {                                                                                              \
        .section = sec, .key = k, .type = OPT_STRING, .offset = FIELD(field, char *), .def = d,    \
        .help = h                                                                                  \
    }
#define INT(sec, k, field, d, lo, hi, h)                                                           \
    {                                                                                              \
        .section = sec, .key = k, .type = OPT_INT, .offset = FIELD(field, int), .def = d,          \
        .min = lo, .max = hi, .help = h                                                            \
    }
#define INT_OF(sec, k, field, d, list, h)                                                          \
    {                                                                                              \
        .section = sec, .key = k, .type = OPT_INT, .offset = FIELD(field, int), .def = d,          \
        .allowed = list, .n_allowed = ARRAY_LEN(list), .help = h                                   \
    }
#define BOOL(sec, k, field, d, h)                                                                  \
    {                                                                                              \
        .section = sec, .key = k, .type = OPT_BOOL, .offset = FIELD(field, bool), .def = d,        \
        .help = h                                                                                  \
    }
#define ENUM_NAME(sec, k, field, d, list, h)                                                       \
    {                                                                                              \
        .section = sec, .key = k, .type = OPT_ENUM_NAME, .offset = FIELD(field, char *), .def = d, \
        .names = list, .help = h                                                                   \
    }
#define ENUM_INDEX(sec, k, field, d, list, h)                                                      \
    {                                                                                              \
        .section = sec, .key = k, .type = OPT_ENUM_INDEX, .offset = FIELD(field, int), .def = d,   \
        .names = list, .help = h                                                                   \
    }
#define SIZE(sec, k, fw, fh, d, lo, hi, h)                                                         \
    {                                                                                              \
        .section = sec, .key = k, .type = OPT_SIZE, .offset = FIELD(fw, int),                      \
        .offset_h = FIELD(fh, int), .def = d, .min = lo, .max = hi, .help = h                      \
    }

static const char *const source_names[] = {"prikbord", "yammer", "humhub", "discourse", NULL};
static const char *const language_names[] = {"auto", "nl", "en", NULL};
/* Indexed by enum log_level, so the stored index is the level itself. */
static const char *const log_level_names[] = {
    [LOG_DEBUG] = "debug", [LOG_INFO] = "info",      [LOG_WARN] = "warn",
    [LOG_ERROR] = "error", [LOG_LEVEL_COUNT] = NULL,
};
static_assert(ARRAY_LEN(log_level_names) == LOG_LEVEL_COUNT + 1, "one name per log level");
static const int rotations[] = {0, 90, 180, 270};

/* The whole configuration surface. Defaults are strings parsed by the same code as the file,
 * so a default is always a value a user could write, and config_print_keys shows it as is. */
static const struct option options[] = {
    STRING(SEC_FEED, "url", feed_url, NULL,
           "Address of the feed (http:// or https://); unset: the bundled demo feed."),
    STRING(SEC_FEED, "token", token, NULL,
           "Bearer token sent with each request. A secret: never logged or printed."),
    STRING(SEC_FEED, "token_file", token_file, NULL,
           "File that holds the bearer token; re-read before each request."),
    STRING(SEC_FEED, "ca_file", ca_file, NULL,
           "Extra CA bundle (PEM) to trust, for a company certificate authority."),
    ENUM_NAME(SEC_FEED, "source", source, "prikbord", source_names,
              "Software that serves the feed."),
    INT(SEC_FEED, "refresh_interval", refresh_interval_s, "60", 10, 86400,
        "Seconds between two fetches of the feed."),
    INT(SEC_FEED, "max_feed_bytes", max_feed_bytes, "8388608", 65536, 67108864,
        "Largest feed download accepted, in bytes."),
    INT(SEC_FEED, "connect_timeout", connect_timeout_s, "10", 1, 300,
        "Seconds to wait for a connection to the server."),
    INT(SEC_FEED, "stall_timeout", stall_timeout_s, "20", 1, 600,
        "Seconds a transfer may stall (under 100 bytes a second) before it is given up."),
    INT(SEC_FEED, "transfer_timeout", transfer_timeout_s, "60", 1, 3600,
        "Seconds one whole transfer may take."),

    STRING(SEC_DISPLAY, "title", title, NULL,
           "Name in the header when the feed gives none (platform sources); unset: Prikbord."),
    STRING(SEC_DISPLAY, "id", display_id, NULL,
           "Name of this screen in logs, requests and the status slide; unset: an id derived "
           "from the machine id, else the host name."),
    STRING(SEC_DISPLAY, "layout", layout, "auto",
           "Layout name (from layouts/) or path to a layout file; auto picks one for the screen."),
    SIZE(SEC_DISPLAY, "window", window_w, window_h, "fullscreen", 64, 16384,
         "Window size in pixels as WxH (e.g. 1280x720); empty or fullscreen: full screen."),
    INT(SEC_DISPLAY, "slide_seconds", slide_seconds, "12", 3, 600,
        "Shortest time a slide stays on screen, in seconds."),
    INT(SEC_DISPLAY, "max_slide_seconds", max_slide_seconds, "40", 3, 3600,
        "Longest time a long text may keep its slide on screen, in seconds."),
    INT(SEC_DISPLAY, "words_per_minute", words_per_minute, "180", 30, 1000,
        "Reading speed at the wall: a slide stays as long as its words take to read."),
    INT(SEC_DISPLAY, "photo_seconds", photo_seconds, "2", 0, 60,
        "Extra seconds for a slide with a photo."),
    INT(SEC_DISPLAY, "transition_ms", transition_ms, "600", 0, 5000,
        "Length of the transition between slides in milliseconds; 0 cuts."),
    INT(SEC_DISPLAY, "max_fps", max_fps, "30", 1, 120, "Frame rate cap while something moves."),
    BOOL(SEC_DISPLAY, "show_all_posts", show_all_posts, "false",
         "Show every post; false shows only the posts the community highlighted."),
    ENUM_NAME(SEC_DISPLAY, "language", language, "auto", language_names,
              "Language of the screen's own texts; auto follows the system locale."),
    INT_OF(SEC_DISPLAY, "rotation", rotation, "0", rotations,
           "Rotation of the picture in degrees, for a screen mounted on its side."),
    BOOL(SEC_DISPLAY, "clock_24h", clock_24h, "true", "Show the clock in 24-hour time."),

    STRING(SEC_CONTENT, "types", types, "all",
           "Item types this screen shows, comma-separated (post, introduction, shoutout, "
           "help_request), or all."),
    STRING(SEC_CONTENT, "groups", groups, NULL,
           "Group ids or names this screen shows, comma-separated; unset: every open group."),
    INT(SEC_CONTENT, "fresh_hours", fresh_hours, "24", 0, 720,
        "Items published this recently come round twice per cycle; 0 turns that off."),
    INT(SEC_CONTENT, "introduction_days", introduction_days, "14", 0, 3650,
        "Days a new colleague is shown from the start date, unless the feed says; 0: no limit."),
    INT(SEC_CONTENT, "shoutout_days", shoutout_days, "7", 0, 3650,
        "Days a shout-out is shown, unless the feed says; 0: no limit."),
    INT(SEC_CONTENT, "post_days", post_days, "0", 0, 3650,
        "Days a post is shown, unless the feed says; 0: while it is highlighted."),

    STRING(SEC_HOURS, "monday", hours[1], NULL,
           "Hours the screen is on, as HH:MM-HH:MM, closed, or unset: all day."),
    STRING(SEC_HOURS, "tuesday", hours[2], NULL, "As monday."),
    STRING(SEC_HOURS, "wednesday", hours[3], NULL, "As monday."),
    STRING(SEC_HOURS, "thursday", hours[4], NULL, "As monday."),
    STRING(SEC_HOURS, "friday", hours[5], NULL, "As monday."),
    STRING(SEC_HOURS, "saturday", hours[6], NULL, "As monday."),
    STRING(SEC_HOURS, "sunday", hours[0], NULL, "As monday."),
    STRING(SEC_HOURS, "days_off", days_off, NULL,
           "Dates the screen stays dark all day, comma-separated YYYY-MM-DD."),
    STRING(SEC_HOURS, "command_off", command_off, NULL,
           "Shell command run when the screen goes dark, e.g. to switch the panel off."),
    STRING(SEC_HOURS, "command_on", command_on, NULL,
           "Shell command run when the screen comes back on."),

    STRING(SEC_CACHE, "dir", cache_dir, NULL,
           "Directory for the last good feed and its images; unset: $XDG_CACHE_HOME/prikbord "
           "or ~/.cache/prikbord."),
    STRING(SEC_CACHE, "status_dir", status_dir, NULL,
           "Directory for status.json and prikbord.prom (for node_exporter's textfile "
           "collector), written after each refresh; unset: the cache directory."),
    INT(SEC_CACHE, "max_mb", cache_max_mb, "200", 1, 100000,
        "Most megabytes of images kept in the cache; the least recently used go first."),

    ENUM_INDEX(SEC_LOG, "level", log_level, "info", log_level_names,
               "Least important kind of message that is logged."),

    BOOL(SEC_INPUT, "enabled", input_enabled, "true",
         "React to touch, mouse and keys: browse, read a whole post, filter by type."),
    BOOL(SEC_INPUT, "controls", input_controls, "true",
         "Show the filter row and buttons after a touch; false keeps only gestures and keys."),
    INT(SEC_INPUT, "idle_seconds", input_idle_s, "45", 2, 3600,
        "Seconds without input after which the screen returns to the slideshow."),
    INT(SEC_INPUT, "target_mm", input_target_mm, "9", 5, 40,
        "Smallest size of a control in millimetres (a fingertip is about 9)."),
    INT(SEC_INPUT, "screen_width_mm", screen_width_mm, "0", 0, 10000,
        "Width of the picture in millimetres, to size the controls; 0: what the display says."),
    BOOL(SEC_INPUT, "quit_key", input_quit_key, "false",
         "Escape or Q quits a fullscreen kiosk; a window given with --window always may."),

    BOOL(SEC_VIDEO, "enabled", video_enabled, "true",
         "Download and play the introduction videos the feed names; false: never fetch them."),
    INT(SEC_VIDEO, "max_mb", video_max_mb, "50", 1, 2000,
        "Largest video download accepted, in megabytes; videos count in cache.max_mb."),
    INT(SEC_VIDEO, "max_seconds", video_max_seconds, "60", 5, 600,
        "Longest time a video keeps its slide on screen, in seconds; a longer one stops there."),
    INT(SEC_VIDEO, "max_width", video_max_w, "1920", 64, 7680,
        "Largest video picture accepted, with max_height, in either orientation; a larger "
        "one is refused (its photo shows). Smaller ones are scaled to the screen."),
    INT(SEC_VIDEO, "max_height", video_max_h, "1080", 64, 7680,
        "Largest video picture accepted, with max_width."),
    BOOL(SEC_VIDEO, "audio", video_audio, "false",
         "Offer a video's sound in the detail view (a speaker control), for a break room; "
         "false: always muted."),

    STRING(SEC_YAMMER, "base_url", yammer_base_url, "https://www.yammer.com/api/v1",
           "Viva Engage (Yammer) REST API address; empty: feed.url."),
    STRING(SEC_YAMMER, "groups", yammer_groups, NULL,
           "Ids of the groups whose messages may be shown, comma-separated (at most 10)."),
    STRING(SEC_YAMMER, "introduction_groups", yammer_introduction_groups, NULL,
           "Group ids whose messages are introductions of new colleagues."),
    STRING(SEC_YAMMER, "help_groups", yammer_help_groups, NULL,
           "Group ids whose messages are help requests."),
    BOOL(SEC_YAMMER, "show_messages_without_group", yammer_show_without_group, "false",
         "Also show public messages that are in no group."),
    STRING(SEC_HUMHUB, "base_url", humhub_base_url, NULL,
           "HumHub site address (the REST API is under /api/v1); unset: feed.url."),
    STRING(SEC_HUMHUB, "spaces", humhub_spaces, NULL,
           "Ids of the spaces whose posts may be shown, comma-separated."),
    STRING(SEC_HUMHUB, "introduction_spaces", humhub_introduction_spaces, NULL,
           "Space ids whose posts are introductions of new colleagues."),
    STRING(SEC_HUMHUB, "help_spaces", humhub_help_spaces, NULL,
           "Space ids whose posts are help requests."),
    STRING(SEC_HUMHUB, "introduction_topics", humhub_introduction_topics, NULL,
           "Topic names that make a post an introduction, comma-separated."),
    STRING(SEC_HUMHUB, "help_topics", humhub_help_topics, NULL,
           "Topic names that make a post a help request, comma-separated."),
    STRING(SEC_DISCOURSE, "base_url", discourse_base_url, NULL,
           "Discourse site address; unset: feed.url."),
    STRING(SEC_DISCOURSE, "categories", discourse_categories, NULL,
           "Ids of the categories whose topics may be shown, comma-separated."),
    STRING(SEC_DISCOURSE, "introduction_categories", discourse_introduction_categories, NULL,
           "Category ids whose topics are introductions of new colleagues."),
    STRING(SEC_DISCOURSE, "help_categories", discourse_help_categories, NULL,
           "Category ids whose topics are help requests."),
};

/* Room for a user's text echoed inside a message: long or hostile input must not make the
 * message long or multi-line. */
#define QUOTE_SIZE 52

/* Copies at most len bytes of s for a message: controls become '?', and a cut (at a code
 * point boundary) is marked with "...". Returns buf. */
static const char *quote(char buf[QUOTE_SIZE], const char *s, size_t len)
{
    const size_t room = QUOTE_SIZE - 4; /* leaves space for "..." and the NUL */
    size_t n = len < room ? len : room;
    if (n < len) {
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        buf[i] = (ch < 0x20 || ch == 0x7f) ? '?' : (char)ch;
    }
    if (n < len) {
        memcpy(buf + n, "...", 4);
    } else {
        buf[n] = '\0';
    }
    return buf;
}

static bool fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Writes the message to err (when there is room) and returns false, so setters can say
 * `return fail(...)`. */
static bool fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return false;
}

static void *field_ptr(struct config *c, size_t offset)
{
    return (char *)c + offset;
}

/* Joins names as "a, b, c or d" into b. */
static void append_choices(struct strbuf *b, const char *const *names, const int *ints, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            strbuf_appends(b, i + 1 == n ? " or " : ", ");
        if (names)
            strbuf_appends(b, names[i]);
        else
            strbuf_appendf(b, "%d", ints[i]);
    }
}

static size_t names_count(const char *const *names)
{
    size_t n = 0;
    while (names[n])
        n++;
    return n;
}

/* Checks that a number lies within o->min..o->max. text (len bytes) is the number as written,
 * echoed in the message after what; v is its value, unless erange says it did not fit a long. */
static bool check_range(const struct option *o, const char *what, const char *text, size_t len,
                        long v, bool erange, char *err, size_t errlen)
{
    char q[QUOTE_SIZE];
    if (!erange && v >= o->min && v <= o->max)
        return true;
    if (!erange && v < o->min)
        return fail(err, errlen, "%s: %s%s is below the minimum %d", o->key, what,
                    quote(q, text, len), o->min);
    return fail(err, errlen, "%s: %s%s is above the maximum %d", o->key, what, quote(q, text, len),
                o->max);
}

static bool set_string(struct config *c, const struct option *o, const char *value, char *err,
                       size_t errlen)
{
    char **field = field_ptr(c, o->offset);
    /* The value is never echoed: this may be the token. Controls are refused because every
     * string ends up in a path, a URL or an HTTP header, where they are always a mistake. */
    for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
        if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
            return fail(err, errlen, "%s: the value contains a control character", o->key);
    }
    free(*field);
    *field = *value ? xstrdup(value) : NULL;
    return true;
}

static bool set_int(struct config *c, const struct option *o, const char *value, char *err,
                    size_t errlen)
{
    char q[QUOTE_SIZE];
    if (!*value)
        return fail(err, errlen, "%s: a value is required", o->key);
    char *end;
    errno = 0;
    long v = strtol(value, &end, 10);
    bool erange = errno == ERANGE;
    if (isspace((unsigned char)*value) || *end != '\0')
        return fail(err, errlen, "%s: '%s' is not a whole number", o->key,
                    quote(q, value, strlen(value)));
    if (o->allowed) {
        for (size_t i = 0; !erange && i < o->n_allowed; i++) {
            if (v == o->allowed[i]) {
                *(int *)field_ptr(c, o->offset) = (int)v;
                return true;
            }
        }
        struct strbuf b = {0};
        append_choices(&b, NULL, o->allowed, o->n_allowed);
        fail(err, errlen, "%s: %s is not one of %s", o->key, quote(q, value, strlen(value)),
             b.data);
        strbuf_free(&b);
        return false;
    }
    if (!check_range(o, "", value, strlen(value), v, erange, err, errlen))
        return false;
    *(int *)field_ptr(c, o->offset) = (int)v;
    return true;
}

static bool set_bool(struct config *c, const struct option *o, const char *value, char *err,
                     size_t errlen)
{
    static const char *const yes[] = {"true", "yes", "on", "1"};
    static const char *const no[] = {"false", "no", "off", "0"};
    static_assert(ARRAY_LEN(yes) == ARRAY_LEN(no), "every true spelling has a false one");
    char q[QUOTE_SIZE];
    if (!*value)
        return fail(err, errlen, "%s: a value is required", o->key);
    for (size_t i = 0; i < ARRAY_LEN(yes); i++) {
        if (strcasecmp(value, yes[i]) == 0 || strcasecmp(value, no[i]) == 0) {
            *(bool *)field_ptr(c, o->offset) = strcasecmp(value, yes[i]) == 0;
            return true;
        }
    }
    return fail(err, errlen, "%s: '%s' is not true or false (or yes/no, on/off, 1/0)", o->key,
                quote(q, value, strlen(value)));
}

/* Finds value among o->names, ignoring case; returns the index or -1 after writing err. */
static int find_name(const struct option *o, const char *value, char *err, size_t errlen)
{
    char q[QUOTE_SIZE];
    if (!*value) {
        fail(err, errlen, "%s: a value is required", o->key);
        return -1;
    }
    for (int i = 0; o->names[i]; i++) {
        if (strcasecmp(value, o->names[i]) == 0)
            return i;
    }
    struct strbuf b = {0};
    append_choices(&b, o->names, NULL, names_count(o->names));
    fail(err, errlen, "%s: '%s' is not one of %s", o->key, quote(q, value, strlen(value)), b.data);
    strbuf_free(&b);
    return -1;
}

static bool set_enum_name(struct config *c, const struct option *o, const char *value, char *err,
                          size_t errlen)
{
    int i = find_name(o, value, err, errlen);
    if (i < 0)
        return false;
    char **field = field_ptr(c, o->offset);
    free(*field);
    *field = xstrdup(o->names[i]);
    return true;
}

static bool set_enum_index(struct config *c, const struct option *o, const char *value, char *err,
                           size_t errlen)
{
    int i = find_name(o, value, err, errlen);
    if (i < 0)
        return false;
    *(int *)field_ptr(c, o->offset) = i;
    return true;
}

/* Parses one side of "WxH": decimal digits only (no sign, no spaces). Returns the end, or NULL
 * when there are no digits. */
static const char *parse_side(const char *s, long *v, bool *erange)
{
    if (!isdigit((unsigned char)*s))
        return NULL;
    char *end;
    errno = 0;
    *v = strtol(s, &end, 10);
    *erange = errno == ERANGE;
    return end;
}

static bool set_size(struct config *c, const struct option *o, const char *value, char *err,
                     size_t errlen)
{
    char q[QUOTE_SIZE];
    long w = 0, h = 0;
    if (*value && strcasecmp(value, "fullscreen") != 0) {
        bool w_erange, h_erange;
        const char *x = parse_side(value, &w, &w_erange);
        const char *end = x && (*x == 'x' || *x == 'X') ? parse_side(x + 1, &h, &h_erange) : NULL;
        if (!end || *end != '\0')
            return fail(err, errlen, "%s: '%s' is not WxH (like 1280x720) or fullscreen", o->key,
                        quote(q, value, strlen(value)));
        if (!check_range(o, "width ", value, (size_t)(x - value), w, w_erange, err, errlen) ||
            !check_range(o, "height ", x + 1, (size_t)(end - x - 1), h, h_erange, err, errlen))
            return false;
    }
    *(int *)field_ptr(c, o->offset) = (int)w;
    *(int *)field_ptr(c, o->offset_h) = (int)h;
    return true;
}

typedef bool setter_fn(struct config *c, const struct option *o, const char *value, char *err,
                       size_t errlen);

/* Each setter checks the whole value before it writes, so a bad value keeps the old one. */
static setter_fn *const setters[] = {
    [OPT_STRING] = set_string,
    [OPT_INT] = set_int,
    [OPT_BOOL] = set_bool,
    [OPT_ENUM_NAME] = set_enum_name,
    [OPT_ENUM_INDEX] = set_enum_index,
    [OPT_SIZE] = set_size,
};
static_assert(ARRAY_LEN(setters) == OPT_TYPE_COUNT, "one setter per option type");

static bool option_set(struct config *c, const struct option *o, const char *value, char *err,
                       size_t errlen)
{
    return setters[o->type](c, o, value, err, errlen);
}

/* Looks up a section by name (len bytes, surrounding blanks ignored, any case); SEC_COUNT when
 * there is none. */
static enum section section_find(const char *name, size_t len)
{
    while (len > 0 && isspace((unsigned char)*name)) {
        name++;
        len--;
    }
    while (len > 0 && isspace((unsigned char)name[len - 1]))
        len--;
    for (int s = 0; s < SEC_COUNT; s++) {
        if (strlen(section_names[s]) == len && strncasecmp(name, section_names[s], len) == 0)
            return (enum section)s;
    }
    return SEC_COUNT;
}

/* Looks up key in section (SEC_COUNT: in any section, for "did you mean" hints). */
static const struct option *option_find(enum section section, const char *key)
{
    for (size_t i = 0; i < ARRAY_LEN(options); i++) {
        const struct option *o = &options[i];
        if ((section == SEC_COUNT || o->section == section) && strcasecmp(o->key, key) == 0)
            return o;
    }
    return NULL;
}

void config_init(struct config *c)
{
    memset(c, 0, sizeof *c);
    for (size_t i = 0; i < ARRAY_LEN(options); i++) {
        const struct option *o = &options[i];
        char err[256];
        if (o->def && !option_set(c, o, o->def, err, sizeof err))
            log_error("bad built-in default for %s.%s: %s", section_names[o->section], o->key, err);
    }
}

void config_free(struct config *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < ARRAY_LEN(options); i++) {
        if (options[i].type == OPT_STRING || options[i].type == OPT_ENUM_NAME)
            free(*(char **)field_ptr(c, options[i].offset));
    }
    memset(c, 0, sizeof *c);
}

/* A file full of problems is most likely not a config file at all; after this many the rest is
 * skipped rather than flooding the log. */
#define MAX_PROBLEMS 100
/* Far more than any real config; the bound keeps a wrong path (say /dev/zero) from hanging
 * the start-up. */
#define MAX_SOURCE_BYTES (1024 * 1024)

/* State of one load. inih pulls lines through read_line(), which hands it one physical line
 * at a time; that keeps the line count exact and lets this file see every line, so that lines
 * inih rejects without calling the handler (syntax errors) are reported too. */
struct loader {
    struct config *c;
    const char *name;
    config_report_fn *report;
    void *ctx;
    int problems;
    int first_problem_line; /* 0: none yet */

    FILE *file;       /* the source: this file, or text when NULL */
    const char *text; /* next unread byte */
    int read_errno;   /* errno of a failed read; 0: none */
    size_t consumed;  /* bytes read so far */
    bool too_big;     /* stopped at MAX_SOURCE_BYTES */

    char *buf; /* the current physical line, cut to buf_cap - 1 bytes */
    size_t buf_cap;
    const char *cur; /* the current line without leading blanks, as given to inih */
    int lineno;
    bool line_done; /* the current line reached the handler or was already reported */
};

static void problem_at(struct loader *ld, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void problem_at(struct loader *ld, int line, const char *fmt, ...)
{
    char detail[384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    char *msg = xasprintf("%s:%d: %s", ld->name, line, detail);
    if (ld->report)
        ld->report(ld->ctx, msg);
    else
        log_warn("%s", msg);
    free(msg);
    ld->problems++;
    if (ld->first_problem_line == 0 || (line > 0 && line < ld->first_problem_line))
        ld->first_problem_line = line;
}

#define problem(ld, ...)                                                                           \
    do {                                                                                           \
        (ld)->line_done = true;                                                                    \
        problem_at((ld), (ld)->lineno, __VA_ARGS__);                                               \
    } while (0)

static const char *errno_text(int e, char *buf, size_t len)
{
    if (strerror_r(e, buf, len) != 0)
        snprintf(buf, len, "error %d", e);
    return buf;
}

static int next_char(struct loader *ld)
{
    int ch;
    if (ld->file) {
        ch = getc(ld->file);
        if (ch == EOF && ferror(ld->file) && ld->read_errno == 0)
            ld->read_errno = errno ? errno : EIO;
    } else {
        ch = *ld->text ? (unsigned char)*ld->text++ : EOF;
    }
    if (ch != EOF && ld->consumed++ >= MAX_SOURCE_BYTES) {
        ld->too_big = true;
        return EOF;
    }
    return ch;
}

/* Reports the current line if inih passed it over without calling the handler and it is not
 * blank, a comment or a known section. Mirrors inih's own rules for those three. */
static void finish_line(struct loader *ld)
{
    if (ld->lineno == 0 || ld->line_done)
        return;
    ld->line_done = true;
    const char *s = ld->cur;
    if (*s == '\0' || *s == ';' || *s == '#')
        return;
    if (*s == '[') {
        const char *end = strchr(s, ']');
        char q[QUOTE_SIZE];
        if (!end)
            problem(ld, "section name without a closing ']'");
        else if (section_find(s + 1, (size_t)(end - s - 1)) == SEC_COUNT)
            problem(ld, "unknown section [%s]", quote(q, s + 1, (size_t)(end - s - 1)));
        return;
    }
    /* The line itself is not echoed: it may be a pasted token. */
    problem(ld, "expected 'key = value' or '[section]'");
}

/* inih's ini_reader: gives inih the next physical line without its line break and leading
 * blanks (so an indented key is never taken as a continuation of the previous value). Lines
 * inih cannot take (too long for its buffer of num bytes, or holding a NUL byte) are reported
 * here and handed over as blank lines, so every later line keeps its number. */
static char *read_line(char *str, int num, void *stream)
{
    struct loader *ld = stream;
    finish_line(ld);
    if (num < 2 || ld->read_errno || ld->too_big)
        return NULL;
    int ch = next_char(ld);
    if (ch == EOF)
        return NULL;
    if (ld->problems >= MAX_PROBLEMS) {
        problem_at(ld, ld->lineno + 1, "too many problems; ignoring the rest of the file");
        return NULL;
    }
    if (ld->buf_cap < (size_t)num) {
        ld->buf_cap = (size_t)num;
        ld->buf = xrealloc(ld->buf, ld->buf_cap);
    }

    size_t len = 0, stored = 0;
    bool nul = false, cr = false;
    for (; ch != EOF && ch != '\n'; ch = next_char(ld)) {
        nul |= ch == '\0';
        cr = ch == '\r';
        if (stored < ld->buf_cap - 1)
            ld->buf[stored++] = (char)ch;
        len++;
    }
    if (ld->read_errno || ld->too_big)
        return NULL; /* half a line could be a wrong value that looks right */
    if (cr) {        /* a CRLF line end is not part of the line */
        len--;
        if (stored > len)
            stored = len;
    }
    ld->buf[stored] = '\0';
    ld->lineno++;
    ld->line_done = false;
    ld->cur = "";
    if (ld->lineno == 1 && stored >= 3 && memcmp(ld->buf, "\xEF\xBB\xBF", 3) == 0) {
        memmove(ld->buf, ld->buf + 3, stored - 3 + 1);
        stored -= 3;
        len -= 3;
    }

    str[0] = '\0';
    if (nul) {
        problem(ld, "the line contains a NUL byte");
    } else if (len > (size_t)num - 1) {
        problem(ld, "line too long (%zu bytes; the limit is %d)", len, num - 1);
    } else {
        const char *s = ld->buf;
        while (*s == ' ' || *s == '\t' || *s == '\v' || *s == '\f' || *s == '\r')
            s++;
        ld->cur = s;
        memcpy(str, s, strlen(s) + 1);
    }
    return str;
}

/* inih's handler: called for each "name = value" line, with section "" before any header. */
static int on_key(void *user, const char *section, const char *name, const char *value, int lineno)
{
    struct loader *ld = user;
    (void)lineno; /* see the top of this file */
    ld->line_done = true;
    char q[QUOTE_SIZE];
    const struct option *o = NULL;
    enum section sec = section_find(section, strlen(section));
    if (sec == SEC_COUNT && *section != '\0')
        return 1; /* reported once, at the section's header */
    if (sec != SEC_COUNT)
        o = option_find(sec, name);
    if (!o) {
        const struct option *elsewhere = option_find(SEC_COUNT, name);
        char where[32], hint[40] = "";
        if (sec == SEC_COUNT)
            snprintf(where, sizeof where, "outside any section");
        else
            snprintf(where, sizeof where, "in [%s]", section_names[sec]);
        if (elsewhere)
            snprintf(hint, sizeof hint, " (it belongs in [%s])", section_names[elsewhere->section]);
        problem(ld, "unknown key '%s' %s%s", quote(q, name, strlen(name)), where, hint);
        return 1;
    }
    char err[256];
    if (!option_set(ld->c, o, value ? value : "", err, sizeof err))
        problem(ld, "%s", err);
    /* Always 1: every problem is already reported, and inih should keep going. */
    return 1;
}

/* Feeds the source to inih and reports what only the end of the parse reveals. */
static void run(struct loader *ld)
{
    int r = ini_parse_stream(read_line, ld, on_key, ld);
    finish_line(ld);
    if (ld->read_errno) {
        char e[128];
        problem_at(ld, 0, "cannot read: %s", errno_text(ld->read_errno, e, sizeof e));
    } else if (ld->too_big) {
        problem_at(ld, ld->lineno + 1, "the file is larger than %d bytes; ignoring the rest",
                   MAX_SOURCE_BYTES);
    } else if (r < 0) {
        problem_at(ld, 0, "cannot parse (inih error %d)", r);
    } else if (r > 0 && (ld->first_problem_line == 0 || r < ld->first_problem_line)) {
        /* Safety net: inih rejected a line that finish_line() thought was fine. */
        problem_at(ld, r, "line not understood");
    }
}

int config_load_file(struct config *c, const char *path, config_report_fn *report, void *ctx)
{
    struct loader ld = {.c = c, .name = path ? path : "(no file)", .report = report, .ctx = ctx};
    FILE *f = path ? fopen(path, "r") : NULL;
    if (!f) {
        char e[128];
        problem_at(&ld, 0, "cannot open: %s", errno_text(path ? errno : EINVAL, e, sizeof e));
        goto out;
    }
    ld.file = f;
    run(&ld);
out:
    if (f)
        fclose(f);
    free(ld.buf);
    return ld.problems;
}

int config_load_string(struct config *c, const char *name, const char *text,
                       config_report_fn *report, void *ctx)
{
    struct loader ld = {.c = c,
                        .name = name ? name : "(string)",
                        .report = report,
                        .ctx = ctx,
                        .text = text ? text : ""};
    run(&ld);
    free(ld.buf);
    return ld.problems;
}

bool config_set(struct config *c, const char *dotted_key, const char *value, char *err,
                size_t errlen)
{
    char q[QUOTE_SIZE];
    if (!dotted_key || !value)
        return fail(err, errlen, "a key and a value are required");
    const char *dot = strchr(dotted_key, '.');
    const struct option *o = NULL;
    if (dot) {
        enum section sec = section_find(dotted_key, (size_t)(dot - dotted_key));
        if (sec != SEC_COUNT)
            o = option_find(sec, dot + 1);
    }
    if (!o) {
        const struct option *hint = option_find(SEC_COUNT, dot ? dot + 1 : dotted_key);
        if (hint)
            return fail(err, errlen, "unknown key '%s' (did you mean '%s.%s'?)",
                        quote(q, dotted_key, strlen(dotted_key)), section_names[hint->section],
                        hint->key);
        return fail(err, errlen, "unknown key '%s'", quote(q, dotted_key, strlen(dotted_key)));
    }
    /* Trimmed like a value in the file, so both spell the same value the same way. */
    while (isspace((unsigned char)*value))
        value++;
    size_t len = strlen(value);
    while (len > 0 && isspace((unsigned char)value[len - 1]))
        len--;
    char *v = xstrndup(value, len);
    bool ok = option_set(c, o, v, err, errlen);
    free(v);
    return ok;
}

static bool option_equal(const struct config *a, const struct config *b, const struct option *o)
{
    const char *pa = (const char *)a + o->offset, *pb = (const char *)b + o->offset;
    switch (o->type) {
    case OPT_STRING:
    case OPT_ENUM_NAME: {
        const char *sa = *(char *const *)pa, *sb = *(char *const *)pb;
        return sa == sb || (sa && sb && strcmp(sa, sb) == 0);
    }
    case OPT_INT:
    case OPT_ENUM_INDEX:
        return *(const int *)pa == *(const int *)pb;
    case OPT_BOOL:
        return *(const bool *)pa == *(const bool *)pb;
    case OPT_SIZE:
        return *(const int *)pa == *(const int *)pb &&
               *(const int *)((const char *)a + o->offset_h) ==
                   *(const int *)((const char *)b + o->offset_h);
    case OPT_TYPE_COUNT:
        break;
    }
    return true;
}

void config_diff(const struct config *a, const struct config *b,
                 void (*changed)(void *ctx, const char *dotted_key), void *ctx)
{
    for (size_t i = 0; i < ARRAY_LEN(options); i++) {
        const struct option *o = &options[i];
        if (!option_equal(a, b, o)) {
            char key[64];
            snprintf(key, sizeof key, "%s.%s", section_names[o->section], o->key);
            changed(ctx, key);
        }
    }
}

void config_print_keys(FILE *out)
{
    for (size_t i = 0; i < ARRAY_LEN(options); i++) {
        const struct option *o = &options[i];
        struct strbuf b = {0};
        switch (o->type) {
        case OPT_STRING:
            break;
        case OPT_INT:
            if (o->allowed) {
                strbuf_appends(&b, " One of ");
                append_choices(&b, NULL, o->allowed, o->n_allowed);
                strbuf_appends(&b, ".");
            } else {
                strbuf_appendf(&b, " From %d to %d.", o->min, o->max);
            }
            break;
        case OPT_BOOL:
            strbuf_appends(&b, " true or false.");
            break;
        case OPT_ENUM_NAME:
        case OPT_ENUM_INDEX:
            strbuf_appends(&b, " One of ");
            append_choices(&b, o->names, NULL, names_count(o->names));
            strbuf_appends(&b, ".");
            break;
        case OPT_SIZE:
            strbuf_appendf(&b, " Each side from %d to %d.", o->min, o->max);
            break;
        case OPT_TYPE_COUNT:
            break;
        }
        fprintf(out, "%s.%s = %s\n    %s%s\n", section_names[o->section], o->key,
                o->def ? o->def : "(unset)", o->help, b.data ? b.data : "");
        strbuf_free(&b);
    }
}
