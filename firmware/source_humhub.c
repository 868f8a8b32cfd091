/* HumHub (REST module): the spaces the account can list, GET {base}/api/v1/space, then the
 * posts of each allow-listed space, GET {base}/api/v1/post/container/{contentcontainer_id}.
 * A post is joined to its space by contentcontainer_id. */
#define LOG_MODULE "humhub"
#include "log.h"
#include "source_impl.h"
#include "util.h"

#include <cjson/cJSON.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SPACES_PER_PAGE 100
#define POSTS_PER_PAGE  20

/* Every response that holds spaces, kept while the posts are mapped. */
struct spaces {
    cJSON *pages[SOURCE_MAX_PAGES];
    int n;
};

static const cJSON *space_by(const struct spaces *sp, const char *field, const char *id)
{
    for (int i = 0; i < sp->n; i++) {
        const cJSON *s;
        cJSON_ArrayForEach(s, source_field(sp->pages[i], "results"))
        {
            char sid[SOURCE_ID_MAX];
            if (source_id(source_field(s, field), sid) && strcmp(sid, id) == 0)
                return s;
        }
    }
    return NULL;
}

/* Why a space's content may not be shown, or NULL when it may: visibility 1 (registered
 * users) or 2 (everyone), and status 1 (enabled). Anything else, or no number, is a no. */
static const char *space_closed(const cJSON *space, char *buf, size_t len)
{
    long long vis, status;
    const char *name = source_str(space, "name");
    if (!source_int(space, "visibility", &vis))
        snprintf(buf, len, "space \"%.60s\" does not say its visibility", name ? name : "?");
    else if (vis <= 0)
        snprintf(buf, len, "space \"%.60s\" is private (visibility %lld)", name ? name : "?", vis);
    else if (vis > 2)
        snprintf(buf, len, "space \"%.60s\" has an unknown visibility %lld", name ? name : "?",
                 vis);
    else if (!source_int(space, "status", &status) || status != 1)
        snprintf(buf, len, "space \"%.60s\" is not enabled (status is not 1)", name ? name : "?");
    else
        return NULL;
    return buf;
}

/* The avatar URL of a user guid: HumHub's profile image path (ProfileImage::getUrl). A
 * user without one gets a 404 there, and the screen draws initials. */
static char *avatar_of(struct source_run *run, const char *guid)
{
    size_t n = guid ? strlen(guid) : 0;
    if (n == 0 || n > 64 || strspn(guid, "0123456789abcdefABCDEF-") != n)
        return NULL;
    char *raw = xasprintf("%s/uploads/profile_image/%s.jpg", run->s->base_url, guid);
    char *url = source_url(run, raw);
    free(raw);
    return url;
}

static bool user_person(struct source_run *run, const cJSON *u, struct person *p)
{
    char id[SOURCE_ID_MAX];
    person_clear(p);
    p->name = source_text(source_str(u, "display_name"), FEED_MAX_NAME, false);
    if (!p->name)
        return false;
    if (source_id(source_field(u, "id"), id))
        p->id = xstrdup(id);
    p->avatar_url = avatar_of(run, source_str(u, "guid"));
    return true;
}

/* The one person a post mentions ("[Name](mention:GUID ...)") other than its author, into
 * p; false when it mentions nobody else or several people. */
static bool single_mention(struct source_run *run, const char *md, const char *author_guid,
                           struct person *p)
{
    const char *name = NULL, *guid = NULL;
    size_t name_len = 0, guid_len = 0;
    for (const char *q = md; q && (q = strstr(q, "](mention:"));) {
        const char *open = q;
        while (open > md && *open != '[' && *open != '\n')
            open--;
        const char *g = q + 10;
        size_t gl = strcspn(g, " )\"");
        q = g;
        if (*open != '[' || gl == 0 ||
            (author_guid && strlen(author_guid) == gl && strncmp(g, author_guid, gl) == 0))
            continue;
        if (guid && (gl != guid_len || strncmp(g, guid, gl) != 0))
            return false;
        guid = g, guid_len = gl;
        name = open + 1, name_len = (size_t)(q - 10 - open - 1);
    }
    if (!guid)
        return false;
    char *n = xstrndup(name, name_len), *gd = xstrndup(guid, guid_len);
    person_clear(p);
    p->name = source_text(n, FEED_MAX_NAME, false);
    p->avatar_url = p->name ? avatar_of(run, gd) : NULL;
    free(n);
    free(gd);
    return p->name != NULL;
}

static bool has_topic(const struct source_list *l, const cJSON *content)
{
    const cJSON *t;
    cJSON_ArrayForEach(t, source_field(content, "topics"))
    {
        if (source_list_has(l, source_str(t, "name")))
            return true;
    }
    return false;
}

