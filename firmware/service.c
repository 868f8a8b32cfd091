#define LOG_MODULE "service"
#include "service.h"
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#ifdef PRIKBORD_HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#include <systemd/sd-id128.h>
#endif

static bool active;
static int64_t watchdog_ms;

#ifdef PRIKBORD_HAVE_SYSTEMD
static void notify(const char *msg)
{
    if (!active)
        return;
    int rc = sd_notify(0, msg);
    if (rc < 0)
        log_debug("sd_notify: error %d", -rc);
}
#else
static void notify(const char *msg)
{
    (void)msg;
}
#endif

void service_init(void)
{
    const char *sock = getenv("NOTIFY_SOCKET");
    active = sock && *sock;
    watchdog_ms = 0;
#ifdef PRIKBORD_HAVE_SYSTEMD
    uint64_t usec = 0;
    /* Not unset: systemd checks WATCHDOG_PID, so a child could not ping for us anyway. */
    if (active && sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
        /* Half the interval, as sd_watchdog_enabled(3) advises, so one late round is not
         * yet a restart; at least 1 ms so that a tiny WatchdogSec still pings. */
        watchdog_ms = (int64_t)(usec / 2000);
        if (watchdog_ms < 1)
            watchdog_ms = 1;
    }
    if (active && watchdog_ms)
        log_info("started by systemd; watchdog ping every %lld ms", (long long)watchdog_ms);
    else if (active)
        log_info("started by systemd; no watchdog");
#else
    if (active)
        log_warn("NOTIFY_SOCKET is set but this build has no libsystemd: no READY or watchdog");
    active = false;
#endif
}

bool service_active(void)
{
    return active;
}

int64_t service_watchdog_interval_ms(void)
{
    return watchdog_ms;
}

void service_ready(void)
{
    notify("READY=1");
}

void service_watchdog(void)
{
    if (watchdog_ms)
        notify("WATCHDOG=1");
}

void service_reloading(void)
{
    notify("RELOADING=1");
}

void service_stopping(void)
{
    notify("STOPPING=1");
}

void service_status(const char *fmt, ...)
{
    if (!active)
        return;
    char msg[300] = "STATUS=";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg + 7, sizeof msg - 7, fmt, ap);
    va_end(ap);
    /* One line: a newline would start another assignment in the notify message. */
    for (char *p = msg; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    notify(msg);
}

bool service_machine_id(char *out, size_t outlen)
{
    if (outlen)
        out[0] = '\0';
#ifdef PRIKBORD_HAVE_SYSTEMD
    /* Prikbord's own application key for sd_id128_get_machine_app_specific (generated once
     * with `systemd-id128 new`; never change it, or every screen gets a new id). */
    const sd_id128_t app =
        SD_ID128_MAKE(f4, fe, 47, 04, 40, 0d, 4b, 38, b8, 40, 2f, c9, 43, 26, 3e, ba);
    sd_id128_t id;
    char buf[SD_ID128_STRING_MAX];
    if (outlen < SD_ID128_STRING_MAX || sd_id128_get_machine_app_specific(app, &id) < 0)
        return false;
    snprintf(out, outlen, "%s", sd_id128_to_string(id, buf));
    return true;
#else
    return false;
#endif
}
