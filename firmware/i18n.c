#include "i18n.h"
#include "util.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

static const char *const strings[LANG_COUNT][STR_COUNT] = {
    [LANG_NL] =
        {
            [STR_LABEL_POST] = "Uitgelicht",
            [STR_LABEL_INTRODUCTION] = "Nieuwe collega",
            [STR_LABEL_SHOUTOUT] = "Shout-out",
            [STR_LABEL_HELP_ASK] = "\xF0\x9F\x99\x8B Wie helpt?",
            [STR_LABEL_HELP_OFFER] = "\xF0\x9F\xA4\x9D Biedt hulp aan",
            [STR_STARTED_ON] = "Begonnen op %s",
            [STR_STARTS_ON] = "Begint op %s",
            [STR_FROM] = "Van %s",
            [STR_TO] = "Aan %s",
            [STR_AND] = " en ",
            [STR_UNTIL] = "tot %s",
            [STR_WAITING_TITLE] = "Even geduld",
            [STR_WAITING_BODY] = "Het prikbord haalt de laatste berichten op.",
            [STR_EMPTY_TITLE] = "Nog niets op het prikbord",
            [STR_EMPTY_BODY] =
                "Zodra er nieuws, nieuwe collega's of shout-outs zijn, staan ze hier.",
            [STR_OFFLINE] = "Offline: laatst bijgewerkt %s",
            [STR_UPDATED_AT] = "bijgewerkt %s",
            [STR_TOKEN_REFUSED] = "Token geweigerd: IT, kijk even?",
            [STR_STARTING_TITLE] = "Het prikbord start op",
            [STR_STARTING_BODY] = "Zo meteen staat hier het laatste nieuws uit de community.\n\n%s",
            [STR_CTA_POST] = "Lees verder",
            [STR_CTA_INTRODUCTION] = "Zeg welkom",
            [STR_CTA_SHOUTOUT] = "Bedank mee",
            [STR_CTA_HELP_ASK] = "Ik kan helpen",
            [STR_CTA_HELP_OFFER] = "Vraag het",
            [STR_FILTER_ALL] = "Alles",
            [STR_FILTER_POST] = "Uitgelicht",
            [STR_FILTER_INTRODUCTION] = "Nieuwe collega's",
            [STR_FILTER_SHOUTOUT] = "Shout-outs",
            [STR_FILTER_HELP_REQUEST] = "Hulp gezocht",
            [STR_PAUSED] = "Gepauzeerd",
        },
    [LANG_EN] =
        {
            [STR_LABEL_POST] = "Highlight",
            [STR_LABEL_INTRODUCTION] = "New colleague",
            [STR_LABEL_SHOUTOUT] = "Shout-out",
            [STR_LABEL_HELP_ASK] = "\xF0\x9F\x99\x8B Who can help?",
            [STR_LABEL_HELP_OFFER] = "\xF0\x9F\xA4\x9D Has room to help",
            [STR_STARTED_ON] = "Started on %s",
            [STR_STARTS_ON] = "Starts on %s",
            [STR_FROM] = "From %s",
            [STR_TO] = "To %s",
            [STR_AND] = " and ",
            [STR_UNTIL] = "until %s",
            [STR_WAITING_TITLE] = "One moment",
            [STR_WAITING_BODY] = "The pinboard is fetching the latest posts.",
            [STR_EMPTY_TITLE] = "Nothing on the board yet",
            [STR_EMPTY_BODY] =
                "News, new colleagues and shout-outs will appear here as soon as there are any.",
            [STR_OFFLINE] = "Offline: last updated %s",
            [STR_UPDATED_AT] = "updated %s",
            [STR_TOKEN_REFUSED] = "Token refused: IT, please check",
            [STR_STARTING_TITLE] = "The pinboard is starting",
            [STR_STARTING_BODY] = "The community's latest news will be here in a moment.\n\n%s",
            [STR_CTA_POST] = "Read more",
            [STR_CTA_INTRODUCTION] = "Say welcome",
            [STR_CTA_SHOUTOUT] = "Add your thanks",
            [STR_CTA_HELP_ASK] = "I can help",
            [STR_CTA_HELP_OFFER] = "Ask for help",
            [STR_FILTER_ALL] = "All",
            [STR_FILTER_POST] = "Highlights",
            [STR_FILTER_INTRODUCTION] = "New colleagues",
            [STR_FILTER_SHOUTOUT] = "Shout-outs",
            [STR_FILTER_HELP_REQUEST] = "Help wanted",
            [STR_PAUSED] = "Paused",
        },
};

static const char *const months[LANG_COUNT][12] = {
    [LANG_NL] = {"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
                 "september", "oktober", "november", "december"},
    [LANG_EN] = {"January", "February", "March", "April", "May", "June", "July", "August",
                 "September", "October", "November", "December"},
};

static const char *const weekdays[LANG_COUNT][7] = {
    [LANG_NL] = {"zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"},
    [LANG_EN] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
};

enum lang lang_from_name(const char *name, const char *env_lang)
{
    if (name && strcmp(name, "nl") == 0)
        return LANG_NL;
    if (name && strcmp(name, "en") == 0)
        return LANG_EN;
    return env_lang && strncmp(env_lang, "nl", 2) == 0 ? LANG_NL : LANG_EN;
}

const char *tr(enum lang l, enum str_id id)
{
    if ((unsigned)l >= LANG_COUNT || (unsigned)id >= STR_COUNT || !strings[l][id])
        return "";
    return strings[l][id];
}

char *tr_with(enum lang l, enum str_id id, const char *arg)
{
    const char *t = tr(l, id);
    const char *at = strstr(t, "%s");
    if (!at)
        return xstrdup(t);
    struct strbuf b = {0};
    strbuf_append(&b, t, (size_t)(at - t));
    strbuf_appends(&b, arg ? arg : "");
    strbuf_appends(&b, at + 2);
    return b.data;
}

void format_day_month(enum lang l, int64_t t, char *out, size_t outlen)
{
    int64_t y;
    unsigned m, d;
    civil_from_days(days_of_time(t), &y, &m, &d);
    if ((unsigned)l >= LANG_COUNT)
        l = LANG_EN;
    snprintf(out, outlen, "%u %s", d, months[l][m - 1]);
}

void format_date_near(enum lang l, int64_t t, int64_t now, char *out, size_t outlen)
{
    int64_t y, ny;
    unsigned m, d;
    civil_from_days(days_of_time(t), &y, &m, &d);
    civil_from_days(days_of_time(now), &ny, &m, &d);
    format_day_month(l, t, out, outlen);
    if (y != ny) {
        size_t n = strlen(out);
        snprintf(out + n, outlen > n ? outlen - n : 0, " %lld", (long long)y);
    }
}

void format_weekday_date(enum lang l, int wday, int mday, int mon, char *out, size_t outlen)
{
    if ((unsigned)l >= LANG_COUNT)
        l = LANG_EN;
    if (wday < 0 || wday > 6 || mon < 0 || mon > 11) {
        snprintf(out, outlen, "%s", "");
        return;
    }
    snprintf(out, outlen, "%s %d %s", weekdays[l][wday], mday, months[l][mon]);
}
