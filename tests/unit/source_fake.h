/* A fake platform for the source adapters' unit tests: canned responses by exact URL (the
 * api-samples from $PRIKBORD_SHARED_DIR, edited as text), a log of every URL asked for, and
 * helpers to find an item or a verdict. Include once per test file, after cmocka. */
#ifndef PRIKBORD_TEST_SOURCE_FAKE_H
#define PRIKBORD_TEST_SOURCE_FAKE_H

#include "feed_parse.h"
#include "source.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FAKE_MAX_ROUTES 32
#define FAKE_MAX_LOG    64

struct fake_route {
    char *url;
    long status;
    char *body; /* owned */
    long retry_after_s;
};

struct fake {
    struct fake_route routes[FAKE_MAX_ROUTES];
    size_t n_routes;
    char *log[FAKE_MAX_LOG];
    size_t n_log;
};

/* The text of an api-samples file; the test fails when it cannot be read. */
static inline char *sample(const char *name)
{
    const char *dir = getenv("PRIKBORD_SHARED_DIR");
    assert_non_null(dir);
    char *path = xasprintf("%s/api-samples/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    struct strbuf b = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        strbuf_append(&b, chunk, n);
    fclose(f);
    free(path);
    return b.data;
}

/* text with the nth (1-based) occurrence of old replaced by new; text is freed. The test
 * fails when there is no such occurrence, so an edit can never silently miss. */
static inline char *edit_nth(char *text, const char *old, const char *new, int nth)
{
    char *at = text;
    for (int i = 0; at; i++) {
        at = strstr(i ? at + 1 : at, old);
        if (i + 1 == nth)
            break;
    }
    if (!at)
        fail_msg("edit: \"%s\" (occurrence %d) not found", old, nth);
    char *out = xasprintf("%.*s%s%s", (int)(at - text), text, new, at + strlen(old));
    free(text);
    return out;
}

static inline char *edit(char *text, const char *old, const char *new)
{
    return edit_nth(text, old, new, 1);
}

/* Every occurrence (at least one). */
static inline char *edit_all(char *text, const char *old, const char *new)
{
    text = edit(text, old, new);
    while (strstr(text, old))
        text = edit(text, old, new);
    return text;
}

/* Serves body (taken over) at url with status. */
static inline void fake_route(struct fake *f, const char *url, long status, char *body, long retry)
{
    assert_true(f->n_routes < FAKE_MAX_ROUTES);
    f->routes[f->n_routes++] = (struct fake_route){xstrdup(url), status, body, retry};
}

static inline void fake_clear(struct fake *f)
{
    for (size_t i = 0; i < f->n_routes; i++) {
        free(f->routes[i].url);
        free(f->routes[i].body);
    }
    for (size_t i = 0; i < f->n_log; i++)
        free(f->log[i]);
    memset(f, 0, sizeof *f);
}

static inline long fake_get(void *ctx, const char *url, char **body, size_t *len,
                            long *retry_after_s)
{
    struct fake *f = ctx;
    if (f->n_log < FAKE_MAX_LOG)
        f->log[f->n_log++] = xstrdup(url);
    *body = NULL;
    *len = 0;
    *retry_after_s = -1;
    for (size_t i = 0; i < f->n_routes; i++) {
        if (strcmp(f->routes[i].url, url) == 0) {
            *body = xstrdup(f->routes[i].body ? f->routes[i].body : "");
            *len = strlen(*body);
            *retry_after_s = f->routes[i].retry_after_s;
            return f->routes[i].status;
        }
    }
    *body = xstrdup("not found");
    *len = strlen(*body);
    return 404;
}

/* Resolves a site-relative URL against the origin in ctx, as the fetch layer would. */
static inline char *fake_resolve(void *ctx, const char *raw)
{
    if (strncmp(raw, "https://", 8) == 0 || strncmp(raw, "http://", 7) == 0)
        return xstrdup(raw);
    if (raw[0] == '/' && raw[1] != '/')
        return xasprintf("%s%s", (const char *)ctx, raw);
    return NULL;
}

/* Runs one poll of a source made from set against f. */
static inline struct feed *fake_poll(struct fake *f, const struct source_settings *set,
                                     struct feed_report *r, long *status, long *retry, char *err,
                                     size_t errlen)
{
    char cerr[200];
    struct source *s = source_create(set, cerr, sizeof cerr);
    if (!s)
        fail_msg("source_create: %s", cerr);
    const char *origin = strstr(set->base_url, "://");
    char *o =
        xstrndup(set->base_url, (size_t)(origin + 3 - set->base_url) + strcspn(origin + 3, "/"));
    struct source_poll_opts opts = {
        .get = fake_get, .get_ctx = f, .resolve_url = fake_resolve, .resolve_ctx = o};
    long st_dummy, ra_dummy;
    char err_dummy[200];
    struct feed *feed =
        source_poll(s, &opts, r, status ? status : &st_dummy, retry ? retry : &ra_dummy,
                    err ? err : err_dummy, err ? errlen : sizeof err_dummy);
    free(o);
    source_destroy(s);
    return feed;
}

static inline const struct item_verdict *verdict(const struct feed_report *r, const char *id)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->v[i].id, id) == 0)
            return &r->v[i];
    fail_msg("no verdict for %s", id);
    return NULL;
}

/* Asserts the verdict of id, and that the feed holds it exactly when it is shown. */
static inline void expect(const struct feed *f, const struct feed_report *r, const char *id,
                          enum item_reason reason)
{
    const struct item_verdict *v = verdict(r, id);
    if (v->reason != reason)
        fail_msg("%s: %s (%s), want %s", id, item_reason_name(v->reason),
                 v->detail ? v->detail : "", item_reason_name(reason));
    if ((feed_find(f, id) != NULL) != (reason == REASON_SHOWN))
        fail_msg("%s: in the feed is %d, verdict %s", id, feed_find(f, id) != NULL,
                 item_reason_name(reason));
}

/* Whether any string of the item holds needle (for "never shown" checks). */
static inline bool item_mentions(const struct item *it, const char *needle)
{
    const char *s[] = {it->title,       it->body,        it->message,
                       it->author.name, it->person.name, it->from.name};
    for (size_t i = 0; i < ARRAY_LEN(s); i++)
        if (s[i] && strstr(s[i], needle))
            return true;
    return false;
}

#endif
