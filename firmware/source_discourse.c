/* Discourse: the categories (GET {base}/categories.json), then the topic lists: latest
 * (GET {base}/latest.json, further pages through more_topics_url) and the first page of each
 * allow-listed category (GET {base}/c/{slug}/{id}.json). A topic in several lists counts once. */
#define LOG_MODULE "discourse"
#include "log.h"
#include "source_impl.h"
#include "util.h"

#include <cjson/cJSON.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Discourse serves avatars at a set of sizes; 240 is one of them and ample for the screen. */
#define AVATAR_SIZE "240"

struct seen {
    char (*ids)[SOURCE_ID_MAX];
    size_t n;
};

/* True the first time an id is offered. */
static bool first_time(struct seen *s, const char *id)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->ids[i], id) == 0)
            return false;
    s->ids = xrealloc(s->ids, (s->n + 1) * sizeof *s->ids);
    memcpy(s->ids[s->n++], id, SOURCE_ID_MAX);
    return true;
}

/* The category of that id in categories.json, also among subcategories; NULL when absent. */
static const cJSON *category(const cJSON *cats, const char *id)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, source_field(source_field(cats, "category_list"), "categories"))
    {
        char cid[SOURCE_ID_MAX];
        if (source_id(source_field(c, "id"), cid) && strcmp(cid, id) == 0)
            return c;
        const cJSON *sub;
        cJSON_ArrayForEach(sub, source_field(c, "subcategory_list"))
        {
            if (source_id(source_field(sub, "id"), cid) && strcmp(cid, id) == 0)
                return sub;
        }
    }
    return NULL;
}

static const cJSON *user_by_id(const cJSON *users, const char *id)
{
    const cJSON *u;
    cJSON_ArrayForEach(u, users)
    {
        char uid[40];
        long long n;
        if (source_int(u, "id", &n)) {
            snprintf(uid, sizeof uid, "%lld", n);
            if (strcmp(uid, id) == 0)
                return u;
        }
    }
    return NULL;
}

/* avatar_template with its "{size}" filled in, against the site's base URL. */
static char *avatar_of(struct source_run *run, const cJSON *u)
{
    const char *tpl = source_str(u, "avatar_template");
    if (!tpl || !*tpl)
        return NULL;
    struct strbuf b = {0};
    for (const char *p = tpl; *p;) {
        if (strncmp(p, "{size}", 6) == 0) {
            strbuf_appends(&b, AVATAR_SIZE);
            p += 6;
        } else {
            strbuf_append(&b, p, 1);
            p++;
        }
    }
    char *url = source_url(run, b.data);
    strbuf_free(&b);
    return url;
}

static bool user_person(struct source_run *run, const cJSON *u, struct person *p)
{
    long long id;
    person_clear(p);
    p->name = source_text(source_str(u, "name"), FEED_MAX_NAME, false);
    if (!p->name)
        p->name = source_text(source_str(u, "username"), FEED_MAX_NAME, false);
    if (!p->name)
        return false;
    if (source_int(u, "id", &id))
        p->id = xasprintf("%lld", id);
    p->avatar_url = avatar_of(run, u);
    return true;
}

/* The topic's original poster, from its posters and the list's users; NULL when none. */
static const cJSON *original_poster(const cJSON *topic, const cJSON *users)
{
    const cJSON *p;
    cJSON_ArrayForEach(p, source_field(topic, "posters"))
    {
        const char *d = source_str(p, "description");
        long long uid;
        if (d && strstr(d, "Original Poster") && source_int(p, "user_id", &uid)) {
            char id[40];
            snprintf(id, sizeof id, "%lld", uid);
            return user_by_id(users, id);
        }
    }
    return NULL;
}

/* An introduction is about the one user of the list, other than the poster, whose full name
 * (two words at least) the title or excerpt spells out; NULL when not exactly one. */
static const cJSON *named_user(const cJSON *users, const cJSON *op, const char *text)
{
    const cJSON *u, *found = NULL;
    cJSON_ArrayForEach(u, users)
    {
        const char *name = source_str(u, "name");
        if (u == op || !name || !strchr(name, ' ') || strlen(name) < 4 || !strstr(text, name))
            continue;
        if (found)
            return NULL;
        found = u;
    }
    return found;
}

