/* service: what systemd learns from the screen (sd_notify). READY once the first frame is on
 * screen, WATCHDOG pings from the main loop, RELOADING/STOPPING around a reload or an exit,
 * STATUS lines for `systemctl status`. The only file that talks to libsystemd; every call is
 * a no-op when the program was not started by systemd (no $NOTIFY_SOCKET) or was built without
 * libsystemd (PRIKBORD_SYSTEMD=OFF). Main thread only. */
#ifndef PRIKBORD_SERVICE_H
#define PRIKBORD_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Reads what systemd set up for this process (notify socket, watchdog interval). Call once
 * before the other functions; calling it again re-reads the environment (tests). */
void service_init(void);

/* True when systemd listens for notifications. */
bool service_active(void);

/* How often the main loop must ping: half of the unit's WatchdogSec, in milliseconds; 0 when
 * no watchdog is set for this process. */
int64_t service_watchdog_interval_ms(void);

/* Tells systemd the screen is up (the first frame is drawn), or up again after a reload. */
void service_ready(void);

/* One watchdog ping: the main loop is alive. */
void service_watchdog(void);

/* A reload (SIGHUP) started; service_ready ends it. */
void service_reloading(void);

/* The program is shutting down. */
void service_stopping(void);

/* A one-line status for `systemctl status` (printf format). */
void service_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A stable id for this machine that does not give away /etc/machine-id (systemd's advice:
 * the machine id hashed with an application key), as 32 hex digits in out (at least 33
 * bytes). False when there is no machine id or no libsystemd; out is then "". */
bool service_machine_id(char *out, size_t outlen);

#endif
