/* video: playback of files that Debian's ffmpeg makes here, at test time, in a temporary
 * folder. The pattern is a white bar that grows from the left edge by 1/125 of the width per
 * frame (25 fps, 5 s), so a frame's place in time can be read from its pixels and compared
 * with its timestamp. The sound test videos carry a 440 Hz tone whose loudness grows from
 * silence by the same rule (0.9 of full scale at 5 s), so the sound's place in time can be read
 * from its peaks. The tests wait on the video's notifications, never on a clock. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "util.h"
#include "video.h"
#include "waiter.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define W        640
#define H        360
#define FRAMES   125
#define FRAME_MS 40
/* mono at 44.1 kHz: the player converts it to stereo at 48 kHz */
#define TONE "aevalsrc='0.9*t/5*sin(2*PI*440*t)':s=44100:d=5"

static char dir[256];

/* ---- making the videos ---------------------------------------------------------------- */

static char *in_dir(const char *name)
{
    return xasprintf("%s/%s", dir, name);
}

/* Runs ffmpeg with args (NULL-terminated) after "-nostdin -v error -y"; true when it exits 0. */
static bool run_ffmpeg(const char *const *args)
{
    const char *argv[64] = {"ffmpeg", "-nostdin", "-v", "error", "-y"};
    size_t n = 5;
    for (size_t i = 0; args[i] && n < ARRAY_LEN(argv) - 1; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    pid_t pid;
    int err = posix_spawnp(&pid, "ffmpeg", NULL, NULL, (char *const *)argv, environ);
    if (err != 0) {
        fprintf(stderr, "cannot run ffmpeg (%s): install it with scripts/deps --test\n",
                strerror(err));
        return false;
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* ffmpeg with the arguments up to NULL. */
static bool ffmpeg(const char *first, ...)
{
    const char *args[48] = {first};
    size_t n = 1;
    va_list ap;
    va_start(ap, first);
    for (const char *a; n < ARRAY_LEN(args) - 1 && (a = va_arg(ap, const char *));)
        args[n++] = a;
    va_end(ap);
    args[n] = NULL;
    return run_ffmpeg(args);
}

/* The bar pattern (640x360, seconds long) into name, encoded with the arguments after seconds,
 * up to NULL. A white and a dark half side by side, with a 640-wide window sliding over them
 * frame by frame (crop's n is the frame number): frame n shows round((n + 1) * 640 / 125)
 * white columns from the left edge. */
static bool make_bars(const char *name, const char *seconds, ...)
{
    char graph[300];
    snprintf(graph, sizeof graph,
             "color=c=white:s=640x360:r=25:d=%s[a];color=c=0x101010:s=640x360:r=25:d=%s[b];"
             "[a][b]hstack,crop=640:360:x='640-640*(n+1)/125':y=0:exact=1,format=yuv420p",
             seconds, seconds);
    char *out = in_dir(name);
    const char *args[48] = {"-f", "lavfi", "-i", graph};
    size_t n = 4;
    va_list ap;
    va_start(ap, seconds);
    for (const char *a; n < ARRAY_LEN(args) - 2 && (a = va_arg(ap, const char *));)
        args[n++] = a;
    va_end(ap);
    args[n++] = out;
    args[n] = NULL;
    bool ok = run_ffmpeg(args);
    free(out);
    return ok;
}

static bool write_bytes(const char *name, const void *data, size_t len)
{
    char *path = in_dir(name);
    FILE *f = fopen(path, "wb");
    bool ok = f && fwrite(data, 1, len, f) == len;
    if (f && fclose(f) != 0)
        ok = false;
    free(path);
    return ok;
}

/* The first half of from, as name: a download cut off halfway. */
static bool truncate_copy(const char *from, const char *name)
{
    char *path = in_dir(from);
    FILE *f = fopen(path, "rb");
    free(path);
    if (!f)
        return false;
    size_t cap = (size_t)4 << 20;
    char *buf = xmalloc(cap);
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    bool ok = n > 1000 && n < cap && write_bytes(name, buf, n / 2);
    free(buf);
    return ok;
}

#define END ((const char *)NULL)

static int group_setup(void **state)
{
    (void)state;
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/prikbord-video-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        return -1;
    fprintf(stderr, "making the test videos with ffmpeg in %s\n", dir);
    static const char text[] = "This is not a video, whatever its name says.\n";
    char *big = in_dir("8k.mp4");
    char *sound = in_dir("sound.mp4");
    char *bars = in_dir("bars.mp4");
    char *upright = in_dir("upright.mp4");
    char *tone = in_dir("tone.mp4");
    char *bad_sound = in_dir("bad-sound.mp4");
    char *pcm = in_dir("pcm.mkv");
    /* H.264 with B-frames (reordered timestamps), moov in front as a web server has it; the
     * same with moov at the end (ffmpeg's default), so that its first half has no index. */
    bool ok =
        make_bars("bars.mp4", "5", "-c:v", "libx264", "-preset", "veryfast", "-movflags",
                  "+faststart", END) &&
        make_bars("tail.mp4", "5", "-c:v", "libx264", "-preset", "ultrafast", END) &&
        make_bars("bars.webm", "5", "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8",
                  "-b:v", "300k", END) &&
        /* MPEG-4 part 2: a codec the screen does not take */
        make_bars("mpeg4.mp4", "1", "-c:v", "mpeg4", END) &&
        /* 8K: one black frame is cheap to make and still declares 7680x4320 */
        ffmpeg("-f", "lavfi", "-i", "color=c=black:s=7680x4320:r=25:d=0.04", "-frames:v", "1",
               "-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "ultrafast", big, END) &&
        /* sound only, in an .mp4 */
        ffmpeg("-f", "lavfi", "-i", "sine=d=1", "-c:a", "aac", sound, END) &&
        write_bytes("empty.mp4", "", 0) && write_bytes("text.mp4", text, sizeof text - 1) &&
        truncate_copy("tail.mp4", "cut-tail.mp4") && truncate_copy("bars.mp4", "cut-front.mp4") &&
        /* a phone held upright: stored landscape, with a display matrix that turns it (the
         * ffmpeg of Debian 12 writes one from this tag when it copies, not when it encodes) */
        ffmpeg("-i", bars, "-c", "copy", "-metadata:s:v:0", "rotate=90", upright, END) &&
        /* with sound: the tone in AAC; the same with its sound packets garbled (every third
         * byte); the same with its sound as PCM, a codec the screen does not play */
        make_bars("tone.mp4", "5", "-f", "lavfi", "-i", TONE, "-c:v", "libx264", "-preset",
                  "ultrafast", "-c:a", "aac", END) &&
        ffmpeg("-i", tone, "-c", "copy", "-bsf:a", "noise=amount=3", bad_sound, END) &&
        ffmpeg("-i", tone, "-c:v", "copy", "-c:a", "pcm_s16le", pcm, END);
    free(tone);
    free(bad_sound);
    free(pcm);
    free(big);
    free(sound);
    free(bars);
    free(upright);
    return ok ? 0 : -1;
}

static const char *const made[] = {
    "bars.mp4",      "tail.mp4",  "bars.webm",     "upright.mp4", "mpeg4.mp4",
    "8k.mp4",        "sound.mp4", "empty.mp4",     "text.mp4",    "cut-tail.mp4",
    "cut-front.mp4", "tone.mp4",  "bad-sound.mp4", "pcm.mkv",
};

static int group_teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(made); i++) {
        char *p = in_dir(made[i]);
        unlink(p);
        free(p);
    }
    if (dir[0])
        rmdir(dir);
    return 0;
}

/* ---- waiting on a video's notifications ----------------------------------------------- */

/* Waits for a notification after seen; a video that never reports fails the test. */
static void wait_event(struct waiter *w, unsigned seen)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 30;
    pthread_mutex_lock(&w->lock);
    int rc = 0;
    while (w->events == seen && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&w->cond, &w->lock, &until);
    pthread_mutex_unlock(&w->lock);
    if (rc == ETIMEDOUT)
        fail_msg("the video thread did not report within 30 s");
}

static struct waiter *waiter_new(void)
{
    struct waiter *w = xcalloc(1, sizeof *w);
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->cond, NULL);
    return w;
}

