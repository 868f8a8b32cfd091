/* service: what systemd would receive on its notify socket, the watchdog interval it reads
 * from the environment, and silence when not run by systemd. Also the signal thread and the
 * status file writer of the same appliance edge. */
#include "fleet_writer.h"
#include "service.h"
#include "signals.h"
#include "util.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

struct listener {
    int fd;
    char path[108];
    char dir[64];
};

static void listen_on(struct listener *l)
{
    snprintf(l->dir, sizeof l->dir, "/tmp/prikbord-notify-XXXXXX");
    assert_non_null(mkdtemp(l->dir));
    snprintf(l->path, sizeof l->path, "%s/notify", l->dir);
    l->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    assert_true(l->fd >= 0);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    snprintf(a.sun_path, sizeof a.sun_path, "%s", l->path);
    assert_int_equal(bind(l->fd, (struct sockaddr *)&a, sizeof a), 0);
    struct timeval tv = {.tv_sec = 5};
    setsockopt(l->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

static void unlisten(struct listener *l)
{
    close(l->fd);
    unlink(l->path);
    rmdir(l->dir);
}

/* The next datagram, or "" when none comes within the time-out. */
static void next_message(struct listener *l, char *out, size_t outlen)
{
    ssize_t n = recv(l->fd, out, outlen - 1, 0);
    out[n > 0 ? n : 0] = '\0';
}

static bool nothing_waiting(struct listener *l)
{
    char buf[64];
    return recv(l->fd, buf, sizeof buf, MSG_DONTWAIT) < 0 &&
           (errno == EAGAIN || errno == EWOULDBLOCK);
}

#ifdef PRIKBORD_TEST_SYSTEMD
static void test_notify_and_watchdog(void **state)
{
    (void)state;
    struct listener l;
    listen_on(&l);
    setenv("NOTIFY_SOCKET", l.path, 1);
    setenv("WATCHDOG_USEC", "30000000", 1);
    char pid[32];
    snprintf(pid, sizeof pid, "%ld", (long)getpid());
    setenv("WATCHDOG_PID", pid, 1);
    service_init();
    assert_true(service_active());
    assert_int_equal(service_watchdog_interval_ms(), 15000);
    char msg[512];
    service_ready();
    next_message(&l, msg, sizeof msg);
    assert_string_equal(msg, "READY=1");
    service_watchdog();
    next_message(&l, msg, sizeof msg);
    assert_string_equal(msg, "WATCHDOG=1");
    service_status("%d items; refresh failing: %s", 16, "HTTP 503\nsecond line");
    next_message(&l, msg, sizeof msg);
    assert_string_equal(msg, "STATUS=16 items; refresh failing: HTTP 503 second line");
    service_reloading();
    next_message(&l, msg, sizeof msg);
    assert_string_equal(msg, "RELOADING=1");
    service_stopping();
    next_message(&l, msg, sizeof msg);
    assert_string_equal(msg, "STOPPING=1");

    /* A watchdog meant for another process (a parent's WATCHDOG_PID) is not ours. */
    setenv("WATCHDOG_PID", "1", 1);
    service_init();
    assert_int_equal(service_watchdog_interval_ms(), 0);
    service_watchdog();
    assert_true(nothing_waiting(&l));
    unsetenv("WATCHDOG_PID");
    unsetenv("WATCHDOG_USEC");
    unsetenv("NOTIFY_SOCKET");
    unlisten(&l);
}
#endif

static void test_silent_without_systemd(void **state)
{
    (void)state;
    struct listener l;
    listen_on(&l);
    unsetenv("NOTIFY_SOCKET");
    setenv("WATCHDOG_USEC", "30000000", 1);
    service_init();
    assert_false(service_active());
    assert_int_equal(service_watchdog_interval_ms(), 0);
    service_ready();
    service_watchdog();
    service_status("x");
    service_stopping();
    assert_true(nothing_waiting(&l));
    unsetenv("WATCHDOG_USEC");
    unlisten(&l);
}

static void test_machine_id(void **state)
{
    (void)state;
    char a[64], b[64];
    bool ok = service_machine_id(a, sizeof a);
    struct stat st;
    if (!ok) {
        assert_string_equal(a, "");
        skip(); /* no /etc/machine-id here, or built without libsystemd */
    }
    assert_int_equal(strlen(a), 32);
    assert_true(service_machine_id(b, sizeof b));
    assert_string_equal(a, b); /* stable */
    /* never the machine id itself */
    char raw[64] = "";
    FILE *f = stat("/etc/machine-id", &st) == 0 ? fopen("/etc/machine-id", "r") : NULL;
    if (f) {
        assert_non_null(fgets(raw, sizeof raw, f));
        fclose(f);
        assert_null(strstr(raw, a));
    }
    assert_false(service_machine_id(b, 8)); /* no room */
}

static atomic_int got_signal;

static void on_signal(void *ctx, int signo)
{
    (void)ctx;
    atomic_store(&got_signal, signo);
}

/* The signal arrives as a call on the signal thread, not in a handler. */
static void test_signal_thread(void **state)
{
    (void)state;
    signals_block();
    struct signals *s = signals_start(on_signal, NULL);
    assert_non_null(s);
    const int sigs[] = {SIGUSR1, SIGHUP, SIGTERM, SIGINT};
    for (size_t i = 0; i < ARRAY_LEN(sigs); i++) {
        atomic_store(&got_signal, 0);
        kill(getpid(), sigs[i]);
        for (int k = 0; k < 5000 && atomic_load(&got_signal) == 0; k++) {
            struct timespec t = {0, 1000000};
            nanosleep(&t, NULL);
        }
        assert_int_equal(atomic_load(&got_signal), sigs[i]);
    }
    signals_stop(s);
}

static void test_status_files(void **state)
{
    (void)state;
    char dir[] = "/tmp/prikbord-status-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *out = xasprintf("%s/out", dir), *cache = xasprintf("%s/cache", dir);
    mkdir(cache, 0755);
    char *blob = xasprintf("%s/blob", cache);
    FILE *f = fopen(blob, "w");
    assert_non_null(f);
    for (int i = 0; i < 1000; i++)
        fputs("0123456789", f);
    fclose(f);
    assert_int_equal(fleet_dir_bytes(cache), 10000);
    assert_true(fleet_rss_bytes() > 1 << 20);
    struct fleet_writer *w = fleet_writer_start(out, cache);
    assert_non_null(w);
    struct fleet_status s = {.version = "9.9",
                             .display_id = "t",
                             .now = 100,
                             .started = 50,
                             .items_shown = 3,
                             .frames = 7};
    fleet_writer_post(w, &s);
    s.items_shown = 4; /* the newest report wins */
    fleet_writer_post(w, &s);
    fleet_writer_stop(w);
    char *path = xasprintf("%s/status.json", out);
    char text[1024] = "";
    f = fopen(path, "r");
    assert_non_null(f);
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    assert_non_null(strstr(text, "\"items_shown\": 4"));
    assert_non_null(strstr(text, "\"cache_bytes\": 10000"));
    assert_null(strstr(text, "\"rss_bytes\": 0"));
    char *prom = xasprintf("%s/prikbord.prom", out);
    struct stat st;
    assert_int_equal(stat(prom, &st), 0);
    assert_true((st.st_mode & 0044) == 0044); /* node_exporter runs as another user */
    unlink(prom);
    unlink(path);
    unlink(blob);
    rmdir(out);
    rmdir(cache);
    rmdir(dir);
    free(prom);
    free(path);
    free(blob);
    free(out);
    free(cache);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#ifdef PRIKBORD_TEST_SYSTEMD
        cmocka_unit_test(test_notify_and_watchdog),
#endif
        cmocka_unit_test(test_silent_without_systemd), cmocka_unit_test(test_machine_id),
        cmocka_unit_test(test_signal_thread),          cmocka_unit_test(test_status_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