static void check_privacy(struct source_run *run, struct source_item *si, const cJSON *meta,
                          const struct spaces *sp)
{
    char cid[SOURCE_ID_MAX], sid[SOURCE_ID_MAX], why[200];
    long long v;
    const cJSON *space = NULL;
    if (!source_id(source_field(meta, "contentcontainer_id"), cid))
        source_item_fail(si, REASON_NO_GROUP, "the post has no contentcontainer_id");
    else if (!(space = space_by(sp, "contentcontainer_id", cid)))
        source_item_fail(si, REASON_NO_GROUP,
                         "contentcontainer %s is not a space the account "
                         "can list",
                         cid);
    else if (!source_id(source_field(space, "id"), sid) || !source_list_has(&run->s->groups, sid))
        source_item_fail(si, REASON_NOT_ALLOWED, "space %s is not in [humhub] spaces",
                         *sid ? sid : "?");
    else if (space_closed(space, why, sizeof why))
        source_item_fail(si, REASON_GROUP_NOT_OPEN, "%s", why);
    if (space) {
        si->it.group.id = *sid ? xstrdup(sid) : NULL;
        si->it.group.name = source_text(source_str(space, "name"), FEED_MAX_NAME, false);
    }
    if (!source_int(meta, "visibility", &v) || v != 1)
        source_item_fail(si, REASON_NOT_PUBLIC, "the content is not public (visibility is not 1)");
    if (!source_int(meta, "state", &v) || v != 1)
        source_item_fail(si, REASON_NOT_PUBLIC, "the content is not published (state is not 1)");
    if (!source_is_false(meta, "hidden"))
        source_item_fail(si, REASON_NOT_PUBLIC, "%s",
                         source_is_true(meta, "hidden") ? "the content is hidden"
                                                        : "hidden is missing or not a boolean");
    if (!source_is_false(meta, "archived"))
        source_item_fail(si, REASON_NOT_PUBLIC, "%s",
                         source_is_true(meta, "archived") ? "the content is archived"
                                                          : "archived is missing or not a boolean");
}

static char *image_of(struct source_run *run, const cJSON *content)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, source_field(content, "files"))
    {
        const char *mime = source_str(f, "mime_type");
        if (mime && strncmp(mime, "image/", 6) == 0)
            return source_url(run, source_str(f, "url"));
    }
    return NULL;
}

static void map_content(struct source_run *run, struct source_item *si, const cJSON *post,
                        const cJSON *content, const cJSON *meta)
{
    struct item *it = &si->it;
    long long n;
    if (!source_time_utc(source_str(meta, "created_at"), &it->published_at))
        source_item_fail(si, REASON_INVALID, "created_at is missing or not a date");
    const cJSON *by = source_field(meta, "created_by");
    struct person author = {.start_date = TIME_NONE};
    if (!user_person(run, by, &author)) {
        source_item_fail(si, REASON_INVALID, "its author has no name");
        person_clear(&author);
        return;
    }
    const char *md = source_str(post, "message");
    char *text = md ? source_markdown_text(md) : NULL;
    it->url = source_url(run, source_str(meta, "url"));
    if (source_int(source_field(content, "likes"), "total", &n) && n >= 0)
        it->likes = n > 1000000000 ? 1000000000 : (int)n;
    if (source_int(source_field(content, "comments"), "total", &n) && n >= 0)
        it->comments = n > 1000000000 ? 1000000000 : (int)n;
    switch (it->type) {
    case ITEM_POST:
        it->author = author;
        it->body = source_text(text, FEED_MAX_BODY, true);
        it->image_url = image_of(run, content);
        it->highlighted = source_is_true(meta, "pinned");
        break;
    case ITEM_INTRODUCTION:
        /* The new colleague is the one person mentioned; without one, the author's post,
         * featured like its space or topic (see source_yammer.c). */
        if (single_mention(run, md, source_str(by, "guid"), &it->person)) {
            person_clear(&author);
        } else {
            it->type = ITEM_POST;
            it->author = author;
            it->highlighted = true;
        }
        it->body = source_text(text, FEED_MAX_BODY, true);
        it->image_url = image_of(run, content);
        break;
    case ITEM_HELP_REQUEST: {
        it->author = author;
        it->kind = HELP_ASK;
        it->title = source_split_title(text, &it->body);
        const cJSON *t;
        it->tags = xcalloc(FEED_MAX_TAGS, sizeof *it->tags);
        cJSON_ArrayForEach(t, source_field(content, "topics"))
        {
            char *tag = it->n_tags < FEED_MAX_TAGS
                            ? source_text(source_str(t, "name"), FEED_MAX_TAG, false)
                            : NULL;
            if (tag)
                it->tags[it->n_tags++] = tag;
        }
        break;
    }
    case ITEM_SHOUTOUT:
    case ITEM_TYPE_COUNT:
        person_clear(&author);
        break;
    }
    free(text);
}

