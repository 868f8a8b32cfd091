/* Writes JSON for scripts, so it uses cJSON like the parsers do. */
#include "check.h"
#include "util.h"

#include <cjson/cJSON.h>

#include <stdlib.h>
#include <string.h>

void check_apply_time(struct feed_report *r, const struct feed *f, int64_t now)
{
    for (size_t i = 0; r && f && i < r->n; i++) {
        struct item_verdict *v = &r->v[i];
        const struct item *it = v->reason == REASON_SHOWN ? feed_find(f, v->id) : NULL;
        if (!it)
            continue;
        switch (item_time_verdict(it, now)) {
        case TIME_NOT_YET:
            v->reason = REASON_NOT_YET;
            v->detail = xstrdup("not to be shown before its show_from time");
            break;
        case TIME_EXPIRED:
            v->reason = REASON_EXPIRED;
            v->detail = xstrdup(it->type == ITEM_HELP_REQUEST && it->until != TIME_NONE
                                    ? "its expires_at or until date has passed"
                                    : "its expires_at time has passed");
            break;
        default:
            break;
        }
    }
}

static void print_json(FILE *out, const struct feed_report *r, const char *error)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddBoolToObject(root, "usable", error == NULL);
    if (error)
        cJSON_AddStringToObject(root, "error", error);
    else
        cJSON_AddNullToObject(root, "error");
    cJSON *items = cJSON_AddArrayToObject(root, "items");
    for (size_t i = 0; r && i < r->n; i++) {
        const struct item_verdict *v = &r->v[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "id", v->id);
        cJSON_AddStringToObject(o, "type", v->type);
        cJSON_AddBoolToObject(o, "shown", v->reason == REASON_SHOWN);
        if (v->reason == REASON_SHOWN) {
            cJSON_AddNullToObject(o, "reason");
            cJSON_AddNullToObject(o, "detail");
        } else {
            cJSON_AddStringToObject(o, "reason", item_reason_name(v->reason));
            cJSON_AddStringToObject(o, "detail", v->detail ? v->detail : "");
        }
        cJSON_AddItemToArray(items, o);
    }
    char *s = cJSON_Print(root);
    if (s) {
        fputs(s, out);
        fputc('\n', out);
    }
    cJSON_free(s);
    cJSON_Delete(root);
}

static void print_text(FILE *out, const struct feed *f, const struct feed_report *r,
                       const char *error)
{
    if (error) {
        fprintf(out, "feed unusable: %s\n", error);
        return;
    }
    size_t shown = 0;
    for (size_t i = 0; i < r->n; i++)
        shown += r->v[i].reason == REASON_SHOWN;
    fprintf(out, "feed usable: \"%s\", %zu items, %zu would be shown\n",
            f && f->community.name ? f->community.name : "(no community name)", r->n, shown);
    for (size_t i = 0; i < r->n; i++) {
        const struct item_verdict *v = &r->v[i];
        const char *why = v->reason == REASON_SHOWN ? ""
                          : v->detail               ? v->detail
                                                    : item_reason_name(v->reason);
        fprintf(out, "  %-6s %-20s %-13s %s\n", v->reason == REASON_SHOWN ? "shown" : "hidden",
                *v->id ? v->id : "(no id)", *v->type ? v->type : "(no type)", why);
    }
}

void check_print(FILE *out, const struct feed *f, const struct feed_report *r, const char *error,
                 bool json)
{
    if (json)
        print_json(out, r, error);
    else
        print_text(out, f, r, error);
}
