/* The test HTTP server (tests/tools/testserver.py) for the edge tests: started with
 * posix_spawn on 127.0.0.1, it prints "PORT n" (and "PORT2 m" for a second origin) on its
 * stdout, serves a folder and its fault routes, and stops when its stdin closes. */
#ifndef PRIKBORD_TEST_TESTSERVER_H
#define PRIKBORD_TEST_TESTSERVER_H

#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

struct testserver {
    pid_t pid;
    int stdin_fd; /* closing it stops the server */
    int port, port2;
};

/* Reads the port lines (two with second) from fd, waiting at most 10 s in all. */
static inline bool testserver_read_ports(int fd, struct testserver *t, bool second)
{
    char buf[128];
    size_t len = 0;
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    while (len < sizeof buf - 1) {
        buf[len] = '\0';
        char *first = strchr(buf, '\n');
        if (first && (!second || strchr(first + 1, '\n')))
            return second ? sscanf(buf, "PORT %d PORT2 %d", &t->port, &t->port2) == 2
                          : sscanf(buf, "PORT %d", &t->port) == 1;
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long left_ms =
            10000 - ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000);
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (left_ms <= 0 || poll(&p, 1, (int)left_ms) <= 0)
            return false;
        ssize_t n = read(fd, buf + len, sizeof buf - 1 - len);
        if (n <= 0)
            return false;
        len += (size_t)n;
    }
    return false;
}

/* Starts the server on folder root (with a second port when second); it stops by itself
 * after max_seconds. False (with a reason on stderr) when it did not come up. */
static inline bool testserver_start(struct testserver *t, const char *root, bool second,
                                    int max_seconds)
{
    *t = (struct testserver){.stdin_fd = -1};
    const char *src = getenv("PRIKBORD_SOURCE_DIR");
    char *script = xasprintf("%s/tests/tools/testserver.py", src ? src : ".");
    char *limit = xasprintf("%d", max_seconds);
    char *argv[] = {"python3",
                    script,
                    "--root",
                    (char *)root,
                    "--max-seconds",
                    limit,
                    second ? "--second-port" : NULL,
                    NULL};
    int in[2] = {-1, -1}, out[2] = {-1, -1};
    posix_spawn_file_actions_t actions;
    bool ok = false, actions_made = false;
    if (pipe(in) != 0 || pipe(out) != 0)
        goto out;
    /* Our ends must not leak into the child, or it would never see stdin close. */
    fcntl(in[1], F_SETFD, FD_CLOEXEC);
    fcntl(out[0], F_SETFD, FD_CLOEXEC);
    if (posix_spawn_file_actions_init(&actions) != 0)
        goto out;
    actions_made = true;
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_addclose(&actions, in[0]);
    posix_spawn_file_actions_addclose(&actions, out[1]);
    int err = posix_spawnp(&t->pid, "python3", &actions, NULL, argv, environ);
    if (err != 0) {
        fprintf(stderr, "posix_spawnp python3: %s\n", strerror(err));
        t->pid = 0;
        goto out;
    }
    t->stdin_fd = in[1];
    in[1] = -1;
    /* Only the child may hold the write end of its stdout, or a child that dies early would
     * never give us EOF. */
    close(out[1]);
    out[1] = -1;
    ok = testserver_read_ports(out[0], t, second);
    if (!ok)
        fprintf(stderr, "testserver did not report its ports (%s)\n", script);
out:
    if (actions_made)
        posix_spawn_file_actions_destroy(&actions);
    for (int i = 0; i < 2; i++) {
        if (in[i] >= 0)
            close(in[i]);
        if (out[i] >= 0)
            close(out[i]);
    }
    free(script);
    free(limit);
    return ok;
}

/* Stops it and waits for it; safe to call twice or after a failed start. */
static inline void testserver_stop(struct testserver *t)
{
    if (t->stdin_fd >= 0)
        close(t->stdin_fd);
    t->stdin_fd = -1;
    if (t->pid > 0) {
        kill(t->pid, SIGTERM);
        while (waitpid(t->pid, NULL, 0) < 0 && errno == EINTR)
            ;
    }
    t->pid = 0;
}

#endif
