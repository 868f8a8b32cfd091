/* model: the community's content as the display keeps it. Pure data, no third-party headers.
 * Every string is sanitised UTF-8 owned by the struct that holds it (NULL when absent). */
#ifndef PRIKBORD_MODEL_H
#define PRIKBORD_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum item_type { ITEM_POST, ITEM_INTRODUCTION, ITEM_SHOUTOUT, ITEM_HELP_REQUEST, ITEM_TYPE_COUNT };

enum help_kind { HELP_ASK, HELP_OFFER, HELP_KIND_COUNT };

/* "No date" for optional time fields: the window is open on that side. */
#define TIME_NONE INT64_MIN

struct person {
    char *id;
    char *name; /* never NULL in a kept item */
    char *role;
    char *team;
    char *avatar_url;   /* absolute URL after feed_parse resolved it, or NULL */
    int64_t start_date; /* introductions only; TIME_NONE otherwise */
};

struct group {
    char *id;
    char *name;
};

struct item {
    char *id;
    enum item_type type;
    struct group group; /* only open groups are ever kept */
    int64_t published_at;
    int64_t show_from;  /* TIME_NONE: no lower bound */
    int64_t expires_at; /* TIME_NONE: no upper bound */
    char *url;
    int likes, comments; /* -1 when the feed did not say */

    struct person author; /* post, help_request */
    struct person person; /* introduction */
    struct person from;   /* shoutout */
    struct person *to;    /* shoutout: n_to >= 1 */
    size_t n_to;

    char *title;     /* post, help_request */
    char *body;      /* post, introduction, help_request; may hold '\n' */
    char *message;   /* shoutout */
    char *badge;     /* shoutout */
    char *image_url; /* post, introduction */
    char *video_url; /* introduction, post */
    bool highlighted;
    enum help_kind kind;
    char **tags;
    size_t n_tags;
    int64_t until; /* help_request; TIME_NONE when absent */
};

struct community {
    char *name;
    char *url;
    char *logo_url;
};

struct feed {
    int version;
    int64_t generated_at; /* TIME_NONE when absent */
    int refresh_after_s;  /* 0 when absent */
    struct community community;
    struct item *items; /* only items that passed the static visibility rules */
    size_t n_items;
    char **removed;
    size_t n_removed;
};

/* Stable lowercase names ("post", "introduction", "shoutout", "help_request"). */
const char *item_type_name(enum item_type t);
/* Returns true and sets *out for a known type name. */
bool item_type_parse(const char *name, enum item_type *out);

/* Releases everything a person holds (not the struct itself). NULL-safe. */
void person_clear(struct person *p);
/* Releases everything an item holds (not the struct itself). NULL-safe. */
void item_clear(struct item *it);
/* Frees a feed and all it holds. feed_destroy(NULL) is a no-op. */
void feed_destroy(struct feed *f);

/* Finds an item by id; NULL when absent. The pointer lives as long as the feed. */
const struct item *feed_find(const struct feed *f, const char *id);

/* The person a slide is about (introduction: person; shoutout: from; others: author). */
const struct person *item_main_person(const struct item *it);

/* Whether wall-clock time now lies inside the item's show_from/expires_at window (and, for a
 * help request, before its until date ends). */
enum time_verdict { TIME_SHOWN, TIME_NOT_YET, TIME_EXPIRED, TIME_VERDICT_COUNT };
enum time_verdict item_time_verdict(const struct item *it, int64_t now);

#endif