static void waiter_free(struct waiter *w)
{
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->cond);
    free(w);
}

static struct video *open_in_dir(const char *name, const struct video_limits *lim, int max_w,
                                 int max_h, struct waiter *w)
{
    char *path = in_dir(name);
    struct video *v = video_open(path, lim, max_w, max_h, waiter_notify, w);
    free(path);
    assert_non_null(v);
    return v;
}

/* Waits until the video leaves VIDEO_OPENING. */
static enum video_state opened(struct video *v, struct waiter *w)
{
    for (;;) {
        unsigned seen = waiter_events(w);
        enum video_state s = video_state(v);
        if (s != VIDEO_OPENING)
            return s;
        wait_event(w, seen);
    }
}

/* The frame the screen shows at elapsed ms: waits until the decoder is past that moment (a
 * later frame is queued) or at the end, so that the answer no longer depends on its speed. */
static const struct video_picture *frame_at(struct video *v, int64_t elapsed, struct waiter *w)
{
    for (;;) {
        unsigned seen = waiter_events(w);
        const struct video_picture *p = video_frame_for(v, elapsed);
        int64_t next = video_next_ms(v);
        enum video_state s = video_state(v);
        if (next > elapsed || s == VIDEO_DONE || s == VIDEO_FAILED)
            return p;
        wait_event(w, seen);
    }
}

