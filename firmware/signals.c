#define LOG_MODULE "signals"
#include "signals.h"
#include "log.h"
#include "util.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct signals {
    pthread_t thread;
    atomic_bool stop;
    void (*on_signal)(void *ctx, int signo);
    void *ctx;
};

static void wanted(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGHUP);
    sigaddset(set, SIGUSR1);
}

void signals_block(void)
{
    sigset_t set;
    wanted(&set);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
}

static const char *signal_name(int signo)
{
    switch (signo) {
    case SIGTERM:
        return "SIGTERM";
    case SIGINT:
        return "SIGINT";
    case SIGHUP:
        return "SIGHUP";
    case SIGUSR1:
        return "SIGUSR1";
    default:
        return "?";
    }
}

static void *waiter(void *arg)
{
    struct signals *s = arg;
    sigset_t set;
    wanted(&set);
    for (;;) {
        siginfo_t info;
        int signo = sigwaitinfo(&set, &info);
        if (atomic_load(&s->stop))
            break;
        if (signo < 0) {
            if (errno != EINTR)
                log_warn("sigwaitinfo: %s", strerror(errno));
            continue;
        }
        log_info("signal %s from pid %ld", signal_name(signo), (long)info.si_pid);
        s->on_signal(s->ctx, signo);
    }
    return NULL;
}

struct signals *signals_start(void (*on_signal)(void *ctx, int signo), void *ctx)
{
    struct signals *s = xcalloc(1, sizeof *s);
    atomic_init(&s->stop, false);
    s->on_signal = on_signal;
    s->ctx = ctx;
    int err = pthread_create(&s->thread, NULL, waiter, s);
    if (err != 0) {
        log_error("cannot start the signal thread: %s", strerror(err));
        free(s);
        return NULL;
    }
    return s;
}

void signals_stop(struct signals *s)
{
    if (!s)
        return;
    atomic_store(&s->stop, true);
    /* Aimed at the waiting thread itself, where the blocked signal becomes pending and ends
     * its sigwaitinfo; the flag tells it not to act on it. */
    pthread_kill(s->thread, SIGHUP);
    pthread_join(s->thread, NULL);
    free(s);
}
