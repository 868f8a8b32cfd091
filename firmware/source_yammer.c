/* Viva Engage (Yammer REST v1): thread starters of allow-listed groups,
 * GET {base}/messages/in_group/{group}.json?threaded=true, older pages by older_than.
 * Users, groups and threads are resolved from the response's "references". */
#define LOG_MODULE "yammer"
#include "log.h"
#include "source_impl.h"
#include "util.h"

#include <cjson/cJSON.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The reference of that type and id, or NULL. */
static const cJSON *ref_find(const cJSON *refs, const char *type, const char *id)
{
    const cJSON *r;
    if (!cJSON_IsArray(refs))
        return NULL;
    cJSON_ArrayForEach(r, refs)
    {
        char rid[SOURCE_ID_MAX];
        const char *t = source_str(r, "type");
        if (t && strcmp(t, type) == 0 && source_id(source_field(r, "id"), rid) &&
            strcmp(rid, id) == 0)
            return r;
    }
    return NULL;
}

static const char *ref_name(const cJSON *r)
{
    const char *n = source_str(r, "full_name");
    return n && *n ? n : source_str(r, "name");
}

/* body.plain with any "[[user:ID]]"-style token replaced by the name it refers to (dropped
 * when it resolves to nothing), so no raw token ever reaches the screen. */
static char *replace_tokens(const char *s, const cJSON *refs)
{
    struct strbuf b = {0};
    strbuf_append(&b, "", 0);
    for (const char *p = s; *p;) {
        const char *end = p[0] == '[' && p[1] == '[' ? strstr(p + 2, "]]") : NULL;
        const char *colon = end ? memchr(p + 2, ':', (size_t)(end - p - 2)) : NULL;
        if (colon && colon - p - 2 < 16 && end - colon - 1 < SOURCE_ID_MAX) {
            char type[16], id[SOURCE_ID_MAX];
            snprintf(type, sizeof type, "%.*s", (int)(colon - p - 2), p + 2);
            snprintf(id, sizeof id, "%.*s", (int)(end - colon - 1), colon + 1);
            const cJSON *r = ref_find(refs, type, id);
            const char *name = r ? ref_name(r) : NULL;
            if (name && strcmp(type, "tag") == 0)
                strbuf_appends(&b, "#");
            if (name)
                strbuf_appends(&b, name);
            p = end + 2;
            continue;
        }
        strbuf_append(&b, p, 1);
        p++;
    }
    return b.data;
}

/* The avatar of a user: the mugshot template at 256 px. Yammer's "no photo" picture is left
 * out so that the screen draws initials instead. */
static char *mugshot(struct source_run *run, const cJSON *u)
{
    const char *tpl = source_str(u, "mugshot_url_template");
    const char *url = tpl ? tpl : source_str(u, "mugshot_url");
    if (!url || strstr(url, "/no_photo"))
        return NULL;
    struct strbuf b = {0};
    for (const char *p = url; *p;) {
        if (strncmp(p, "{width}", 7) == 0 || strncmp(p, "{height}", 8) == 0) {
            strbuf_appends(&b, "256");
            p += p[1] == 'w' ? 7 : 8;
        } else {
            strbuf_append(&b, p, 1);
            p++;
        }
    }
    char *abs = source_url(run, b.data);
    strbuf_free(&b);
    return abs;
}

/* Fills p from the user reference uid; false when it does not resolve to a named user. */
static bool user_person(struct source_run *run, const cJSON *refs, const char *uid,
                        struct person *p)
{
    const cJSON *u = ref_find(refs, "user", uid);
    person_clear(p);
    p->name = u ? source_text(ref_name(u), FEED_MAX_NAME, false) : NULL;
    if (!p->name)
        return false;
    p->id = xstrdup(uid);
    p->role = source_text(source_str(u, "job_title"), FEED_MAX_NAME, false);
    p->team = source_text(source_str(u, "department"), FEED_MAX_NAME, false);
    p->avatar_url = mugshot(run, u);
    return true;
}