/* ---- reading the pattern -------------------------------------------------------------- */

/* Bright pixels in the middle row of the Y plane: the bar's length. */
static int bar_length(const struct video_picture *p)
{
    const uint8_t *row = p->planes[0] + (size_t)(p->h / 2) * (size_t)p->pitches[0];
    int n = 0;
    for (int x = 0; x < p->w; x++)
        n += row[x] > 128;
    return n;
}

/* The bar a frame due at pts_ms must show, at width w. */
static int expected_bar(int64_t pts_ms, int w)
{
    int64_t frame = (pts_ms + FRAME_MS / 2) / FRAME_MS;
    return (int)(((frame + 1) * w + FRAMES / 2) / FRAMES);
}

static void assert_bar_matches(const struct video_picture *p)
{
    int got = bar_length(p), want = expected_bar(p->pts_ms, p->w);
    if (abs(got - want) > 4)
        fail_msg("frame at %lld ms shows a bar of %d px, its timestamp says %d px",
                 (long long)p->pts_ms, got, want);
}

/* ---- the tests ------------------------------------------------------------------------ */

static void check_probe(const char *name, const char *codec, const char *container)
{
    char *path = in_dir(name);
    struct video_info info;
    char err[256];
    if (!video_probe(path, NULL, &info, err, sizeof err))
        fail_msg("%s: %s", name, err);
    assert_int_equal(info.width, W);
    assert_int_equal(info.height, H);
    assert_int_equal(info.rotation, 0);
    assert_true(info.duration_ms >= 4900 && info.duration_ms <= 5100);
    assert_string_equal(info.codec, codec);
    assert_string_equal(info.container, container);
    free(path);
}

static void test_probe(void **state)
{
    (void)state;
    check_probe("bars.mp4", "h264", "mov");
    check_probe("bars.webm", "vp9", "matroska");
}

/* FFmpeg is a plugin: loaded by the first call that needs it, held while a video is open,
 * unloaded when idle, and loaded again by the next call. (The sanitizer build's leak check
 * covers what loading it again and again leaves behind.) */
