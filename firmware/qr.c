#define LOG_MODULE "qr"
#include "qr.h"
#include "log.h"
#include "util.h"

#include <qrencode.h>

#include <stdlib.h>
#include <string.h>

struct qr *qr_encode(const char *text)
{
    if (!text || !*text)
        return NULL;
    /* M recovers from ~15 % damage: enough for a screen's glare, smaller than Q or H. */
    QRcode *code = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
    if (!code) {
        log_warn("no QR code for a link of %zu bytes", strlen(text));
        return NULL;
    }
    struct qr *q = xcalloc(1, sizeof *q);
    q->size = code->width;
    q->modules = xmalloc((size_t)code->width * (size_t)code->width);
    for (int i = 0; i < code->width * code->width; i++)
        q->modules[i] = code->data[i] & 1;
    QRcode_free(code);
    return q;
}

void qr_destroy(struct qr *q)
{
    if (!q)
        return;
    free(q->modules);
    free(q);
}

bool qr_dark(const struct qr *q, int x, int y)
{
    return x >= 0 && y >= 0 && x < q->size && y < q->size && q->modules[y * q->size + x];
}