/* The attachment of the given type, or NULL. */
static const cJSON *attachment(const cJSON *m, const char *type)
{
    const cJSON *atts = source_field(m, "attachments"), *a;
    if (!cJSON_IsArray(atts))
        return NULL;
    cJSON_ArrayForEach(a, atts)
    {
        const char *t = source_str(a, "type");
        if (t && strcmp(t, type) == 0)
            return a;
    }
    return NULL;
}

/* The picture of a message: its first image attachment, through Yammer's own preview on the
 * API's origin (which takes the token). The SharePoint URL is not used: it wants other
 * credentials. */
static char *image_of(struct source_run *run, const cJSON *m)
{
    const cJSON *img = attachment(m, "image");
    const char *url = source_str(img, "large_preview_url");
    if (!url)
        url = source_str(img, "preview_url");
    if (!url)
        url = source_str(source_field(img, "image"), "url");
    return source_url(run, url);
}

/* The one user a message mentions ("[[user:ID]]" in body.parsed) other than its sender, or
 * "" when it mentions nobody else or several people. */
static void single_mention(const cJSON *m, const char *sender, char out[SOURCE_ID_MAX])
{
    const char *parsed = source_str(source_field(m, "body"), "parsed");
    out[0] = '\0';
    for (const char *p = parsed; p && (p = strstr(p, "[[user:"));) {
        p += 7;
        size_t n = strspn(p, "0123456789");
        if (n == 0 || n >= SOURCE_ID_MAX || strncmp(p + n, "]]", 2) != 0)
            continue;
        char id[SOURCE_ID_MAX];
        snprintf(id, sizeof id, "%.*s", (int)n, p);
        if (strcmp(id, sender) == 0 || strcmp(id, out) == 0)
            continue;
        if (*out) {
            out[0] = '\0';
            return;
        }
        memcpy(out, id, n + 1);
    }
}

/* The privacy rules, in the order a reader would check them. Each failure is one reason. */
static void check_privacy(struct source_run *run, struct source_item *si, const cJSON *m,
                          const cJSON *refs)
{
    const struct source *s = run->s;
    char tid[SOURCE_ID_MAX], gid[SOURCE_ID_MAX];
    const cJSON *replied = source_field(m, "replied_to_id");
    if (replied && !cJSON_IsNull(replied))
        source_item_fail(si, REASON_UNKNOWN_TYPE,
                         "a reply (replied_to_id is set), not a "
                         "thread starter");
    if (!source_id(source_field(m, "thread_id"), tid) || strcmp(tid, si->id) != 0)
        source_item_fail(si, REASON_UNKNOWN_TYPE,
                         "not a thread starter (its thread_id is not its own id)");
    if (!source_is_false(m, "direct_message"))
        source_item_fail(si, REASON_NOT_PUBLIC, "%s",
                         source_is_true(m, "direct_message")
                             ? "a direct message"
                             : "direct_message is missing or not a boolean");
    const char *privacy = source_str(m, "privacy");
    if (!privacy || strcmp(privacy, "public") != 0)
        source_item_fail(si, REASON_NOT_PUBLIC, "the message's privacy is %s%.40s%s",
                         privacy ? "\"" : "", privacy ? privacy : "missing or not a string",
                         privacy ? "\"" : "");
    const cJSON *gv = source_field(m, "group_id");
    if (!gv || cJSON_IsNull(gv)) {
        if (!s->show_without_group)
            source_item_fail(si, REASON_NO_GROUP,
                             "the message is in no group "
                             "([yammer] show_messages_without_group is off)");
    } else if (!source_id(gv, gid)) {
        source_item_fail(si, REASON_NO_GROUP, "group_id is not an id");
    } else if (!source_list_has(&s->groups, gid)) {
        source_item_fail(si, REASON_NOT_ALLOWED, "group %s is not in [yammer] groups", gid);
    } else {
        const cJSON *g = ref_find(refs, "group", gid);
        const char *gp = source_str(g, "privacy");
        const char *name = g ? ref_name(g) : NULL;
        if (!g)
            source_item_fail(si, REASON_GROUP_NOT_OPEN,
                             "group %s does not resolve in the response's references", gid);
        else if (!gp || strcmp(gp, "public") != 0)
            source_item_fail(si, REASON_GROUP_NOT_OPEN, "group \"%.60s\" has privacy %s%.40s%s",
                             name ? name : gid, gp ? "\"" : "", gp ? gp : "missing",
                             gp ? "\"" : "");
        else if (!source_is_false(g, "external"))
            source_item_fail(si, REASON_GROUP_NOT_OPEN, "group \"%.60s\" %s", name ? name : gid,
                             source_is_true(g, "external") ? "is external"
                                                           : "does not say it is not external");
        si->it.group.id = xstrdup(gid);
        si->it.group.name = source_text(name, FEED_MAX_NAME, false);
    }
    if (!source_is_false(m, "system_message") && source_field(m, "system_message"))
        source_item_fail(si, REASON_UNKNOWN_TYPE, "a system message");
}

