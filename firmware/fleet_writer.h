/* fleet_writer: writes status.json and prikbord.prom (fleet.h) on a thread of its own, so the
 * render loop never waits on the disk. It adds what only the disk and /proc know: the size of
 * the cache folder and the resident memory. */
#ifndef PRIKBORD_FLEET_WRITER_H
#define PRIKBORD_FLEET_WRITER_H

#include "fleet.h"

struct fleet_writer;

/* Starts the writer for files in dir, measuring cache_dir (both copied; cache_dir may be
 * NULL). NULL (logged) when the thread cannot start. */
struct fleet_writer *fleet_writer_start(const char *dir, const char *cache_dir);

/* Queues a report (copied; the strings too). Reports that arrive while one is being written
 * replace each other: only the newest is written next. */
void fleet_writer_post(struct fleet_writer *w, const struct fleet_status *s);

/* Writes what is queued, then ends the thread. NULL-safe. */
void fleet_writer_stop(struct fleet_writer *w);

/* Resident memory of this process from /proc/self/statm, in bytes; 0 when unknown. */
uint64_t fleet_rss_bytes(void);

/* Bytes in the regular files under dir (not following symbolic links); 0 when unreadable. */
uint64_t fleet_dir_bytes(const char *dir);

#endif