static void test_plugin_loads_and_unloads(void **state)
{
    (void)state;
    video_unload();
    assert_false(video_loaded());
    for (int i = 0; i < 3; i++) {
        check_probe("bars.mp4", "h264", "mov");
        assert_true(video_loaded());
        struct waiter *w = waiter_new();
        struct video *v = open_in_dir("bars.mp4", NULL, W, H, w);
        assert_int_equal(opened(v, w), VIDEO_PLAYING);
        video_unload(); /* an open video holds it */
        assert_true(video_loaded());
        video_close(v);
        waiter_free(w);
        video_unload_idle(); /* idle for less than 30 s: it stays */
        assert_true(video_loaded());
        video_unload();
        assert_false(video_loaded());
    }
}

/* Frames taken at increasing times differ, come in order, match their timestamps, and the
 * video ends. */
static void check_plays_in_order(const char *name, const struct video_limits *lim)
{
    struct waiter *w = waiter_new();
    struct video *v = open_in_dir(name, lim, W, H, w);
    assert_int_equal(opened(v, w), VIDEO_PLAYING);
    int vw, vh;
    video_size(v, &vw, &vh);
    assert_int_equal(vw, W);
    assert_int_equal(vh, H);
    int64_t d = video_duration_ms(v);
    assert_true(d >= 4900 && d <= 5100);
    char decoder[32];
    video_decoder(v, decoder, sizeof decoder);
    assert_true(decoder[0] != '\0');

    int last_bar = -1;
    int64_t last_pts = -1;
    for (int64_t t = 0; t <= 4800; t += 300) {
        const struct video_picture *p = frame_at(v, t, w);
        assert_non_null(p);
        assert_int_equal(p->w, W);
        assert_int_equal(p->h, H);
        assert_true(p->pts_ms <= t);
        assert_true(p->pts_ms > last_pts);
        assert_bar_matches(p);
        int bar = bar_length(p);
        assert_true(bar > last_bar);
        last_bar = bar;
        last_pts = p->pts_ms;
    }
    const struct video_picture *p = frame_at(v, 10000, w);
    assert_non_null(p);
    assert_int_equal(video_state(v), VIDEO_DONE);
    assert_true(video_done(v));
    assert_true(p->pts_ms >= 4900); /* the last frame stays */
    assert_true(bar_length(p) >= W - 6);
    assert_int_equal(video_next_ms(v), -1);
    video_close(v);
    waiter_free(w);
}

static void test_h264_plays_in_order(void **state)
{
    (void)state;
    check_plays_in_order("bars.mp4", NULL);
}

static void test_vp9_plays_in_order(void **state)
{
    (void)state;
    check_plays_in_order("bars.webm", NULL);
}

/* A video larger than its area is scaled down while decoding, keeping its shape. */
static void test_scaled_down(void **state)
{
    (void)state;
    static const struct {
        int max_w, max_h, w, h;
    } cases[] = {{320, 180, 320, 180}, {200, 200, 200, 112}, {1920, 1080, W, H}, {W, 90, 160, 90}};
    struct waiter *w = waiter_new();
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        struct video *v = open_in_dir("bars.mp4", NULL, cases[i].max_w, cases[i].max_h, w);
        assert_int_equal(opened(v, w), VIDEO_PLAYING);
        const struct video_picture *p = frame_at(v, 2500, w);
        assert_non_null(p);
        assert_int_equal(p->w, cases[i].w);
        assert_int_equal(p->h, cases[i].h);
        int got = bar_length(p), want = expected_bar(p->pts_ms, p->w);
        assert_true(abs(got - want) <= 3);
        assert_int_equal(p->colors, VIDEO_COLORS_BT601); /* 360 lines, nothing said */
        video_close(v);
    }
    waiter_free(w);
}

