/* video: plays a local video file (an intro video from the cache) muted, the way ffplay pairs
 * FFmpeg with SDL, but with SDL left to the renderer: a worker thread demuxes and decodes
 * (libavformat, libavcodec), converts and scales down with libswscale to I420 (YUV 4:2:0
 * planar, SDL_PIXELFORMAT_IYUV) into a small bounded queue; the render thread takes the frame
 * due at its elapsed time and uploads it with SDL_UpdateYUVTexture. Sound is ignored unless
 * asked for (video_limits.audio): then the same thread also decodes the first audio stream
 * (libswresample: S16 stereo, 48 kHz) into a bounded buffer on the video's timeline, which an
 * audio callback drains with video_audio_read. No SDL here: audio_sdl.c plays it.
 *
 * Untrusted input: only mp4/mov and matroska/webm containers, read through the file protocol
 * only (a crafted file cannot make FFmpeg open a URL or another file), with H.264, HEVC, VP8,
 * VP9 or AV1 video. A file beyond the limits is refused with a reason; nothing an input does
 * crashes the program. FFmpeg's own messages go to the log at debug level only.
 *
 * Threads: video_probe and video_poster block (disk I/O and decoding: call them from a worker,
 * e.g. the fetch worker). video_open returns at once; the file is opened on the video's own
 * thread, so the render path never waits on the disk. A struct video is used by one thread
 * (the render thread) at a time. FFmpeg stays inside video.c. */
#ifndef PRIKBORD_VIDEO_H
#define PRIKBORD_VIDEO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What is refused. A zero field takes its value from VIDEO_DEFAULT_LIMITS. */
struct video_limits {
    /* Largest picture accepted, in either orientation: a video with more pixels than
     * max_w * max_h, or a longer side than the longer of the two, is refused (an 8K or 4K
     * video on a board that cannot decode it in time). Smaller ones are scaled down to the
     * area on screen while decoding, never refused for that. */
    int max_w, max_h;
    int64_t max_duration_ms; /* longer videos are refused */
    bool software_only;      /* video_open: skip the hardware (V4L2 mem2mem) decoder */
    /* video_open: also decode the first audio stream (AAC, MP3, Opus, Vorbis or FLAC) for
     * video_audio_read. Off: no audio decoder, no buffer, no work. A missing or broken sound
     * track is logged once and the video plays muted; the picture never depends on it. */
    bool audio;
};
/* clang-format off */
#define VIDEO_DEFAULT_LIMITS {.max_w = 1920, .max_h = 1080, .max_duration_ms = 600000}
/* clang-format on */

/* The colour matrix of a picture's YUV values (always limited range, 16-235): the renderer sets
 * SDL_SetYUVConversionMode(SDL_YUV_CONVERSION_BT601 or _BT709) before it creates the texture. */
enum video_colors { VIDEO_COLORS_BT601, VIDEO_COLORS_BT709, VIDEO_COLORS_COUNT };

/* One decoded frame in I420: planes[0] is Y (w x h), planes[1] U and planes[2] V (each
 * w/2 x h/2); w and h are even. pitches are the bytes per row of each plane. */
struct video_picture {
    int w, h;
    const uint8_t *planes[3];
    int pitches[3];
    int64_t pts_ms; /* when it is due, from the start of the video */
    enum video_colors colors;
};

/* What video_probe found. */
struct video_info {
    int width, height;   /* as shown (rotation and pixel aspect applied), before scaling */
    int64_t duration_ms; /* -1 when the container does not say */
    int rotation;        /* 0, 90, 180 or 270: clockwise turn applied to the coded picture */
    char codec[24];      /* "h264", "vp9", ... */
    char container[24];  /* FFmpeg's demuxer name, e.g. "mov" or "matroska" */
};

/* Opens path, checks container, codec and limits, and decodes its first frame (software) to
 * prove that it plays. True with *info filled; false with a one-line reason in err (e.g.
 * "7680x4320 is over the limit of 1920x1080 pixels", "no video stream", "codec mpeg2video is
 * not supported"). Does not log: the caller logs with the URL. lim NULL: the defaults. */
bool video_probe(const char *path, const struct video_limits *lim, struct video_info *info,
                 char *err, size_t errlen);

/* The first frame of path, scaled down to fit max_w x max_h (a poster for an item without a
 * photo), or NULL with a reason in err. The caller owns it (video_picture_free). */
struct video_picture *video_poster(const char *path, const struct video_limits *lim, int max_w,
                                   int max_h, char *err, size_t errlen);
/* Frees a picture from video_poster; NULL-safe. */
void video_picture_free(struct video_picture *p);