static void check_privacy(struct source_run *run, struct source_item *si, const cJSON *topic,
                          const cJSON *cats)
{
    char cid[SOURCE_ID_MAX];
    const cJSON *cat = NULL;
    if (!source_id(source_field(topic, "category_id"), cid))
        source_item_fail(si, REASON_NO_GROUP, "the topic has no category_id");
    else if (!source_list_has(&run->s->groups, cid))
        source_item_fail(si, REASON_NOT_ALLOWED, "category %s is not in [discourse] categories",
                         cid);
    else if (!(cat = category(cats, cid)))
        source_item_fail(si, REASON_NO_GROUP, "category %s is not in categories.json", cid);
    else if (!source_is_false(cat, "read_restricted"))
        source_item_fail(si, REASON_GROUP_NOT_OPEN, "category \"%.60s\" %s",
                         source_str(cat, "name") ? source_str(cat, "name") : cid,
                         source_is_true(cat, "read_restricted")
                             ? "is read-restricted"
                             : "does not say it is not read-restricted");
    if (cat) {
        si->it.group.id = xstrdup(cid);
        si->it.group.name = source_text(source_str(cat, "name"), FEED_MAX_NAME, false);
    }
    const char *arche = source_str(topic, "archetype");
    if (!arche)
        source_item_fail(si, REASON_NOT_PUBLIC, "the topic has no archetype");
    else if (strcmp(arche, "private_message") == 0)
        source_item_fail(si, REASON_NOT_PUBLIC, "a private message");
    else if (strcmp(arche, "regular") != 0)
        source_item_fail(si, REASON_UNKNOWN_TYPE, "not a regular topic (archetype \"%.30s\")",
                         arche);
    if (!source_is_true(topic, "visible"))
        source_item_fail(si, REASON_NOT_PUBLIC, "%s",
                         source_is_false(topic, "visible") ? "the topic is unlisted"
                                                           : "visible is missing or not a boolean");
}