static void map_shoutout(struct source_run *run, struct source_item *si, const cJSON *refs,
                         const cJSON *praise, const char *text)
{
    struct item *it = &si->it;
    const cJSON *ids = source_field(praise, "praised_user_ids"), *v;
    int n = cJSON_IsArray(ids) ? cJSON_GetArraySize(ids) : 0;
    it->to = xcalloc(n > FEED_MAX_RECIPIENTS ? FEED_MAX_RECIPIENTS : (n ? n : 1), sizeof *it->to);
    for (v = n ? ids->child : NULL; v; v = v->next) {
        char uid[SOURCE_ID_MAX];
        struct person p = {.start_date = TIME_NONE};
        /* A recipient the response does not name is a thanks to an unknown person: the
         * shout-out is left out rather than shown half. */
        if (!source_id(v, uid) || !user_person(run, refs, uid, &p)) {
            source_item_fail(si, REASON_INVALID, "praised user %s is not among the references",
                             *uid ? uid : "(not an id)");
            person_clear(&p);
            return;
        }
        if (it->n_to == FEED_MAX_RECIPIENTS) {
            person_clear(&p);
            continue;
        }
        it->to[it->n_to++] = p;
    }
    it->message = source_text(source_str(praise, "comment"), FEED_MAX_MESSAGE, true);
    if (!it->message)
        it->message = source_text(text, FEED_MAX_MESSAGE, true);
    it->badge = source_text(source_str(praise, "icon"), FEED_MAX_BADGE, false);
}

static void map_content(struct source_run *run, struct source_item *si, const cJSON *m,
                        const cJSON *refs)
{
    struct item *it = &si->it;
    char sid[SOURCE_ID_MAX], subject[SOURCE_ID_MAX];
    if (!source_time_yammer(source_str(m, "created_at"), &it->published_at))
        source_item_fail(si, REASON_INVALID, "created_at is missing or not a date");
    struct person sender = {.start_date = TIME_NONE};
    if (!source_id(source_field(m, "sender_id"), sid) || !user_person(run, refs, sid, &sender)) {
        source_item_fail(si, REASON_INVALID, "its sender is not among the references");
        person_clear(&sender);
        return;
    }
    const char *plain = source_str(source_field(m, "body"), "plain");
    char *text = plain ? replace_tokens(plain, refs) : NULL;
    it->url = source_url(run, source_str(m, "web_url"));
    long long n;
    if (source_int(source_field(m, "liked_by"), "count", &n) && n >= 0)
        it->likes = n > 1000000000 ? 1000000000 : (int)n;
    char tid[SOURCE_ID_MAX];
    const cJSON *thread =
        source_id(source_field(m, "thread_id"), tid) ? ref_find(refs, "thread", tid) : NULL;
    if (source_int(source_field(thread, "stats"), "updates", &n) && n >= 1)
        it->comments = n - 1 > 1000000000 ? 1000000000 : (int)(n - 1);
    switch (it->type) {
    case ITEM_POST:
        it->author = sender;
        it->body = source_text(text, FEED_MAX_BODY, true);
        it->image_url = image_of(run, m);
        /* An announcement is what a group's admins put forward: the nearest to a pin. */
        it->highlighted = source_str(m, "message_type") &&
                          strcmp(source_str(m, "message_type"), "announcement") == 0;
        break;
    case ITEM_INTRODUCTION:
        /* The new colleague is the one person the message mentions. Without one, the
         * sender's face must not stand for someone the text names ("Jonas joins Finance"):
         * the message is the sender's post, featured like its group. */
        single_mention(m, sid, subject);
        if (*subject && user_person(run, refs, subject, &it->person)) {
            person_clear(&sender);
        } else {
            it->type = ITEM_POST;
            it->author = sender;
            it->highlighted = true;
        }
        it->body = source_text(text, FEED_MAX_BODY, true);
        it->image_url = image_of(run, m);
        break;
    case ITEM_SHOUTOUT:
        it->from = sender;
        map_shoutout(run, si, refs, attachment(m, "praise"), text);
        break;
    case ITEM_HELP_REQUEST:
        it->author = sender;
        it->kind = HELP_ASK;
        it->title = source_split_title(text, &it->body);
        break;
    case ITEM_TYPE_COUNT:
        person_clear(&sender);
        break;
    }
    free(text);
}

