/* qr: QR codes for the links on slides (libqrencode, the one file that includes it). Pure. */
#ifndef PRIKBORD_QR_H
#define PRIKBORD_QR_H

#include <stdbool.h>
#include <stdint.h>

#define QR_QUIET_ZONE 4 /* modules of light margin the standard asks for on each side */

struct qr {
    int size;         /* modules per side, without the quiet zone */
    uint8_t *modules; /* size * size, row by row; 1 = dark */
};

/* Encodes text (a URL) at error-correction level M. Returns NULL (logged) when it cannot be
 * encoded, e.g. too long. The caller frees the result with qr_destroy. */
struct qr *qr_encode(const char *text);
void qr_destroy(struct qr *q); /* NULL-safe */

/* Whether the module at (x, y) is dark; outside the code (the quiet zone) it is light. */
bool qr_dark(const struct qr *q, int x, int y);

#endif
