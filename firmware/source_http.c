#define LOG_MODULE "source"
#include "source_http.h"
#include "disk.h"
#include "log.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The token for this request: the first line of the token file, else the configured one.
 * Caller wipes and frees it. */
static char *read_token(const struct source_http *h)
{
    if (!h->token_file)
        return xstrdup(h->token);
    char err[160];
    size_t len;
    char *t = disk_read_file(h->token_file, 16384, &len, err, sizeof err);
    if (!t) {
        log_warn("token file %s: %s", h->token_file, err);
        return xstrdup(h->token);
    }
    t[strcspn(t, "\r\n")] = '\0';
    return t;
}

long source_http_get(void *ctx, const char *url, char **body, size_t *len, long *retry_after_s)
{
    struct source_http *h = ctx;
    struct fetch_request req = h->base;
    struct fetch_response resp = {0};
    char *token = read_token(h);
    req.url = url;
    req.token = token;
    req.allow_file = false;
    req.if_none_match = req.if_modified_since = NULL;
    enum fetch_result res = fetcher_get(h->fetcher, &req, &resp);
    if (token) {
        memset(token, 0, strlen(token));
        free(token);
    }
    long status = res == FETCH_OK || res == FETCH_HTTP_ERROR ? resp.status : 0;
    snprintf(h->error, sizeof h->error, "%s",
             status          ? ""
             : resp.error[0] ? resp.error
                             : fetch_result_name(res));
    *retry_after_s = resp.retry_after_s;
    *len = resp.len;
    *body = resp.body;
    resp.body = NULL;
    fetch_response_clear(&resp);
    return status;
}