static void map_message(struct source_run *run, const cJSON *m, const cJSON *refs)
{
    char id[SOURCE_ID_MAX], gid[SOURCE_ID_MAX];
    bool has_id = source_id(source_field(m, "id"), id);
    bool in_group = source_id(source_field(m, "group_id"), gid);
    /* Praise is told by its attachment, wherever it is posted; message_type says "update". */
    enum item_type type = attachment(m, "praise") ? ITEM_SHOUTOUT
                          : in_group              ? source_group_type(run->s, gid)
                                                  : ITEM_POST;
    struct source_item si;
    source_item_begin(&si, has_id ? id : "", type);
    if (!has_id)
        source_item_fail(&si, REASON_INVALID, "the message id is missing or not an id");
    check_privacy(run, &si, m, refs);
    /* Nothing of a message that may not be shown is copied out of the response. */
    if (si.reason == REASON_SHOWN)
        map_content(run, &si, m, refs);
    source_item_end(run, &si);
}

/* a < b for two ids of digits. */
static bool id_less(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    return la != lb ? la < lb : strcmp(a, b) < 0;
}

void source_yammer_poll(struct source_run *run)
{
    const struct source *s = run->s;
    int extra = SOURCE_YAMMER_MAX_REQUESTS - (int)s->groups.n; /* pages past the first */
    for (size_t g = 0; g < s->groups.n && !run->failed; g++) {
        char older[SOURCE_ID_MAX] = "";
        for (int page = 0; page < SOURCE_MAX_PAGES; page++) {
            if (page > 0 && extra-- <= 0) {
                log_info("group %s: older messages not read (request budget of a poll)",
                         s->groups.v[g]);
                break;
            }
            char *url = *older
                            ? xasprintf("%s/messages/in_group/%s.json?threaded=true&older_than=%s",
                                        s->base_url, s->groups.v[g], older)
                            : xasprintf("%s/messages/in_group/%s.json?threaded=true", s->base_url,
                                        s->groups.v[g]);
            cJSON *root = source_get_json(run, url);
            free(url);
            if (!root)
                return;
            const cJSON *msgs = source_field(root, "messages"), *m;
            if (!cJSON_IsArray(msgs)) {
                source_fail_run(run, "group %s: the response has no \"messages\" array",
                                s->groups.v[g]);
                cJSON_Delete(root);
                return;
            }
            const cJSON *refs = source_field(root, "references");
            char oldest[SOURCE_ID_MAX] = "";
            cJSON_ArrayForEach(m, msgs)
            {
                char id[SOURCE_ID_MAX];
                map_message(run, m, refs);
                if (source_id(source_field(m, "id"), id) && (!*oldest || id_less(id, oldest)))
                    memcpy(oldest, id, sizeof oldest);
            }
            const cJSON *meta = source_field(root, "meta");
            long long every;
            if (source_int(meta, "requested_poll_interval", &every) && every > 0 && every <= 3600 &&
                every > run->feed->refresh_after_s)
                run->feed->refresh_after_s = (int)every;
            /* Paging stops unless the next page starts strictly older than this one. */
            bool more = source_is_true(meta, "older_available") && *oldest &&
                        (!*older || id_less(oldest, older));
            memcpy(older, oldest, sizeof older);
            cJSON_Delete(root);
            if (!more)
                break;
        }
    }
}