/* Replay: from the start again after the end, and also in the middle. */
static void test_replay(void **state)
{
    (void)state;
    struct waiter *w = waiter_new();
    struct video *v = open_in_dir("bars.webm", NULL, W, H, w);
    assert_non_null(frame_at(v, 6000, w));
    assert_int_equal(video_state(v), VIDEO_DONE);
    for (int round = 0; round < 2; round++) {
        video_restart(v);
        assert_false(video_done(v));
        const struct video_picture *p = frame_at(v, 0, w);
        assert_non_null(p);
        assert_int_equal(p->pts_ms, 0);
        assert_int_equal(bar_length(p), expected_bar(0, W));
        p = frame_at(v, 1000, w);
        assert_non_null(p);
        assert_bar_matches(p);
        assert_true(p->pts_ms > 900);
    }
    video_restart(v);
    assert_non_null(frame_at(v, 7000, w));
    assert_int_equal(video_state(v), VIDEO_DONE);
    video_close(v);
    waiter_free(w);
}

/* The poster: the first frame, scaled to fit. */
static void test_poster(void **state)
{
    (void)state;
    char *path = in_dir("bars.mp4");
    char err[256];
    struct video_picture *p = video_poster(path, NULL, 320, 320, err, sizeof err);
    if (!p)
        fail_msg("poster: %s", err);
    assert_int_equal(p->w, 320);
    assert_int_equal(p->h, 180);
    assert_int_equal(p->pts_ms, 0);
    assert_true(bar_length(p) <= 4);
    video_picture_free(p);
    video_picture_free(NULL);
    free(path);
    path = in_dir("text.mp4");
    assert_null(video_poster(path, NULL, 320, 320, err, sizeof err));
    assert_true(err[0] != '\0');
    free(path);
}

/* A phone video stored sideways is shown upright, turned as ffmpeg itself turns it: this tag
 * asks for a quarter turn anticlockwise, so the bar that grows from the stored left edge grows
 * up from the bottom. */
static void test_rotation(void **state)
{
    (void)state;
    char *path = in_dir("upright.mp4");
    struct video_info info;
    char err[256];
    if (!video_probe(path, NULL, &info, err, sizeof err))
        fail_msg("upright.mp4: %s", err);
    assert_int_equal(info.rotation, 270);
    assert_int_equal(info.width, H);
    assert_int_equal(info.height, W);
    free(path);
    struct waiter *w = waiter_new();
    struct video *v = open_in_dir("upright.mp4", NULL, 1000, 320, w);
    const struct video_picture *p = frame_at(v, 1800, w);
    assert_non_null(p);
    assert_int_equal(p->w, 180);
    assert_int_equal(p->h, 320);
    /* 1.8 s into the 5 s pattern: the bar covers the lower 37 % */
    int bright = 0, first = -1;
    for (int y = 0; y < p->h; y++) {
        if (p->planes[0][(size_t)y * (size_t)p->pitches[0] + (size_t)p->w / 2] > 128) {
            bright++;
            first = first < 0 ? y : first;
        }
    }
    int want = expected_bar(p->pts_ms, p->h);
    if (abs(bright - want) > 3 || first != p->h - bright)
        fail_msg("%d bright rows from row %d, want the last %d", bright, first, want);
    video_close(v);
    waiter_free(w);
}

