/* config: the settings of one Prikbord screen, read from an INI file (prikbord.conf) and
 * command-line overrides. Pure logic; inih is the only third-party header, in config.c.
 * Every key is one row of a declarative table in config.c; config_print_keys lists them. */
#ifndef PRIKBORD_CONFIG_H
#define PRIKBORD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Every string is owned by the struct and NULL when unset. Enumerated strings (source,
 * language) always hold one of their allowed names, in lower case. */
struct config {
    /* [feed] */
    char *feed_url;   /* NULL: main.c substitutes the bundled demo feed */
    char *token;      /* bearer token: a secret, never logged or printed */
    char *token_file; /* file holding the token, re-read before each request */
    char *ca_file;    /* extra CA bundle (company CAs) */
    char *source;     /* "prikbord", "yammer", "humhub" or "discourse" */
    int refresh_interval_s;
    int max_feed_bytes;
    int connect_timeout_s;
    int stall_timeout_s;
    int transfer_timeout_s;

    /* [display] */
    char *display_id;       /* NULL: main.c uses the machine id, else the host name */
    char *layout;           /* a layout name, "auto", or a file path */
    int window_w, window_h; /* both 0: fullscreen */
    int slide_seconds;      /* the shortest time on screen */
    int max_slide_seconds;
    int words_per_minute;
    int photo_seconds;
    int transition_ms;
    int max_fps;
    bool show_all_posts; /* false: only highlighted posts, per the feed contract */
    char *language;      /* "auto", "nl" or "en" */
    int rotation;        /* 0, 90, 180 or 270 */
    bool clock_24h;
    char *title; /* the header's name when the feed names no community */

    /* [content] */
    char *types;  /* "all" or a comma-separated list of item type names */
    char *groups; /* comma-separated group ids or names; NULL: all */
    int fresh_hours;
    int introduction_days;
    int shoutout_days;
    int post_days;

    /* [office_hours] */
    char *hours[7]; /* per weekday, 0 = Sunday as in struct tm; NULL: all day */
    char *days_off;
    char *command_off, *command_on;

    /* [cache] */
    char *cache_dir;  /* NULL: main.c picks $XDG_CACHE_HOME/prikbord or ~/.cache/prikbord */
    char *status_dir; /* status.json and prikbord.prom; NULL: the cache folder */
    int cache_max_mb;

    /* [log] */
    int log_level; /* an enum log_level from log.h */

    /* [input]: a touchscreen, a mouse or a keyboard at the screen */
    bool input_enabled;
    bool input_controls; /* the filter row and buttons appear after input */
    int input_idle_s;    /* back to the slideshow after this long without input */
    int input_target_mm; /* smallest control */
    int screen_width_mm; /* 0: ask the display */
    bool input_quit_key; /* Escape/Q quits a fullscreen kiosk */

    /* [video]: introduction videos */
    bool video_enabled;    /* false: videos are never downloaded */
    int video_max_mb;      /* largest download */
    int video_max_seconds; /* longest time a video keeps its slide */
    int video_max_w;       /* largest picture accepted (pixel count and longer side) */
    int video_max_h;
    bool video_audio; /* false: muted */

    /* [yammer], [humhub], [discourse]: a platform as the source (docs/sources.md). Lists are
     * comma-separated; the source module checks them. */
    char *yammer_base_url;
    char *yammer_groups;
    char *yammer_introduction_groups;
    char *yammer_help_groups;
    bool yammer_show_without_group;
    char *humhub_base_url; /* NULL: feed.url */
    char *humhub_spaces;
    char *humhub_introduction_spaces;
    char *humhub_help_spaces;
    char *humhub_introduction_topics;
    char *humhub_help_topics;
    char *discourse_base_url; /* NULL: feed.url */
    char *discourse_categories;
    char *discourse_introduction_categories;
    char *discourse_help_categories;
};

/* Receives one problem as "FILE:LINE: message"; msg is only valid during the call. */
typedef void config_report_fn(void *ctx, const char *msg);

/* Fills c with the defaults, ignoring what it held before; strings are owned by c. */
void config_init(struct config *c);

/* Frees the strings c owns and zeroes it; NULL-safe. c can be passed to config_init again. */
void config_free(struct config *c);

/* Loads the INI file at path over the current values of c. Every problem (unknown section,
 * unknown key, bad value, out of range, unreadable file, line too long, NUL byte, syntax
 * error) is passed to report(ctx, msg) as exactly "FILE:LINE: message" with FILE = path
 * (LINE 0 when the file cannot be read), e.g. "prikbord.conf:7: unknown key 'colour' in
 * [display]" or "prikbord.conf:9: slide_seconds: 1 is below the minimum 3". With report NULL
 * the problems are logged as warnings. A key with a bad value keeps its previous value; of
 * duplicate keys the later wins. Returns the number of problems (0 = clean). */
int config_load_file(struct config *c, const char *path, config_report_fn *report, void *ctx);

/* Same as config_load_file for the NUL-terminated text; name stands in for FILE. */
int config_load_string(struct config *c, const char *name, const char *text,
                       config_report_fn *report, void *ctx);

/* Sets one key, named "section.key" (e.g. "display.layout"), from value, for command-line
 * overrides. Returns true on success; on failure c is unchanged and err (errlen bytes, may be
 * NULL when errlen is 0) receives a message without file:line. */
bool config_set(struct config *c, const char *dotted_key, const char *value, char *err,
                size_t errlen);

/* Calls changed(ctx, "section.key") for every key whose value differs between a and b, in the
 * table's order (for a configuration reload: what must be applied). */
void config_diff(const struct config *a, const struct config *b,
                 void (*changed)(void *ctx, const char *dotted_key), void *ctx);

/* Writes every key as "section.key = default" followed by an indented help line with the
 * allowed values (for --help and the docs). */
void config_print_keys(FILE *out);

#endif