static void map_post(struct source_run *run, const cJSON *post, const struct spaces *sp)
{
    const struct source *s = run->s;
    char id[SOURCE_ID_MAX], cid[SOURCE_ID_MAX], sid[SOURCE_ID_MAX] = "";
    bool has_id = source_id(source_field(post, "id"), id);
    const cJSON *content = source_field(post, "content");
    const cJSON *meta = source_field(content, "metadata");
    const cJSON *space = source_id(source_field(meta, "contentcontainer_id"), cid)
                             ? space_by(sp, "contentcontainer_id", cid)
                             : NULL;
    if (space)
        source_id(source_field(space, "id"), sid);
    enum item_type type = source_group_type(s, sid);
    if (type == ITEM_POST && has_topic(&s->introduction_topics, content))
        type = ITEM_INTRODUCTION;
    else if (type == ITEM_POST && has_topic(&s->help_topics, content))
        type = ITEM_HELP_REQUEST;
    struct source_item si;
    source_item_begin(&si, has_id ? id : "", type);
    if (!has_id)
        source_item_fail(&si, REASON_INVALID, "the post id is missing or not an id");
    check_privacy(run, &si, meta, sp);
    if (si.reason == REASON_SHOWN)
        map_content(run, &si, post, content, meta);
    source_item_end(run, &si);
}

/* Whether a listing says there is a next page. The link itself is not followed: it spells
 * the page size "per-page" while the REST module reads "limit", so the next page's URL is
 * built the same way as the first. */
static bool has_next(const cJSON *root)
{
    return source_str(source_field(root, "links"), "next") != NULL;
}

static void read_posts(struct source_run *run, const char *cid, const struct spaces *sp)
{
    for (int page = 1; page <= SOURCE_MAX_PAGES; page++) {
        char *url = xasprintf("%s/api/v1/post/container/%s?page=%d&limit=%d", run->s->base_url, cid,
                              page, POSTS_PER_PAGE);
        cJSON *root = source_get_json(run, url);
        free(url);
        if (!root)
            return;
        const cJSON *results = source_field(root, "results"), *post;
        if (!cJSON_IsArray(results)) {
            source_fail_run(run, "container %s: the response has no \"results\" array", cid);
            cJSON_Delete(root);
            return;
        }
        cJSON_ArrayForEach(post, results)
        {
            map_post(run, post, sp);
        }
        bool more = has_next(root) && cJSON_GetArraySize(results) > 0;
        cJSON_Delete(root);
        if (!more)
            return;
        if (page == SOURCE_MAX_PAGES)
            log_info("container %s: posts past page %d not read", cid, SOURCE_MAX_PAGES);
    }
}

void source_humhub_poll(struct source_run *run)
{
    const struct source *s = run->s;
    struct spaces sp = {0};
    for (int page = 1; page <= SOURCE_MAX_PAGES; page++) {
        char *url =
            xasprintf("%s/api/v1/space?page=%d&limit=%d", s->base_url, page, SPACES_PER_PAGE);
        cJSON *root = source_get_json(run, url);
        free(url);
        if (!root)
            goto out;
        sp.pages[sp.n++] = root;
        if (!cJSON_IsArray(source_field(root, "results"))) {
            source_fail_run(run, "the list of spaces has no \"results\" array");
            goto out;
        }
        if (!has_next(root))
            break;
    }
    /* Only spaces that pass are read; an allow-listed space that does not pass gets a line of
     * its own in the report, so that --check-feed says why nothing of it shows. */
    for (size_t i = 0; i < s->groups.n && !run->failed; i++) {
        const char *sid = s->groups.v[i];
        char rid[40], cid[SOURCE_ID_MAX], why[200];
        snprintf(rid, sizeof rid, "space-%s", sid);
        const cJSON *space = space_by(&sp, "id", sid);
        if (!space)
            source_report_other(run, rid, "space", REASON_NO_GROUP,
                                "space %s is not among the spaces the account can list", sid);
        else if (space_closed(space, why, sizeof why))
            source_report_other(run, rid, "space", REASON_GROUP_NOT_OPEN,
                                "%s; its posts are "
                                "not read",
                                why);
        else if (!source_id(source_field(space, "contentcontainer_id"), cid))
            source_report_other(run, rid, "space", REASON_INVALID,
                                "space %s has no contentcontainer_id", sid);
        else
            read_posts(run, cid, &sp);
    }
out:
    for (int i = 0; i < sp.n; i++)
        cJSON_Delete(sp.pages[i]);
}