/* Every bad input: refused by the probe with a reason, and by playback without a frame. */
static void test_refusals(void **state)
{
    (void)state;
    static const struct {
        const char *name, *reason; /* a part of the reason */
    } cases[] = {
        {"8k.mp4", "7680x4320 is over the limit"},
        {"empty.mp4", "not a video"},
        {"text.mp4", "not a video"},
        {"cut-tail.mp4", "not a video"},
        {"mpeg4.mp4", "codec mpeg4 is not supported"},
        {"sound.mp4", "no video stream"},
        {"missing.mp4", "not a video"},
    };
    struct waiter *w = waiter_new();
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        char *path = in_dir(cases[i].name);
        struct video_info info;
        char err[256] = "";
        bool ok = video_probe(path, NULL, &info, err, sizeof err);
        print_message("%s: %s\n", cases[i].name, err);
        assert_false(ok);
        if (!strstr(err, cases[i].reason))
            fail_msg("%s: \"%s\" does not say \"%s\"", cases[i].name, err, cases[i].reason);
        assert_null(video_poster(path, NULL, 100, 100, err, sizeof err));
        free(path);

        struct video *v = open_in_dir(cases[i].name, NULL, W, H, w);
        assert_int_equal(opened(v, w), VIDEO_FAILED);
        assert_null(video_frame_for(v, 1000));
        assert_true(video_done(v));
        assert_int_equal(video_duration_ms(v), -1);
        video_error(v, err, sizeof err);
        assert_non_null(strstr(err, cases[i].reason));
        video_restart(v); /* no-op */
        assert_int_equal(video_state(v), VIDEO_FAILED);
        video_close(v);
    }
    waiter_free(w);
}

/* Limits are the caller's: a tighter size or a shorter duration refuses the same file. */
static void test_limits(void **state)
{
    (void)state;
    char *path = in_dir("bars.mp4");
    char err[256];
    struct video_info info;
    struct video_limits small = {.max_w = 320, .max_h = 240};
    assert_false(video_probe(path, &small, &info, err, sizeof err));
    assert_string_equal(err, "640x360 is over the limit of 320x240 pixels");
    struct video_limits brief = {.max_duration_ms = 2000};
    assert_false(video_probe(path, &brief, &info, err, sizeof err));
    assert_string_equal(err, "5.0 s is over the limit of 2 s");
    /* portrait within a landscape limit: the same number of pixels */
    struct video_limits tall = {.max_w = 360, .max_h = 640};
    assert_true(video_probe(path, &tall, &info, err, sizeof err));
    free(path);
}

/* A download cut off halfway, with its index in front: what is there plays, then it ends. */
static void test_cut_short_plays_what_is_there(void **state)
{
    (void)state;
    struct waiter *w = waiter_new();
    struct video *v = open_in_dir("cut-front.mp4", NULL, W, H, w);
    enum video_state s = opened(v, w);
    if (s == VIDEO_PLAYING) {
        const struct video_picture *p = frame_at(v, 60000, w);
        s = video_state(v);
        assert_true(s == VIDEO_DONE || s == VIDEO_FAILED);
        if (p)
            assert_true(p->pts_ms < 5000);
    }
    assert_true(video_done(v));
    video_close(v);
    waiter_free(w);
}

/* Closing at any moment: while opening, with a full queue, after the end; NULL. */
static void test_close_any_time(void **state)
{
    (void)state;
    char *path = in_dir("bars.mp4");
    struct video *v = video_open(path, NULL, W, H, NULL, NULL);
    video_close(v);
    struct waiter *w = waiter_new();
    v = open_in_dir("bars.mp4", NULL, W, H, w);
    assert_non_null(frame_at(v, 0, w)); /* the queue fills behind it */
    video_close(v);
    video_close(NULL);
    assert_null(video_frame_for(NULL, 0));
    assert_int_equal(video_state(NULL), VIDEO_FAILED);
    assert_string_equal(video_state_name(VIDEO_DONE), "done");
    assert_string_equal(video_state_name(VIDEO_STATE_COUNT), "unknown");
    waiter_free(w);
    free(path);
}

/* ---- sound ------------------------------------------------------------------------------ */

static const struct video_limits with_audio = {.audio = true};

#define TONE_FRAMES (VIDEO_AUDIO_RATE / 10) /* 100 ms of sound */

/* The loudest sample of n stereo frames; fails when left and right differ (mono is spread to
 * both). */
