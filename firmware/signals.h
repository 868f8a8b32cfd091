/* signals: SIGTERM, SIGINT, SIGHUP and SIGUSR1 delivered as calls on a thread of their own.
 * No signal handler runs at all: the signals are blocked in every thread and one thread takes
 * them with sigwaitinfo, so the callback may do what it likes (push an event, set a flag). */
#ifndef PRIKBORD_SIGNALS_H
#define PRIKBORD_SIGNALS_H

/* Blocks the four signals in the calling thread and so in every thread it starts afterwards.
 * Call in main before any thread exists (SDL, curl and the fetch worker start threads). */
void signals_block(void);

struct signals;

/* Starts the thread that waits for them; on_signal(ctx, signo) runs on that thread, one signal
 * at a time. NULL (logged) when the thread cannot start. */
struct signals *signals_start(void (*on_signal)(void *ctx, int signo), void *ctx);

/* Ends the thread. The signals stay blocked: one that arrives later (a second SIGTERM while
 * the program cleans up) waits unseen. NULL-safe. */
void signals_stop(struct signals *s);

#endif
