/* A count of notifications from another thread (a video's, the fetch worker's), for the edge
 * tests to wait on: waiter_notify is the callback, waiter_events reads the count. */
#ifndef PRIKBORD_TEST_WAITER_H
#define PRIKBORD_TEST_WAITER_H

#include <pthread.h>

struct waiter {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    unsigned events;
};
#define WAITER_INIT                                                                                \
    {                                                                                              \
        .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER                        \
    }

static inline void waiter_notify(void *ctx)
{
    struct waiter *w = ctx;
    pthread_mutex_lock(&w->lock);
    w->events++;
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->lock);
}

static inline unsigned waiter_events(struct waiter *w)
{
    pthread_mutex_lock(&w->lock);
    unsigned n = w->events;
    pthread_mutex_unlock(&w->lock);
    return n;
}

#endif