static void map_content(struct source_run *run, struct source_item *si, const cJSON *topic,
                        const cJSON *users)
{
    struct item *it = &si->it;
    long long n;
    const char *created = source_str(topic, "created_at");
    if (!created || !time_parse_rfc3339(created, &it->published_at)) {
        it->published_at = TIME_NONE;
        source_item_fail(si, REASON_INVALID, "created_at is missing or not a date");
    }
    const cJSON *op = original_poster(topic, users);
    struct person author = {.start_date = TIME_NONE};
    if (!user_person(run, op, &author)) {
        source_item_fail(si, REASON_INVALID, "its original poster is not among the users");
        person_clear(&author);
        return;
    }
    const char *title = source_str(topic, "title");
    char *excerpt = source_html_text(source_str(topic, "excerpt"));
    const char *slug = source_str(topic, "slug");
    char *raw =
        slug && *slug && strspn(slug, "abcdefghijklmnopqrstuvwxyz0123456789-") == strlen(slug)
            ? xasprintf("%s/t/%s/%s", run->s->base_url, slug, si->id)
            : xasprintf("%s/t/%s", run->s->base_url, si->id);
    it->url = source_url(run, raw);
    free(raw);
    if (source_int(topic, "like_count", &n) && n >= 0)
        it->likes = n > 1000000000 ? 1000000000 : (int)n;
    if (source_int(topic, "posts_count", &n) && n >= 1)
        it->comments = n - 1 > 1000000000 ? 1000000000 : (int)(n - 1);
    switch (it->type) {
    case ITEM_POST:
        it->author = author;
        it->title = source_text(title, FEED_MAX_TITLE, false);
        it->body = source_text(excerpt, FEED_MAX_BODY, true);
        it->image_url = source_url(run, source_str(topic, "image_url"));
        it->highlighted =
            source_is_true(topic, "pinned") || source_is_true(topic, "pinned_globally");
        break;
    case ITEM_INTRODUCTION: {
        struct strbuf text = {0};
        strbuf_appendf(&text, "%s\n%s", title ? title : "", excerpt);
        const cJSON *subject = named_user(users, op, text.data);
        strbuf_free(&text);
        it->image_url = source_url(run, source_str(topic, "image_url"));
        if (subject && user_person(run, subject, &it->person)) {
            person_clear(&author);
            it->body = source_text(*excerpt ? excerpt : title, FEED_MAX_BODY, true);
            break;
        }
        /* Nobody named: the poster's topic, featured like its category (see
         * source_yammer.c), never the poster's face as the new colleague. */
        it->type = ITEM_POST;
        it->author = author;
        it->highlighted = true;
        it->title = source_text(title, FEED_MAX_TITLE, false);
        it->body = source_text(excerpt, FEED_MAX_BODY, true);
        break;
    }
    case ITEM_HELP_REQUEST: {
        it->author = author;
        it->kind = HELP_ASK;
        it->title = source_text(title, FEED_MAX_TITLE, false);
        it->body = source_text(excerpt, FEED_MAX_BODY, true);
        const cJSON *t;
        it->tags = xcalloc(FEED_MAX_TAGS, sizeof *it->tags);
        cJSON_ArrayForEach(t, source_field(topic, "tags"))
        {
            /* Newer sites send tags as objects; only plain names are taken. */
            char *tag = it->n_tags < FEED_MAX_TAGS && cJSON_IsString(t)
                            ? source_text(t->valuestring, FEED_MAX_TAG, false)
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
    free(excerpt);
}

static void map_topic(struct source_run *run, const cJSON *topic, const cJSON *users,
                      const cJSON *cats)
{
    char id[SOURCE_ID_MAX], cid[SOURCE_ID_MAX];
    bool has_id = source_id(source_field(topic, "id"), id);
    source_id(source_field(topic, "category_id"), cid); /* "" when there is none */
    struct source_item si;
    source_item_begin(&si, has_id ? id : "", source_group_type(run->s, cid));
    if (!has_id)
        source_item_fail(&si, REASON_INVALID, "the topic id is missing or not an id");
    check_privacy(run, &si, topic, cats);
    if (si.reason == REASON_SHOWN)
        map_content(run, &si, topic, users);
    source_item_end(run, &si);
}

/* Maps the topics of one list; returns the URL of its next page (more_topics_url, which is a
 * site path of the HTML page: the JSON lives at the same path with ".json"), or NULL. */
static char *read_list(struct source_run *run, const char *url, const cJSON *cats,
                       struct seen *seen)
{
    cJSON *root = source_get_json(run, url);
    if (!root)
        return NULL;
    const cJSON *list = source_field(root, "topic_list");
    const cJSON *topics = source_field(list, "topics"), *t;
    char *next = NULL;
    if (!cJSON_IsArray(topics)) {
        source_fail_run(run, "a topic list without \"topic_list.topics\"");
        goto out;
    }
    const cJSON *users = source_field(root, "users");
    cJSON_ArrayForEach(t, topics)
    {
        char id[SOURCE_ID_MAX];
        if (source_id(source_field(t, "id"), id) && !first_time(seen, id))
            continue;
        map_topic(run, t, users, cats);
    }
    const char *more = source_str(list, "more_topics_url");
    /* Only a path on this site: the next page never goes to another origin. */
    if (more && more[0] == '/' && more[1] != '/' && strlen(more) < 512 &&
        strspn(more, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-_.?=&%") ==
            strlen(more)) {
        size_t path = strcspn(more, "?");
        bool json = path >= 5 && strncmp(more + path - 5, ".json", 5) == 0;
        next = xasprintf("%s%.*s%s%s", run->s->origin, (int)path, more, json ? "" : ".json",
                         more + path);
    }
out:
    cJSON_Delete(root);
    return next;
}

void source_discourse_poll(struct source_run *run)
{
    const struct source *s = run->s;
    struct seen seen = {0};
    char *url = xasprintf("%s/categories.json?include_subcategories=true", s->base_url);
    cJSON *cats = source_get_json(run, url);
    free(url);
    if (!cats)
        return;
    if (!cJSON_IsArray(source_field(source_field(cats, "category_list"), "categories"))) {
        source_fail_run(run, "categories.json has no \"category_list.categories\"");
        goto out;
    }
    url = xasprintf("%s/latest.json", s->base_url);
    for (int page = 0; url && page < SOURCE_MAX_PAGES && !run->failed; page++) {
        char *next = read_list(run, url, cats, &seen);
        free(url);
        url = next;
    }
    if (url)
        log_info("latest topics past page %d not read", SOURCE_MAX_PAGES);
    free(url);
    /* A quiet category's topics may be past the pages of latest: its own list has them. */
    for (size_t i = 0; i < s->groups.n && !run->failed; i++) {
        const cJSON *cat = category(cats, s->groups.v[i]);
        const char *slug = source_str(cat, "slug");
        if (!cat || !source_is_false(cat, "read_restricted") || !slug || !*slug ||
            strspn(slug, "abcdefghijklmnopqrstuvwxyz0123456789-_") != strlen(slug))
            continue;
        url = xasprintf("%s/c/%s/%s.json", s->base_url, slug, s->groups.v[i]);
        free(read_list(run, url, cats, &seen));
        free(url);
    }
out:
    free(seen.ids);
    cJSON_Delete(cats);
}
