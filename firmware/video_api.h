/* video_api: between the program and its video plugin (prikbord-video.so). video.c, built
 * into the plugin with FFmpeg, fills a table of its functions; video_loader.c, built into the
 * program, loads the plugin when a video is first needed, forwards video.h's functions to the
 * table, and unloads it again (and FFmpeg with it: about 15 MB) once no video, poster or call
 * has used it for a while. Only these names cross the boundary; everything else in the plugin
 * is hidden, so its own calls never land on the program's forwarding functions. */
#ifndef PRIKBORD_VIDEO_API_H
#define PRIKBORD_VIDEO_API_H

#include "video.h"

#define VIDEO_API_VERSION 1
#define VIDEO_API_SYMBOL  "prikbord_video_api"

struct video_api {
    int version; /* VIDEO_API_VERSION */
    size_t size; /* sizeof(struct video_api) */
    bool (*probe)(const char *path, const struct video_limits *lim, struct video_info *info,
                  char *err, size_t errlen);
    struct video_picture *(*poster)(const char *path, const struct video_limits *lim, int max_w,
                                    int max_h, char *err, size_t errlen);
    void (*picture_free)(struct video_picture *p);
    struct video *(*open)(const char *path, const struct video_limits *lim, int max_w, int max_h,
                          void (*notify)(void *ctx), void *ctx);
    const struct video_picture *(*frame_for)(struct video *v, int64_t elapsed_ms);
    int64_t (*next_ms)(struct video *v);
    enum video_state (*state)(struct video *v);
    bool (*done)(struct video *v);
    int64_t (*duration_ms)(struct video *v);
    void (*size_of)(struct video *v, int *w, int *h);
    void (*error)(struct video *v, char *buf, size_t len);
    void (*decoder)(struct video *v, char *buf, size_t len);
    void (*restart)(struct video *v);
    bool (*has_audio)(struct video *v);
    size_t (*audio_read)(struct video *v, int16_t *out, size_t frames);
    void (*close)(struct video *v);
};

/* The plugin's one exported function. */
typedef const struct video_api *(*video_api_fn)(void);

/* From the program, for the plugin: logs which decoder a video uses, at info the first time a
 * decoder is used in this run and at debug after that (the plugin forgets when unloaded). */
void video_log_decoder_use(const char *name, const char *why);

#endif