enum video_state {
    VIDEO_OPENING, /* the thread is opening the file; no frame yet */
    VIDEO_PLAYING, /* frames are being decoded or handed out */
    VIDEO_DONE,    /* the last frame has been handed out (it stays the current frame) */
    VIDEO_FAILED,  /* refused or undecodable (video_error says why; logged once) */
    VIDEO_STATE_COUNT
};

struct video;

/* Starts playing path into frames that fit max_w x max_h (the area on screen; a smaller video
 * is not scaled up), and returns at once; never NULL. Opening, the limit checks and decoding
 * happen on the video's thread (a refusal shows as VIDEO_FAILED, logged). The hardware decoder
 * (h264_v4l2m2m and the like) is tried first unless lim->software_only; the decoder used is
 * logged. notify(ctx), when not NULL, is called from that thread (keep it short and
 * thread-safe, e.g. platform_wake) when the state changes or a frame arrives in an empty
 * queue, so that the render loop can sleep until video_next_ms. path is copied. Close it with
 * video_close. */
struct video *video_open(const char *path, const struct video_limits *lim, int max_w, int max_h,
                         void (*notify)(void *ctx), void *ctx);

/* The newest frame due at elapsed_ms (time since playback started, by the caller's clock), or
 * NULL when none is due or ready yet (show the poster). Late frames are skipped, never queued
 * up. The picture is borrowed: valid until the next video_frame_for, video_restart or
 * video_close on v. Returns the same picture again while no newer one is due: compare pts_ms
 * to skip a redundant upload. */
const struct video_picture *video_frame_for(struct video *v, int64_t elapsed_ms);

/* When the next queued frame is due (its pts_ms), or -1 when none is queued (decoding is
 * behind, or the video is done): the render loop may sleep until then. */
int64_t video_next_ms(struct video *v);

/* Where playback stands; video_done is true for VIDEO_DONE and VIDEO_FAILED. */
enum video_state video_state(struct video *v);
bool video_done(struct video *v);

/* The video's length in ms once opened; -1 while opening, after a failure, or when the file
 * does not say. */
int64_t video_duration_ms(struct video *v);

/* The size of its frames once opened (0 x 0 before). */
void video_size(struct video *v, int *w, int *h);

/* Copies the reason for VIDEO_FAILED into buf ("" in any other state). */
void video_error(struct video *v, char *buf, size_t len);

/* The name of the decoder in use ("h264", "h264_v4l2m2m", ...) into buf, "" before it is open. */
void video_decoder(struct video *v, char *buf, size_t len);

/* Plays again from the start (replay, or the next appearance of the slide); the caller's
 * elapsed time starts again at 0. Works after VIDEO_DONE, also when the file has been deleted
 * from the cache meanwhile (the open file stays readable). No-op after VIDEO_FAILED. */
void video_restart(struct video *v);

/* The sound video_audio_read hands out: interleaved signed 16-bit stereo at this rate. */
#define VIDEO_AUDIO_RATE     48000
#define VIDEO_AUDIO_CHANNELS 2

/* True once v (opened with lim->audio) has a sound track that decodes; false while opening,
 * without one, after it broke, or when audio was not asked for. Any thread. */
bool video_has_audio(struct video *v);

/* Fills out with frames stereo frames (2 * frames int16_t) of the sound due now on the video's
 * timeline (the elapsed_ms of the last video_frame_for), and returns how many of them are
 * sound: the rest is silence (0 while nothing is due: before the first video_frame_for after
 * an open or restart, while decoding is behind, after the end, or without audio). Late sound
 * is skipped, never played late. Never blocks on decoding: safe from an audio callback thread,
 * at the same time as the render thread uses v, until video_close. NULL v: silence. */
size_t video_audio_read(struct video *v, int16_t *out, size_t frames);

/* Stops the thread (joins it), frees everything. NULL-safe. */
void video_close(struct video *v);

/* FFmpeg lives in a plugin (video_loader.c) that the first call needing it loads. It stays
 * while a video is open, a poster lives or a call runs; video_unload_idle() (the main loop, now
 * and then) closes it once it has been idle for 30 s, video_unload() at exit whatever the time.
 * video_preload() loads it ahead (false: videos are off, logged), so that the slide that plays
 * a video does not wait for it. */
void video_unload_idle(void);
void video_unload(void);
bool video_preload(void);
bool video_loaded(void); /* whether the plugin is loaded now */

/* Static lower-case name of a state ("opening", ...); "unknown" when out of range. */
const char *video_state_name(enum video_state s);

#endif
