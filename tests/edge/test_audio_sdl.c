/* audio_sdl: the sound of a video through SDL's dummy audio driver (which consumes sound at
 * the device's pace without a sound card), and a screen without any audio device. The video
 * is made here with Debian's ffmpeg: two seconds of a 440 Hz tone under a grey picture. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "audio_sdl.h"
#include "util.h"
#include "video.h"

#include <SDL.h>

#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static char dir[256];
static char *tone_path;

static int group_setup(void **state)
{
    (void)state;
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/prikbord-audio-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        return -1;
    tone_path = xasprintf("%s/tone.mp4", dir);
    const char *argv[] = {"ffmpeg",
                          "-nostdin",
                          "-v",
                          "error",
                          "-y",
                          "-f",
                          "lavfi",
                          "-i",
                          "color=c=gray:s=160x90:r=25:d=2",
                          "-f",
                          "lavfi",
                          "-i",
                          "sine=frequency=440:duration=2",
                          "-c:v",
                          "libx264",
                          "-preset",
                          "ultrafast",
                          "-c:a",
                          "aac",
                          tone_path,
                          NULL};
    pid_t pid;
    int err = posix_spawnp(&pid, "ffmpeg", NULL, NULL, (char *const *)argv, environ);
    if (err != 0) {
        fprintf(stderr, "cannot run ffmpeg (%s): install it with scripts/deps --test\n",
                strerror(err));
        return -1;
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    if (tone_path)
        unlink(tone_path);
    free(tone_path);
    if (dir[0])
        rmdir(dir);
    SDL_Quit();
    return 0;
}

/* Polls cond(v) for up to 20 s, keeping the video's clock at its start (the picture shows its
 * first frame, so its first 100 ms or so of sound are due). The dummy driver's thread is not
 * ours to wait on: it consumes in its own time. */
static bool within_20s(bool (*cond)(struct audio_sdl *a, struct video *v), struct audio_sdl *a,
                       struct video *v)
{
    Uint64 until = SDL_GetTicks64() + 20000;
    while (SDL_GetTicks64() < until) {
        (void)video_frame_for(v, 0);
        if (cond(a, v))
            return true;
        SDL_Delay(2);
    }
    return false;
}

static bool has_audio(struct audio_sdl *a, struct video *v)
{
    (void)a;
    return video_has_audio(v);
}

static bool heard(struct audio_sdl *a, struct video *v)
{
    (void)v;
    return audio_sdl_frames(a) > 0;
}

/* No audio driver at all: play says so (logged), nothing crashes, stop and destroy work. */
static void test_no_device(void **state)
{
    (void)state;
    setenv("SDL_AUDIODRIVER", "no-such-driver", 1);
    struct audio_sdl *a = audio_sdl_new();
    assert_false(audio_sdl_play(a, NULL));
    assert_false(audio_sdl_play(a, NULL)); /* tried again, logged at debug level */
    assert_false(audio_sdl_playing(a));
    audio_sdl_stop(a);
    assert_int_equal(audio_sdl_frames(a), 0);
    audio_sdl_destroy(a);
    audio_sdl_destroy(NULL);
    audio_sdl_stop(NULL);
    assert_false(audio_sdl_play(NULL, NULL));
    assert_int_equal(SDL_WasInit(SDL_INIT_AUDIO), 0);
}

/* The dummy device: opened on the first play, takes the video's sound, stops, switches
 * video, closes; the video may be closed as soon as stop returns. */
static void test_plays_with_dummy(void **state)
{
    (void)state;
    setenv("SDL_AUDIODRIVER", "dummy", 1);
    struct audio_sdl *a = audio_sdl_new();
    assert_int_equal(SDL_WasInit(SDL_INIT_AUDIO), 0); /* not before sound is wanted */
    struct video_limits lim = {.audio = true};
    struct video *v = video_open(tone_path, &lim, 160, 90, NULL, NULL);
    assert_true(within_20s(has_audio, a, v));
    assert_true(audio_sdl_play(a, v));
    assert_true(SDL_WasInit(SDL_INIT_AUDIO) != 0);
    assert_true(audio_sdl_playing(a));
    assert_true(within_20s(heard, a, v));
    uint64_t frames = audio_sdl_frames(a);
    print_message("the device took %llu frames of sound\n", (unsigned long long)frames);
    /* the clock stood at 0: no more than what is due around it */
    assert_true(frames <= (uint64_t)VIDEO_AUDIO_RATE / 2);
    audio_sdl_stop(a);
    assert_false(audio_sdl_playing(a));
    frames = audio_sdl_frames(a);
    video_close(v); /* safe: the callback has let go */

    /* the next video, on the device already open */
    v = video_open(tone_path, &lim, 160, 90, NULL, NULL);
    assert_true(within_20s(has_audio, a, v));
    assert_true(audio_sdl_play(a, v));
    assert_true(within_20s(heard, a, v));
    /* the one after replaces it without a stop in between */
    struct video *v2 = video_open(tone_path, &lim, 160, 90, NULL, NULL);
    assert_true(audio_sdl_play(a, v2));
    video_close(v);
    video_restart(v2);
    audio_sdl_stop(a);
    video_close(v2);
    assert_true(audio_sdl_frames(a) >= frames);
    audio_sdl_destroy(a);
    assert_int_equal(SDL_WasInit(SDL_INIT_AUDIO), 0);
}

/* Unmuted without a video (or with one that has no sound): silence, no crash. */
static void test_silence(void **state)
{
    (void)state;
    setenv("SDL_AUDIODRIVER", "dummy", 1);
    struct audio_sdl *a = audio_sdl_new();
    assert_true(audio_sdl_play(a, NULL));
    assert_false(audio_sdl_playing(a));
    struct video *v = video_open(tone_path, NULL, 160, 90, NULL, NULL); /* sound not asked */
    assert_true(audio_sdl_play(a, v));
    (void)video_frame_for(v, 0);
    audio_sdl_stop(a);
    video_close(v);
    assert_int_equal(audio_sdl_frames(a), 0);
    audio_sdl_destroy(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_device),
        cmocka_unit_test(test_plays_with_dummy),
        cmocka_unit_test(test_silence),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
