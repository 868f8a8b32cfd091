/* audio_sdl: plays the sound of a video (video_audio_read) on the default SDL audio device,
 * 48 kHz S16 stereo. The device is opened when sound is first wanted, not before: a screen
 * that stays muted never touches the audio subsystem, and SDL_INIT_AUDIO is this module's own
 * (SDL_InitSubSystem), so the picture never depends on it. Without a device (a Pi without
 * sound, SDL's dummy or no driver) play fails with one logged line and the screen goes on.
 *
 * Threads: every function is for the thread that owns the videos (the render thread). SDL's
 * audio callback runs on its own thread and reads the current video through
 * video_audio_read; audio_sdl_stop (or play with another video) returns only once the
 * callback has let go of the old one, so the video may be closed right after. */
#ifndef PRIKBORD_AUDIO_SDL_H
#define PRIKBORD_AUDIO_SDL_H

#include <stdbool.h>
#include <stdint.h>

struct video;
struct audio_sdl;

/* A player with no device open yet; never NULL. Free with audio_sdl_destroy. */
struct audio_sdl *audio_sdl_new(void);

/* Plays v's sound from now on (v opened with video_limits.audio), opening the device on the
 * first call; v replaces the video played before. v is borrowed: call audio_sdl_stop before
 * video_close(v). False when there is no audio device (logged once; later attempts are
 * logged at debug level) - the caller shows the video muted. */
bool audio_sdl_play(struct audio_sdl *a, struct video *v);

/* Silence: forgets the video (the callback no longer reads it once this returns) and pauses
 * the device, which stays open for the next play. NULL-safe; a no-op when not playing. */
void audio_sdl_stop(struct audio_sdl *a);

/* True while playing a video (between a successful play and stop). */
bool audio_sdl_playing(struct audio_sdl *a);

/* Stereo frames of a video's sound the device has been given so far (silence not counted):
 * for the log and the tests. Any thread. */
uint64_t audio_sdl_frames(struct audio_sdl *a);

/* Closes the device and the audio subsystem, frees a. NULL-safe. */
void audio_sdl_destroy(struct audio_sdl *a);

#endif