static int peak(const int16_t *s, size_t n)
{
    int top = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[2 * i] != s[2 * i + 1])
            fail_msg("left %d and right %d differ at frame %zu", s[2 * i], s[2 * i + 1], i);
        int a = abs(s[2 * i]);
        top = a > top ? a : top;
    }
    return top;
}

/* The tone's loudness at ms into the video, on each side: mono is the centre channel, which
 * goes to left and right at -3 dB (swresample's default centre mix level). */
static int tone_at(int64_t ms)
{
    ms = ms < 0 ? 0 : ms > 5000 ? 5000 : ms;
    return (int)(0.9 * 32767 * (double)ms / 5000 * 0.7071);
}

/* The sound follows the picture's clock: about 48000 frames a second of it, each 100 ms as
 * loud as the tone is at that moment, in stereo. */
static void test_audio_decoded(void **state)
{
    (void)state;
    struct waiter *w = waiter_new();
    struct video *v = open_in_dir("tone.mp4", &with_audio, W, H, w);
    assert_int_equal(opened(v, w), VIDEO_PLAYING);
    assert_true(video_has_audio(v));
    int16_t *buf = xmalloc(TONE_FRAMES * 2 * sizeof *buf);
    /* nothing is due before the first frame is asked for */
    assert_int_equal(video_audio_read(v, buf, TONE_FRAMES), 0);
    size_t total = 0;
    int steps = 0;
    for (int64_t t = 0; t <= 4000; t += 100, steps++) {
        assert_non_null(frame_at(v, t, w));
        size_t got = video_audio_read(v, buf, TONE_FRAMES);
        total += got;
        if (got < TONE_FRAMES / 2)
            continue; /* decoding was behind: the next round catches up */
        int top = peak(buf, got);
        int lo = tone_at(t - 150) * 9 / 10 - 300, hi = tone_at(t + 250) * 11 / 10 + 300;
        if (top < lo || top > hi)
            fail_msg("at %lld ms the sound peaks at %d, the tone is between %d and %d",
                     (long long)t, top, lo, hi);
    }
    print_message("sound: %zu frames for %d x 100 ms\n", total, steps);
    assert_true(total >= (size_t)steps * TONE_FRAMES * 9 / 10);
    assert_true(total <= (size_t)steps * TONE_FRAMES);
    /* The clock stands still: the sound stops a little ahead of it, it does not run on. */
    size_t ahead = 0;
    for (int i = 0; i < 20; i++)
        ahead += video_audio_read(v, buf, TONE_FRAMES);
    assert_true(ahead <= (size_t)TONE_FRAMES * 3);
    assert_int_equal(video_audio_read(v, buf, TONE_FRAMES), 0);
    assert_int_equal(peak(buf, TONE_FRAMES), 0);
    video_close(v);
    free(buf);
    waiter_free(w);
}

/* Reads 100 ms after each of a few frames; true when any of it was sound. The buffer is
 * checked to be silence where the answer says so. */
static bool any_sound(struct video *v, struct waiter *w)
{
    int16_t *buf = xmalloc(TONE_FRAMES * 2 * sizeof *buf);
    bool sound = false;
    for (int64_t t = 0; t <= 2000; t += 100) {
        (void)frame_at(v, t, w);
        memset(buf, 0x55, TONE_FRAMES * 2 * sizeof *buf);
        size_t got = video_audio_read(v, buf, TONE_FRAMES);
        sound = sound || got > 0;
        for (size_t i = got * 2; i < TONE_FRAMES * 2; i++)
            assert_int_equal(buf[i], 0);
    }
    free(buf);
    return sound;
}

