#define LOG_MODULE "audio"
#include "audio_sdl.h"
#include "log.h"
#include "util.h"
#include "video.h"

#include <SDL.h>

#include <stdatomic.h>
#include <string.h>

/* About 21 ms a callback: short enough that a muted or replaced video goes quiet at once. */
#define DEVICE_SAMPLES 1024

struct audio_sdl {
    bool subsystem; /* SDL_InitSubSystem(SDL_INIT_AUDIO) succeeded and is ours to quit */
    SDL_AudioDeviceID dev;
    bool failed_once; /* the first failure is logged at warn, the ones after at debug */
    struct video *v;  /* changed with the device locked: the callback reads it */
    atomic_uint_fast64_t frames;
};

static void on_audio(void *ctx, Uint8 *stream, int len)
{
    struct audio_sdl *a = ctx;
    size_t frames = (size_t)len / (VIDEO_AUDIO_CHANNELS * sizeof(int16_t));
    /* The buffer is S16 stereo (nothing else was allowed when opening) and aligned by SDL. */
    size_t got = video_audio_read(a->v, (int16_t *)(void *)stream, frames);
    memset(stream + frames * VIDEO_AUDIO_CHANNELS * sizeof(int16_t), 0,
           (size_t)len - frames * VIDEO_AUDIO_CHANNELS * sizeof(int16_t));
    if (got)
        atomic_fetch_add(&a->frames, got);
}

struct audio_sdl *audio_sdl_new(void)
{
    struct audio_sdl *a = xcalloc(1, sizeof *a);
    atomic_init(&a->frames, 0);
    return a;
}

static void open_failed(struct audio_sdl *a, const char *what)
{
    if (!a->failed_once)
        log_warn("no sound: %s: %s", what, SDL_GetError());
    else
        log_debug("no sound: %s: %s", what, SDL_GetError());
    a->failed_once = true;
}

/* Opens the default device (paused); false when there is none. */
static bool open_device(struct audio_sdl *a)
{
    if (!a->subsystem) {
        if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
            open_failed(a, "cannot start SDL audio");
            return false;
        }
        a->subsystem = true;
    }
    SDL_AudioSpec want = {
        .freq = VIDEO_AUDIO_RATE,
        .format = AUDIO_S16SYS,
        .channels = VIDEO_AUDIO_CHANNELS,
        .samples = DEVICE_SAMPLES,
        .callback = on_audio,
        .userdata = a,
    };
    SDL_AudioSpec have;
    /* No changes allowed: SDL converts to whatever the device takes. */
    a->dev = SDL_OpenAudioDevice(NULL, 0, &want, &have, 0);
    if (a->dev == 0) {
        open_failed(a, "cannot open an audio device");
        /* Quit, so that a later try (a USB speaker plugged in) starts SDL audio afresh. */
        SDL_QuitSubSystem(SDL_INIT_AUDIO);
        a->subsystem = false;
        return false;
    }
    const char *driver = SDL_GetCurrentAudioDriver();
    log_info("sound through %s at %d Hz, %d channels", driver ? driver : "?", have.freq,
             have.channels);
    return true;
}

bool audio_sdl_play(struct audio_sdl *a, struct video *v)
{
    if (!a)
        return false;
    if (a->dev == 0 && !open_device(a))
        return false;
    SDL_LockAudioDevice(a->dev);
    a->v = v;
    SDL_UnlockAudioDevice(a->dev);
    SDL_PauseAudioDevice(a->dev, 0);
    return true;
}

void audio_sdl_stop(struct audio_sdl *a)
{
    if (!a || a->dev == 0)
        return;
    /* The lock waits for a callback in progress: after it, v is no longer read. */
    SDL_LockAudioDevice(a->dev);
    a->v = NULL;
    SDL_UnlockAudioDevice(a->dev);
    SDL_PauseAudioDevice(a->dev, 1);
}

bool audio_sdl_playing(struct audio_sdl *a)
{
    if (!a || a->dev == 0)
        return false;
    SDL_LockAudioDevice(a->dev);
    bool playing = a->v != NULL;
    SDL_UnlockAudioDevice(a->dev);
    return playing;
}

uint64_t audio_sdl_frames(struct audio_sdl *a)
{
    return a ? atomic_load(&a->frames) : 0;
}

void audio_sdl_destroy(struct audio_sdl *a)
{
    if (!a)
        return;
    if (a->dev != 0)
        SDL_CloseAudioDevice(a->dev); /* stops and joins the callback thread */
    if (a->subsystem)
        SDL_QuitSubSystem(SDL_INIT_AUDIO);
    free(a);
}
