/* disk: whole-file reads with a size bound and crash-safe writes. Edge module (the disk). */
#ifndef PRIKBORD_DISK_H
#define PRIKBORD_DISK_H

#include <stdbool.h>
#include <stddef.h>

/* Reads the whole file at path if it is a regular file of at most max bytes. Returns a
 * NUL-terminated buffer the caller frees (*len excludes the NUL), or NULL with a reason in
 * err (errno text where it applies). */
char *disk_read_file(const char *path, size_t max, size_t *len, char *err, size_t errlen);

/* Creates dir and its parents (mode 0755) when missing. */
bool disk_mkdirs(const char *dir, char *err, size_t errlen);

/* Replaces path with data atomically: a temporary file in the same folder, fsync, rename,
 * fsync of the folder. A crash leaves the old or the new file, never half of one. */
bool disk_write_atomic(const char *path, const void *data, size_t len, char *err, size_t errlen);

/* Removes path; a file that is already gone is not an error. */
bool disk_remove(const char *path, char *err, size_t errlen);

#endif