/* Not asked for: no sound, even from a file that has it. */
static void test_audio_not_asked(void **state)
{
    (void)state;
    struct waiter *w = waiter_new();
    struct video *v = open_in_dir("tone.mp4", NULL, W, H, w);
    assert_int_equal(opened(v, w), VIDEO_PLAYING);
    assert_false(video_has_audio(v));
    assert_false(any_sound(v, w));
    video_close(v);
    /* nor from NULL */
    int16_t buf[8] = {1, 1, 1, 1, 1, 1, 1, 1};
    assert_int_equal(video_audio_read(NULL, buf, 4), 0);
    assert_int_equal(buf[7], 0);
    assert_false(video_has_audio(NULL));
    waiter_free(w);
}

/* Asked for, but the file has none: the picture plays, muted. */
static void test_audio_absent(void **state)
{
    (void)state;
    check_plays_in_order("bars.mp4", &with_audio);
    struct waiter *w = waiter_new();
    struct video *v = open_in_dir("bars.mp4", &with_audio, W, H, w);
    assert_int_equal(opened(v, w), VIDEO_PLAYING);
    assert_false(video_has_audio(v));
    assert_false(any_sound(v, w));
    video_close(v);
    waiter_free(w);
}

/* Garbled sound, or sound in a codec the screen does not play: the picture plays all the
 * same, in order and to its end. */
static void test_audio_broken(void **state)
{
    (void)state;
    check_plays_in_order("bad-sound.mp4", &with_audio);
    check_plays_in_order("pcm.mkv", &with_audio);
    struct waiter *w = waiter_new();
    struct video *v = open_in_dir("pcm.mkv", &with_audio, W, H, w);
    assert_int_equal(opened(v, w), VIDEO_PLAYING);
    assert_false(video_has_audio(v));
    assert_false(any_sound(v, w));
    video_close(v);
    waiter_free(w);
}

/* A replay starts the sound from the start too: what was buffered goes. */
static void test_audio_restart(void **state)
{
    (void)state;
    struct waiter *w = waiter_new();
    struct video *v = open_in_dir("tone.mp4", &with_audio, W, H, w);
    int16_t *buf = xmalloc(TONE_FRAMES * 2 * sizeof *buf);
    for (int64_t t = 0; t <= 3000; t += 500) {
        assert_non_null(frame_at(v, t, w));
        (void)video_audio_read(v, buf, TONE_FRAMES);
    }
    for (int round = 0; round < 2; round++) {
        video_restart(v);
        assert_int_equal(video_audio_read(v, buf, TONE_FRAMES), 0);
        assert_non_null(frame_at(v, 0, w));
        size_t got = 0;
        int top = 0;
        /* the first 300 ms, however decoding keeps up */
        for (int i = 0; i < 3; i++) {
            size_t n = video_audio_read(v, buf, TONE_FRAMES);
            got += n;
            int p = peak(buf, n);
            top = p > top ? p : top;
        }
        print_message("after a restart: %zu frames, peak %d\n", got, top);
        assert_true(got > 0);
        assert_true(top <= tone_at(500));
        assert_true(video_has_audio(v));
    }
    /* and to the end after the end */
    assert_non_null(frame_at(v, 7000, w));
    assert_int_equal(video_state(v), VIDEO_DONE);
    video_restart(v);
    assert_non_null(frame_at(v, 0, w));
    assert_true(video_audio_read(v, buf, TONE_FRAMES) > 0);
    video_close(v);
    free(buf);
    waiter_free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_probe),
        cmocka_unit_test(test_plugin_loads_and_unloads),
        cmocka_unit_test(test_h264_plays_in_order),
        cmocka_unit_test(test_vp9_plays_in_order),
        cmocka_unit_test(test_scaled_down),
        cmocka_unit_test(test_replay),
        cmocka_unit_test(test_poster),
        cmocka_unit_test(test_rotation),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_cut_short_plays_what_is_there),
        cmocka_unit_test(test_close_any_time),
        cmocka_unit_test(test_audio_decoded),
        cmocka_unit_test(test_audio_not_asked),
        cmocka_unit_test(test_audio_absent),
        cmocka_unit_test(test_audio_broken),
        cmocka_unit_test(test_audio_restart),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
