#include "model.h"
#include "util.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

static const char *const type_names[] = {
    [ITEM_POST] = "post",
    [ITEM_INTRODUCTION] = "introduction",
    [ITEM_SHOUTOUT] = "shoutout",
    [ITEM_HELP_REQUEST] = "help_request",
};
static_assert(ARRAY_LEN(type_names) == ITEM_TYPE_COUNT, "one name per item type");

const char *item_type_name(enum item_type t)
{
    return (unsigned)t < ITEM_TYPE_COUNT ? type_names[t] : "unknown";
}

bool item_type_parse(const char *name, enum item_type *out)
{
    for (int i = 0; name && i < ITEM_TYPE_COUNT; i++) {
        if (strcmp(name, type_names[i]) == 0) {
            *out = (enum item_type)i;
            return true;
        }
    }
    return false;
}

void person_clear(struct person *p)
{
    if (!p)
        return;
    free(p->id);
    free(p->name);
    free(p->role);
    free(p->team);
    free(p->avatar_url);
    memset(p, 0, sizeof *p);
    p->start_date = TIME_NONE;
}

void item_clear(struct item *it)
{
    if (!it)
        return;
    free(it->id);
    free(it->group.id);
    free(it->group.name);
    free(it->url);
    person_clear(&it->author);
    person_clear(&it->person);
    person_clear(&it->from);
    for (size_t i = 0; i < it->n_to; i++)
        person_clear(&it->to[i]);
    free(it->to);
    free(it->title);
    free(it->body);
    free(it->message);
    free(it->badge);
    free(it->image_url);
    free(it->video_url);
    for (size_t i = 0; i < it->n_tags; i++)
        free(it->tags[i]);
    free(it->tags);
    memset(it, 0, sizeof *it);
}

void feed_destroy(struct feed *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n_items; i++)
        item_clear(&f->items[i]);
    free(f->items);
    for (size_t i = 0; i < f->n_removed; i++)
        free(f->removed[i]);
    free(f->removed);
    free(f->community.name);
    free(f->community.url);
    free(f->community.logo_url);
    free(f);
}

const struct item *feed_find(const struct feed *f, const char *id)
{
    for (size_t i = 0; f && id && i < f->n_items; i++) {
        if (strcmp(f->items[i].id, id) == 0)
            return &f->items[i];
    }
    return NULL;
}

const struct person *item_main_person(const struct item *it)
{
    switch (it->type) {
    case ITEM_INTRODUCTION:
        return &it->person;
    case ITEM_SHOUTOUT:
        return &it->from;
    default:
        return &it->author;
    }
}

enum time_verdict item_time_verdict(const struct item *it, int64_t now)
{
    if (it->show_from != TIME_NONE && now < it->show_from)
        return TIME_NOT_YET;
    if (it->expires_at != TIME_NONE && now >= it->expires_at)
        return TIME_EXPIRED;
    /* "until" is a date: the request holds through the whole of that day (UTC). */
    if (it->type == ITEM_HELP_REQUEST && it->until != TIME_NONE && now >= it->until + 86400)
        return TIME_EXPIRED;
    return TIME_SHOWN;
}
