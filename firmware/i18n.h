/* i18n: the few words the screen says itself, in Dutch and English. Pure. */
#ifndef PRIKBORD_I18N_H
#define PRIKBORD_I18N_H

#include <stdint.h>
#include <stddef.h>

enum lang { LANG_NL, LANG_EN, LANG_COUNT };

enum str_id {
    STR_LABEL_POST,
    STR_LABEL_INTRODUCTION,
    STR_LABEL_SHOUTOUT,
    STR_LABEL_HELP_ASK,
    STR_LABEL_HELP_OFFER,
    STR_STARTED_ON, /* "Started on %s" */
    STR_STARTS_ON,  /* "Starts on %s" */
    STR_FROM,       /* "From %s" */
    STR_TO,         /* "To %s" */
    STR_AND,        /* " and " */
    STR_UNTIL,      /* "until %s" */
    STR_WAITING_TITLE,
    STR_WAITING_BODY,
    STR_EMPTY_TITLE,
    STR_EMPTY_BODY,
    STR_OFFLINE,       /* footer note when showing the last good content */
    STR_UPDATED_AT,    /* "updated %s": the content is older than a few refreshes */
    STR_TOKEN_REFUSED, /* the server refused the token (401/403) */
    STR_STARTING_TITLE,
    STR_STARTING_BODY, /* "%s" is replaced by what the screen is trying */
    STR_CTA_POST,      /* calls to action beside a QR code, per type */
    STR_CTA_INTRODUCTION,
    STR_CTA_SHOUTOUT,
    STR_CTA_HELP_ASK,
    STR_CTA_HELP_OFFER,
    STR_FILTER_ALL, /* the filter row of a touchscreen */
    STR_FILTER_POST,
    STR_FILTER_INTRODUCTION,
    STR_FILTER_SHOUTOUT,
    STR_FILTER_HELP_REQUEST,
    STR_PAUSED, /* the sign that the slideshow waits while someone browses */
    STR_COUNT
};

/* Parses "nl", "en" or "auto" (auto: from the LANGUAGE/LC_ALL/LC_MESSAGES/LANG value given in
 * env_lang, Dutch when it starts with "nl", English otherwise). */
enum lang lang_from_name(const char *name, const char *env_lang);

/* A static string; never NULL. Strings with %s take one argument. */
const char *tr(enum lang l, enum str_id id);

/* tr() with its one "%s" replaced by arg (plain substitution, never printf, so neither a
 * string nor an argument is ever read as a format). The caller frees the result. */
char *tr_with(enum lang l, enum str_id id, const char *arg);

/* "26 november" / "26 November" for a day given as seconds since the epoch (UTC date). */
void format_day_month(enum lang l, int64_t t, char *out, size_t outlen);

/* The same, with the year when it is not the year of now: "31 december 2030". */
void format_date_near(enum lang l, int64_t t, int64_t now, char *out, size_t outlen);

/* "donderdag 26 november" / "Thursday 26 November" from broken-down local fields. */
void format_weekday_date(enum lang l, int wday, int mday, int mon, char *out, size_t outlen);

#endif
