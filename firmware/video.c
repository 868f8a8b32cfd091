#define LOG_MODULE "video"
#include "video.h"
#include "video_api.h"
#include "log.h"
#include "util.h"

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/display.h>
#include <libavutil/pixdesc.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Three frames queued ahead plus the one on screen: enough to ride out a slow frame, and the
 * memory stays at four pictures of the area on screen whatever the file is. */
#define SLOTS 4
/* Consecutive packets or frames that fail to decode before the file counts as undecodable. */
#define MAX_BAD 48
/* When decoding falls behind, late frames are not converted, but at least one per this much
 * video time is, so a slow board still shows motion instead of a frozen first frame. */
#define MIN_SHOWN_GAP_MS    100
#define MAX_DECODER_THREADS 4

/* The containers intro videos come in. FFmpeg matches the demuxer's own name list
 * ("mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm") against this one. */
#define FORMAT_WHITELIST "mov,mp4,matroska,webm"

static const enum AVCodecID allowed_codecs[] = {
    AV_CODEC_ID_H264, AV_CODEC_ID_HEVC, AV_CODEC_ID_VP8, AV_CODEC_ID_VP9, AV_CODEC_ID_AV1,
};

/* The sound of phone and camera videos (mp4: AAC; webm: Opus or Vorbis), and the two common
 * others. Anything else plays muted: every decoder is code a crafted file can reach. */
static const enum AVCodecID allowed_audio_codecs[] = {
    AV_CODEC_ID_AAC, AV_CODEC_ID_MP3, AV_CODEC_ID_OPUS, AV_CODEC_ID_VORBIS, AV_CODEC_ID_FLAC,
};
/* Consecutive sound packets or frames that fail before the video goes on muted. */
#define MAX_BAD_AUDIO 16
/* Sound positions are counted in samples at VIDEO_AUDIO_RATE from the video's start. */
#define AUDIO_MS(ms) ((int64_t)(ms) * (VIDEO_AUDIO_RATE / 1000))
/* The sound buffer holds at least this much, and more for a video with few frames per second
 * (decoding runs a few frames ahead of the screen, the sound with it). */
#define AUDIO_BUFFER_MS     1000
#define AUDIO_BUFFER_MAX_MS 4000
/* Sound this far behind the picture's clock is skipped; sound may run ahead of the clock
 * (which moves once per frame shown) by a frame interval plus this before it waits. */
#define AUDIO_SLACK_MS 100
/* Farther out than any real video: timestamps beyond are treated as missing. */
#define MAX_AUDIO_POS ((int64_t)1 << 40)

/* ---- FFmpeg's own log ----------------------------------------------------------------- */

/* FFmpeg writes to stderr by default, several lines per broken file. Its warnings and errors
 * reach our log at debug level (one line each, control bytes from file metadata masked); our
 * own one-line reasons are what an operator sees. */
static void on_av_log(void *avcl, int level, const char *fmt, va_list vl)
{
    if (level > AV_LOG_WARNING || log_get_level() > LOG_DEBUG)
        return;
    char line[400];
    int prefix = 1;
    av_log_format_line2(avcl, level, fmt, vl, line, sizeof line, &prefix);
    size_t n = strlen(line);
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
            line[i] = '?';
    }
    if (n > 0)
        log_debug("ffmpeg: %s", line);
}

static pthread_once_t av_once = PTHREAD_ONCE_INIT;

static void av_setup(void)
{
    av_log_set_callback(on_av_log);
}

/* ---- pictures ------------------------------------------------------------------------- */

/* An I420 picture in one aligned allocation (rows padded to 64 bytes for swscale's SIMD). */
struct picture {
    struct video_picture pic; /* first: video_picture_free casts back */
    uint8_t *buf;
};

static int align64(int n)
{
    return (n + 63) & ~63;
}

static bool picture_alloc(struct picture *p, int w, int h)
{
    int py = align64(w), pc = align64(w / 2);
    size_t ysize = (size_t)py * (size_t)h, csize = (size_t)pc * (size_t)(h / 2);
    p->buf = av_malloc(ysize + 2 * csize);
    if (!p->buf)
        return false;
    p->pic = (struct video_picture){
        .w = w,
        .h = h,
        .planes = {p->buf, p->buf + ysize, p->buf + ysize + csize},
        .pitches = {py, pc, pc},
    };
    return true;
}

static void picture_release(struct picture *p)
{
    av_freep(&p->buf);
}

void video_picture_free(struct video_picture *p)
{
    if (!p)
        return;
    struct picture *pp = (struct picture *)p;
    picture_release(pp);
    free(pp);
}

/* Turns one plane (sw x sh) clockwise by rot degrees into dst. */
static void rotate_plane(const uint8_t *src, int sp, int sw, int sh, uint8_t *dst, int dp, int rot)
{
    int dw = rot == 180 ? sw : sh, dh = rot == 180 ? sh : sw;
    for (int y = 0; y < dh; y++) {
        uint8_t *row = dst + (size_t)y * (size_t)dp;
        for (int x = 0; x < dw; x++) {
            int sy, sx;
            if (rot == 90) {
                sy = sh - 1 - x;
                sx = y;
            } else if (rot == 180) {
                sy = sh - 1 - y;
                sx = sw - 1 - x;
            } else {
                sy = x;
                sx = sw - 1 - y;
            }
            row[x] = src[(size_t)sy * (size_t)sp + (size_t)sx];
        }
    }
}

/* ---- the decoder: one open file, its video stream and the conversion ------------------- */

struct decoder {
    AVFormatContext *fmt;
    AVCodecContext *codec;
    AVPacket *pkt;
    AVFrame *frame, *sw_frame;
    struct SwsContext *sws;
    struct picture turned; /* the scaled picture before rotation (rotated videos only) */
    int stream;
    const AVCodec *sw_codec; /* the software decoder, for a fall back from the hardware one */
    bool hw;                 /* the hardware decoder is in use */
    int threads;
    int64_t max_pixels;
    struct video_info info;
    int out_w, out_h; /* the frames handed out, after scaling and rotation */
    int64_t start_ts; /* timestamp of the first frame, in stream units */
    int64_t last_ms;  /* pts of the previous frame; frames never go back in time */
    int64_t frame_ms; /* the nominal frame interval, for frames without a timestamp */
    bool draining;    /* the input is read to its end; the decoder is being emptied */
    bool truncated;   /* reading stopped on an error, not at the end of the file */
    unsigned frames;  /* decoded since the last rewind */
    int bad;          /* consecutive decode errors */
    const atomic_bool *abort;

    /* sound, after decoder_open_audio only (acodec NULL otherwise) */
    AVCodecContext *acodec;
    AVFrame *aframe;
    struct SwrContext *swr;
    AVChannelLayout a_layout; /* what swr was set up for */
    int a_format, a_rate;
    int astream;
    int64_t a_ref;  /* the video's start time, in samples */
    int64_t a_next; /* where the next sound continues, in samples; AV_NOPTS_VALUE: unknown */
    int abad;       /* consecutive sound errors */
    int16_t *abuf;  /* converted sound, abuf_frames stereo frames */
    int abuf_frames;
    /* where converted sound goes, and who hears that it broke (once; acodec is NULL after) */
    void (*on_audio)(void *ctx, const int16_t *s, size_t frames, int64_t pos);
    void (*on_audio_off)(void *ctx, const char *why);
    void *audio_ctx;
};

static int on_interrupt(void *ctx)
{
    const atomic_bool *abort = ctx;
    return abort && atomic_load(abort);
}

static bool fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return false;
}

static void decoder_close_audio(struct decoder *d)
{
    swr_free(&d->swr);
    av_channel_layout_uninit(&d->a_layout);
    av_frame_free(&d->aframe);
    avcodec_free_context(&d->acodec);
    free(d->abuf);
    d->abuf = NULL;
    d->abuf_frames = 0;
    d->astream = -1;
}

static void decoder_close(struct decoder *d)
{
    decoder_close_audio(d);
    sws_freeContext(d->sws);
    av_frame_free(&d->frame);
    av_frame_free(&d->sw_frame);
    av_packet_free(&d->pkt);
    avcodec_free_context(&d->codec);
    avformat_close_input(&d->fmt);
    picture_release(&d->turned);
    memset(d, 0, sizeof *d);
}

/* The clockwise turn the display matrix asks for, rounded to a multiple of 90 (as ffplay). */
static int stream_rotation(const AVStream *st)
{
    const int32_t *matrix = NULL;
#if LIBAVFORMAT_VERSION_INT >= AV_VERSION_INT(60, 15, 100)
    const AVPacketSideData *sd = av_packet_side_data_get(
        st->codecpar->coded_side_data, st->codecpar->nb_coded_side_data, AV_PKT_DATA_DISPLAYMATRIX);
    if (sd && sd->size >= 9 * sizeof(int32_t))
        matrix = (const int32_t *)sd->data;
#else
    size_t size = 0;
    const uint8_t *sd = av_stream_get_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, &size);
    if (sd && size >= 9 * sizeof(int32_t))
        matrix = (const int32_t *)sd;
#endif
    if (!matrix)
        return 0;
    double theta = -round(av_display_rotation_get(matrix));
    if (isnan(theta))
        return 0;
    theta -= 360 * floor(theta / 360 + 0.9 / 360);
    int rot = (int)(round(theta / 90)) * 90 % 360;
    return rot < 0 ? rot + 360 : rot;
}

static bool open_codec(struct decoder *d, const AVCodec *dec, char *err, size_t errlen)
{
    const AVStream *st = d->fmt->streams[d->stream];
    avcodec_free_context(&d->codec);
    d->codec = avcodec_alloc_context3(dec);
    if (!d->codec)
        return fail(err, errlen, "out of memory for the decoder");
    int rc = avcodec_parameters_to_context(d->codec, st->codecpar);
    if (rc >= 0) {
        d->codec->pkt_timebase = st->time_base;
        d->codec->thread_count = d->threads;
        /* A stream may change size after its header: the decoder refuses pictures beyond the
         * limit itself. The margin covers decoders that check a row-aligned width. */
        d->codec->max_pixels = d->max_pixels + d->max_pixels / 8;
        rc = avcodec_open2(d->codec, dec, NULL);
    }
    if (rc < 0) {
        avcodec_free_context(&d->codec);
        return fail(err, errlen, "cannot open the %s decoder: %s", dec->name, av_err2str(rc));
    }
    return true;
}

/* Fits w x h into max_w x max_h (never larger), even sides of at least 2. */
static void fit(int w, int h, int max_w, int max_h, int *ow, int *oh)
{
    double s = 1.0;
    if (max_w > 0 && w > max_w)
        s = (double)max_w / w;
    if (max_h > 0 && h * s > max_h)
        s = (double)max_h / h;
    int fw = (int)(w * s), fh = (int)(h * s);
    fw &= ~1;
    fh &= ~1;
    *ow = fw < 2 ? 2 : fw;
    *oh = fh < 2 ? 2 : fh;
}

static bool codec_allowed(enum AVCodecID id)
{
    for (size_t i = 0; i < ARRAY_LEN(allowed_codecs); i++) {
        if (allowed_codecs[i] == id)
            return true;
    }
    return false;
}

/* Opens path and checks it against lim; the frames will fit max_w x max_h (0: the source
 * size). hw: try the V4L2 mem2mem decoder first. threads: the decoder's (0: the board's). */
static bool decoder_open(struct decoder *d, const char *path, const struct video_limits *lim,
                         bool hw, int max_w, int max_h, int threads, const atomic_bool *abort,
                         char *err, size_t errlen)
{
    struct video_limits dl = VIDEO_DEFAULT_LIMITS;
    struct video_limits l = lim ? *lim : dl;
    if (l.max_w <= 0)
        l.max_w = dl.max_w;
    if (l.max_h <= 0)
        l.max_h = dl.max_h;
    if (l.max_duration_ms <= 0)
        l.max_duration_ms = dl.max_duration_ms;
    memset(d, 0, sizeof *d);
    d->astream = -1;
    d->abort = abort;
    d->threads = threads;
    d->max_pixels = (int64_t)l.max_w * l.max_h;
    d->start_ts = AV_NOPTS_VALUE;
    pthread_once(&av_once, av_setup);

    AVDictionary *opts = NULL;
    char *url = NULL;
    bool ok = false;
    int rc;
    if (!path || !*path) {
        fail(err, errlen, "no file");
        goto out;
    }
    d->fmt = avformat_alloc_context();
    if (!d->fmt) {
        fail(err, errlen, "out of memory for the demuxer");
        goto out;
    }
    d->fmt->interrupt_callback = (AVIOInterruptCB){on_interrupt, (void *)abort};
    /* The file protocol only: a crafted file (a playlist, a reference movie) cannot make
     * FFmpeg open a URL or another file. "file:" also keeps a ':' in the path from being
     * read as a protocol name. */
    av_dict_set(&opts, "protocol_whitelist", "file", 0);
    av_dict_set(&opts, "format_whitelist", FORMAT_WHITELIST, 0);
    url = xasprintf("file:%s", path);
    rc = avformat_open_input(&d->fmt, url, NULL, &opts);
    if (rc < 0) {
        /* avformat_open_input freed the context */
        /* EINVAL: FFmpeg recognised the file as a format off the whitelist. */
        fail(err, errlen, "not a video this screen can read (%s)",
             rc == AVERROR_INVALIDDATA ? "unknown or damaged file"
             : rc == AVERROR(EINVAL)   ? "not an MP4, MOV, MKV or WebM file"
                                       : av_err2str(rc));
        goto out;
    }
    snprintf(d->info.container, sizeof d->info.container, "%.*s",
             (int)strcspn(d->fmt->iformat->name, ","), d->fmt->iformat->name);
    /* Reading the stream information decodes a little: the limit holds there too, so that
     * an 8K file is refused without an 8K picture ever being allocated. */
    unsigned n_streams = d->fmt->nb_streams; /* the demuxer may add streams meanwhile */
    AVDictionary **stream_opts = av_calloc(n_streams ? n_streams : 1, sizeof *stream_opts);
    for (unsigned i = 0; stream_opts && i < n_streams; i++)
        av_dict_set_int(&stream_opts[i], "max_pixels", d->max_pixels + d->max_pixels / 8, 0);
    rc = avformat_find_stream_info(d->fmt, stream_opts);
    for (unsigned i = 0; stream_opts && i < n_streams; i++)
        av_dict_free(&stream_opts[i]);
    av_freep(&stream_opts);
    if (rc < 0) {
        fail(err, errlen, "cannot read the streams of the %s file: %s", d->info.container,
             av_err2str(rc));
        goto out;
    }
    d->stream = av_find_best_stream(d->fmt, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
    if (d->stream < 0 || (d->fmt->streams[d->stream]->disposition & AV_DISPOSITION_ATTACHED_PIC)) {
        fail(err, errlen, "no video stream in the %s file", d->info.container);
        goto out;
    }
    AVStream *st = d->fmt->streams[d->stream];
    const AVCodecParameters *par = st->codecpar;
    snprintf(d->info.codec, sizeof d->info.codec, "%s", avcodec_get_name(par->codec_id));
    if (!codec_allowed(par->codec_id)) {
        fail(err, errlen, "codec %s is not supported (H.264, HEVC, VP8, VP9 or AV1 are)",
             d->info.codec);
        goto out;
    }
    int w = par->width, h = par->height;
    if (w <= 0 || h <= 0) {
        fail(err, errlen, "the %s stream has no picture size", d->info.codec);
        goto out;
    }
    int long_side = l.max_w > l.max_h ? l.max_w : l.max_h;
    if ((int64_t)w * h > d->max_pixels || w > long_side || h > long_side) {
        fail(err, errlen, "%dx%d is over the limit of %dx%d pixels", w, h, l.max_w, l.max_h);
        goto out;
    }
    int64_t duration = -1;
    if (d->fmt->duration != AV_NOPTS_VALUE && d->fmt->duration > 0)
        duration = d->fmt->duration / (AV_TIME_BASE / 1000);
    else if (st->duration != AV_NOPTS_VALUE && st->duration > 0)
        duration = av_rescale_q(st->duration, st->time_base, (AVRational){1, 1000});
    if (duration > l.max_duration_ms) {
        fail(err, errlen, "%.1f s is over the limit of %.0f s", (double)duration / 1000,
             (double)l.max_duration_ms / 1000);
        goto out;
    }
    d->info.duration_ms = duration;
    d->info.rotation = stream_rotation(st);
    /* The picture as shown: square pixels, then turned. */
    AVRational sar = av_guess_sample_aspect_ratio(d->fmt, st, NULL);
    int shown_w = w, shown_h = h;
    if (sar.num > 0 && sar.den > 0 && sar.num != sar.den) {
        double sw = (double)w * sar.num / sar.den;
        if (sw >= 2 && sw <= 4.0 * w)
            shown_w = (int)lround(sw);
    }
    if (d->info.rotation == 90 || d->info.rotation == 270) {
        int t = shown_w;
        shown_w = shown_h;
        shown_h = t;
    }
    d->info.width = shown_w;
    d->info.height = shown_h;
    fit(shown_w, shown_h, max_w > 0 ? max_w : shown_w, max_h > 0 ? max_h : shown_h, &d->out_w,
        &d->out_h);
    AVRational rate = av_guess_frame_rate(d->fmt, st, NULL);
    d->frame_ms = rate.num > 0 && rate.den > 0 ? av_rescale(1000, rate.den, rate.num) : 40;
    if (d->frame_ms <= 0 || d->frame_ms > 1000)
        d->frame_ms = 40;

    d->sw_codec = avcodec_find_decoder(par->codec_id);
    char why[300] = "";
    if (hw) {
        /* Raspberry Pi OS and Debian build FFmpeg with the V4L2 memory-to-memory decoders
         * (h264_v4l2m2m, ...); opening one fails quickly where the board has no such device. */
        char name[48];
        snprintf(name, sizeof name, "%s_v4l2m2m", d->info.codec);
        const AVCodec *dec = avcodec_find_decoder_by_name(name);
        char herr[200];
        if (dec && open_codec(d, dec, herr, sizeof herr))
            d->hw = true;
        else if (dec)
            snprintf(why, sizeof why, " (%s)", herr);
    }
    if (!d->hw) {
        if (!d->sw_codec) {
            fail(err, errlen, "this FFmpeg has no decoder for %s", d->info.codec);
            goto out;
        }
        if (!open_codec(d, d->sw_codec, err, errlen))
            goto out;
    }
    if (hw)
        video_log_decoder_use(d->codec->codec->name, why);
    d->pkt = av_packet_alloc();
    d->frame = av_frame_alloc();
    d->sw_frame = av_frame_alloc();
    if (!d->pkt || !d->frame || !d->sw_frame) {
        fail(err, errlen, "out of memory for the decoder");
        goto out;
    }
    ok = true;
out:
    av_dict_free(&opts);
    free(url);
    if (!ok)
        decoder_close(d);
    return ok;
}

/* ---- sound ------------------------------------------------------------------------------ */

static bool audio_codec_allowed(enum AVCodecID id)
{
    for (size_t i = 0; i < ARRAY_LEN(allowed_audio_codecs); i++) {
        if (allowed_audio_codecs[i] == id)
            return true;
    }
    return false;
}

/* Opens the first audio stream of an open decoder for decoder_next to decode alongside the
 * picture; false with a reason in err (the video then plays without it). */
static bool decoder_open_audio(struct decoder *d, char *err, size_t errlen)
{
    bool ok = false;
    int s = av_find_best_stream(d->fmt, AVMEDIA_TYPE_AUDIO, -1, d->stream, NULL, 0);
    if (s < 0) {
        fail(err, errlen, "no sound track");
        goto out;
    }
    const AVStream *st = d->fmt->streams[s];
    const AVCodecParameters *par = st->codecpar;
    const char *name = avcodec_get_name(par->codec_id);
    const AVCodec *dec = avcodec_find_decoder(par->codec_id);
    if (!audio_codec_allowed(par->codec_id) || !dec) {
        fail(err, errlen, "sound codec %s is not supported", name);
        goto out;
    }
    if (par->ch_layout.nb_channels < 1 || par->ch_layout.nb_channels > 8 ||
        par->sample_rate < 1000 || par->sample_rate > 384000) {
        fail(err, errlen, "%s sound with %d channels at %d Hz is not supported", name,
             par->ch_layout.nb_channels, par->sample_rate);
        goto out;
    }
    d->acodec = avcodec_alloc_context3(dec);
    d->aframe = av_frame_alloc();
    if (!d->acodec || !d->aframe) {
        fail(err, errlen, "out of memory for the sound decoder");
        goto out;
    }
    int rc = avcodec_parameters_to_context(d->acodec, par);
    if (rc >= 0) {
        d->acodec->pkt_timebase = st->time_base;
        d->acodec->thread_count = 1;
        rc = avcodec_open2(d->acodec, dec, NULL);
    }
    if (rc < 0) {
        fail(err, errlen, "cannot open the %s sound decoder: %s", name, av_err2str(rc));
        goto out;
    }
    const AVStream *vs = d->fmt->streams[d->stream];
    d->a_ref = 0;
    if (vs->start_time != AV_NOPTS_VALUE) {
        int64_t ref =
            av_rescale_q(vs->start_time, vs->time_base, (AVRational){1, VIDEO_AUDIO_RATE});
        if (ref > -MAX_AUDIO_POS && ref < MAX_AUDIO_POS)
            d->a_ref = ref;
    }
    d->astream = s;
    d->a_next = AV_NOPTS_VALUE;
    ok = true;
out:
    if (!ok)
        decoder_close_audio(d);
    return ok;
}

/* The sound stops for the rest of this video (logged by the owner, once). */
static void decoder_audio_off(struct decoder *d, const char *why)
{
    decoder_close_audio(d);
    if (d->on_audio_off)
        d->on_audio_off(d->audio_ctx, why);
}

/* Converts d->aframe to S16 stereo at VIDEO_AUDIO_RATE and hands it on with its position. */
static bool decoder_audio_convert(struct decoder *d, char *err, size_t errlen)
{
    AVFrame *f = d->aframe;
    if (f->nb_samples <= 0)
        return true;
    if (f->sample_rate < 1000 || f->sample_rate > 384000 || f->ch_layout.nb_channels < 1 ||
        f->ch_layout.nb_channels > 8)
        return fail(err, errlen, "sound with %d channels at %d Hz is not supported",
                    f->ch_layout.nb_channels, f->sample_rate);
    AVChannelLayout in;
    int rc = f->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC
                 ? (av_channel_layout_default(&in, f->ch_layout.nb_channels), 0)
                 : av_channel_layout_copy(&in, &f->ch_layout);
    if (rc < 0)
        return fail(err, errlen, "out of memory for the sound");
    if (!d->swr || f->format != d->a_format || f->sample_rate != d->a_rate ||
        av_channel_layout_compare(&in, &d->a_layout) != 0) {
        /* The first frame, or the stream changed its format midway. */
        swr_free(&d->swr);
        av_channel_layout_uninit(&d->a_layout);
        AVChannelLayout stereo = AV_CHANNEL_LAYOUT_STEREO;
        rc = swr_alloc_set_opts2(&d->swr, &stereo, AV_SAMPLE_FMT_S16, VIDEO_AUDIO_RATE, &in,
                                 f->format, f->sample_rate, 0, NULL);
        if (rc >= 0)
            rc = swr_init(d->swr);
        if (rc < 0) {
            av_channel_layout_uninit(&in);
            swr_free(&d->swr);
            return fail(err, errlen, "cannot convert %s sound at %d Hz: %s",
                        av_get_sample_fmt_name(f->format) ? av_get_sample_fmt_name(f->format)
                                                          : "(none)",
                        f->sample_rate, av_err2str(rc));
        }
        d->a_layout = in; /* moved */
        d->a_format = f->format;
        d->a_rate = f->sample_rate;
    } else {
        av_channel_layout_uninit(&in);
    }
    int cap = swr_get_out_samples(d->swr, f->nb_samples);
    if (cap < 0 || cap > 4 * VIDEO_AUDIO_RATE)
        return fail(err, errlen, "a sound frame of %d samples is too long", f->nb_samples);
    if (cap > d->abuf_frames) {
        d->abuf = xrealloc(d->abuf, (size_t)cap * VIDEO_AUDIO_CHANNELS * sizeof *d->abuf);
        d->abuf_frames = cap;
    }
    /* Where it belongs: its timestamp, unless that only jitters around the end of the sound
     * before it (then the sound stays gapless). */
    int64_t pos = d->a_next, ts = f->best_effort_timestamp;
    if (ts != AV_NOPTS_VALUE) {
        AVRational tb = d->fmt->streams[d->astream]->time_base;
        int64_t at = av_rescale_q(ts, tb, (AVRational){1, VIDEO_AUDIO_RATE});
        if (at > -MAX_AUDIO_POS && at < MAX_AUDIO_POS) {
            at -= d->a_ref;
            if (pos == AV_NOPTS_VALUE || llabs(at - pos) > AUDIO_MS(40))
                pos = at;
        }
    }
    if (pos == AV_NOPTS_VALUE)
        pos = 0;
    uint8_t *outp[1] = {(uint8_t *)d->abuf};
    int n = swr_convert(d->swr, outp, cap, (const uint8_t **)f->extended_data, f->nb_samples);
    if (n < 0)
        return fail(err, errlen, "cannot convert the sound: %s", av_err2str(n));
    if (n > 0 && d->on_audio)
        d->on_audio(d->audio_ctx, d->abuf, (size_t)n, pos);
    d->a_next = pos + n;
    return true;
}

/* A sound error: the sound goes off after too many in a row. */
static void decoder_audio_error(struct decoder *d, int rc)
{
    if (++d->abad < MAX_BAD_AUDIO)
        return;
    char why[200];
    snprintf(why, sizeof why, "the %s sound cannot be decoded: %s", d->acodec->codec->name,
             av_err2str(rc));
    decoder_audio_off(d, why);
}

/* Decodes one sound packet (NULL: the end, empties the decoder) into d->on_audio. */
static void decoder_audio_packet(struct decoder *d, const AVPacket *pkt)
{
    int rc = avcodec_send_packet(d->acodec, pkt);
    if (rc < 0 && rc != AVERROR(EAGAIN) && rc != AVERROR_EOF) {
        decoder_audio_error(d, rc);
        return;
    }
    while (d->acodec) {
        rc = avcodec_receive_frame(d->acodec, d->aframe);
        if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF)
            return;
        if (rc < 0) {
            /* the next packet tries again: a decoder that keeps failing here would spin */
            decoder_audio_error(d, rc);
            return;
        }
        d->abad = 0;
        char err[200];
        bool ok = decoder_audio_convert(d, err, sizeof err);
        if (d->aframe)
            av_frame_unref(d->aframe);
        if (!ok)
            decoder_audio_off(d, err);
    }
}

/* Back to the first frame: a seek on the open file, so a replay works even after the cache
 * deleted the file. */
static bool decoder_rewind(struct decoder *d, char *err, size_t errlen)
{
    const AVStream *st = d->fmt->streams[d->stream];
    int64_t to = st->start_time != AV_NOPTS_VALUE ? st->start_time : 0;
    int rc = av_seek_frame(d->fmt, d->stream, to, AVSEEK_FLAG_BACKWARD);
    if (rc < 0)
        rc = avformat_seek_file(d->fmt, d->stream, INT64_MIN, to, INT64_MAX, 0);
    if (rc < 0)
        return fail(err, errlen, "cannot go back to the start: %s", av_err2str(rc));
    avcodec_flush_buffers(d->codec);
    if (d->acodec) {
        avcodec_flush_buffers(d->acodec);
        swr_free(&d->swr); /* drops the samples it holds; set up again on the next frame */
        av_channel_layout_uninit(&d->a_layout);
        d->a_next = AV_NOPTS_VALUE;
        d->abad = 0;
    }
    d->draining = false;
    d->frames = 0;
    d->bad = 0;
    d->last_ms = 0;
    return true;
}

/* The hardware decoder gave errors before its first frame: start over in software. */
static bool fall_back_to_software(struct decoder *d, const char *reason, char *err, size_t errlen)
{
    char why[300];
    snprintf(why, sizeof why, " (%s failed: %s)", d->codec->codec->name, reason);
    d->hw = false;
    if (!d->sw_codec)
        return fail(err, errlen, "this FFmpeg has no software decoder for %s", d->info.codec);
    if (!open_codec(d, d->sw_codec, err, errlen))
        return false;
    video_log_decoder_use(d->codec->codec->name, why);
    return decoder_rewind(d, err, errlen);
}

/* Counts a decode error; false (err set) when there were too many in a row. */
static bool decode_error(struct decoder *d, int rc, char *err, size_t errlen)
{
    if (d->hw && d->frames == 0)
        return fall_back_to_software(d, av_err2str(rc), err, errlen);
    if (++d->bad < MAX_BAD)
        return true;
    return fail(err, errlen, "the %s stream cannot be decoded: %s", d->info.codec, av_err2str(rc));
}

/* The next frame into d->frame: 1, or 0 at the end, or -1 with err set. */
static int decoder_next(struct decoder *d, char *err, size_t errlen)
{
    for (;;) {
        if (d->abort && atomic_load(d->abort)) {
            fail(err, errlen, "stopped");
            return -1;
        }
        int rc = avcodec_receive_frame(d->codec, d->frame);
        if (rc == 0) {
            d->bad = 0;
            d->frames++;
            return 1;
        }
        if (rc == AVERROR_EOF)
            return 0;
        if (rc != AVERROR(EAGAIN)) {
            if (!decode_error(d, rc, err, errlen))
                return -1;
            continue;
        }
        if (d->draining)
            return 0; /* a decoder that asks for input after the end: nothing more comes */
        rc = av_read_frame(d->fmt, d->pkt);
        if (rc < 0) {
            /* The end of the file, or a file cut short: play what was there. */
            d->truncated = rc != AVERROR_EOF;
            d->draining = true;
            avcodec_send_packet(d->codec, NULL);
            if (d->acodec)
                decoder_audio_packet(d, NULL);
            continue;
        }
        if (d->pkt->stream_index != d->stream) {
            if (d->acodec && d->pkt->stream_index == d->astream)
                decoder_audio_packet(d, d->pkt);
            av_packet_unref(d->pkt);
            continue;
        }
        rc = avcodec_send_packet(d->codec, d->pkt);
        av_packet_unref(d->pkt);
        if (rc < 0 && rc != AVERROR(EAGAIN) && !decode_error(d, rc, err, errlen))
            return -1;
    }
}

/* Timestamps come from the file: far-fetched ones are clamped rather than trusted. */
#define MAX_PTS_MS ((int64_t)1 << 40)

/* The frame's time from the start of the video, in ms: the first frame is due at 0, and no
 * frame is due before the one ahead of it. */
static int64_t frame_ms(struct decoder *d)
{
    int64_t ts = d->frame->best_effort_timestamp, delta;
    if (ts != AV_NOPTS_VALUE && d->start_ts == AV_NOPTS_VALUE)
        d->start_ts = ts;
    int64_t ms;
    if (d->frames <= 1)
        ms = 0;
    else if (ts == AV_NOPTS_VALUE || __builtin_sub_overflow(ts, d->start_ts, &delta))
        ms = d->last_ms + d->frame_ms;
    else
        ms = av_rescale_q(delta, d->fmt->streams[d->stream]->time_base, (AVRational){1, 1000});
    if (ms < d->last_ms)
        ms = d->last_ms;
    if (ms > MAX_PTS_MS)
        ms = MAX_PTS_MS;
    d->last_ms = ms;
    return ms;
}

static int sws_colorspace(enum AVColorSpace cs)
{
    switch (cs) {
    case AVCOL_SPC_BT709:
        return SWS_CS_ITU709;
    case AVCOL_SPC_FCC:
        return SWS_CS_FCC;
    case AVCOL_SPC_SMPTE240M:
        return SWS_CS_SMPTE240M;
    case AVCOL_SPC_BT2020_NCL:
    case AVCOL_SPC_BT2020_CL:
        return SWS_CS_BT2020;
    default:
        return SWS_CS_DEFAULT;
    }
}

static bool full_range(const AVFrame *f)
{
    switch (f->format) {
    case AV_PIX_FMT_YUVJ420P:
    case AV_PIX_FMT_YUVJ422P:
    case AV_PIX_FMT_YUVJ444P:
        return true;
    default:
        return f->color_range == AVCOL_RANGE_JPEG;
    }
}

/* Converts d->frame into out (out_w x out_h, allocated): scaled, limited range, turned. The
 * YUV matrix stays the source's (swscale does not convert it); out->pic.colors names it, the
 * way ffplay picks SDL's conversion mode. */
static bool decoder_convert(struct decoder *d, const AVFrame *frame, struct picture *out, char *err,
                            size_t errlen)
{
    const AVFrame *src = frame;
    if (src->hw_frames_ctx) {
        av_frame_unref(d->sw_frame);
        int rc = av_hwframe_transfer_data(d->sw_frame, src, 0);
        if (rc < 0)
            return fail(err, errlen, "cannot read the decoded picture: %s", av_err2str(rc));
        src = d->sw_frame;
    }
    enum AVPixelFormat pf = src->format;
    if (src->width <= 0 || src->height <= 0 || !sws_isSupportedInput(pf))
        return fail(err, errlen, "pixel format %s is not supported",
                    av_get_pix_fmt_name(pf) ? av_get_pix_fmt_name(pf) : "(none)");
    bool turn = d->info.rotation != 0;
    bool sideways = d->info.rotation == 90 || d->info.rotation == 270;
    int sw = sideways ? d->out_h : d->out_w, sh = sideways ? d->out_w : d->out_h;
    struct picture *target = out;
    if (turn) {
        if (!d->turned.buf && !picture_alloc(&d->turned, sw, sh))
            return fail(err, errlen, "out of memory for a picture");
        target = &d->turned;
    }
    d->sws = sws_getCachedContext(d->sws, src->width, src->height, pf, sw, sh, AV_PIX_FMT_YUV420P,
                                  SWS_BICUBIC, NULL, NULL, NULL);
    if (!d->sws)
        return fail(err, errlen, "cannot convert %dx%d %s pictures", src->width, src->height,
                    av_get_pix_fmt_name(pf));
    const int *coef = sws_getCoefficients(sws_colorspace(src->colorspace));
    sws_setColorspaceDetails(d->sws, coef, full_range(src), coef, 0, 0, 1 << 16, 1 << 16);
    uint8_t *const planes[4] = {(uint8_t *)target->pic.planes[0], (uint8_t *)target->pic.planes[1],
                                (uint8_t *)target->pic.planes[2], NULL};
    const int pitches[4] = {target->pic.pitches[0], target->pic.pitches[1], target->pic.pitches[2],
                            0};
    if (sws_scale(d->sws, (const uint8_t *const *)src->data, src->linesize, 0, src->height, planes,
                  pitches) <= 0)
        return fail(err, errlen, "cannot convert the picture");
    if (turn) {
        for (int i = 0; i < 3; i++) {
            int pw = i ? sw / 2 : sw, ph = i ? sh / 2 : sh;
            rotate_plane(d->turned.pic.planes[i], d->turned.pic.pitches[i], pw, ph,
                         (uint8_t *)out->pic.planes[i], out->pic.pitches[i], d->info.rotation);
        }
    }
    /* As SDL's automatic mode (and ffplay) decide when the file does not say. */
    bool bt709 = src->colorspace == AVCOL_SPC_BT709 || src->colorspace == AVCOL_SPC_BT2020_NCL ||
                 src->colorspace == AVCOL_SPC_BT2020_CL ||
                 (src->colorspace == AVCOL_SPC_UNSPECIFIED && src->height > 576);
    out->pic.colors = bt709 ? VIDEO_COLORS_BT709 : VIDEO_COLORS_BT601;
    return true;
}

/* ---- probe and poster ----------------------------------------------------------------- */

bool video_probe(const char *path, const struct video_limits *lim, struct video_info *info,
                 char *err, size_t errlen)
{
    struct decoder d;
    if (err && errlen)
        err[0] = '\0';
    if (!decoder_open(&d, path, lim, false, 0, 0, 1, NULL, err, errlen))
        return false;
    int rc = decoder_next(&d, err, errlen);
    bool ok = rc == 1;
    if (rc == 0)
        fail(err, errlen, "no picture in the %s stream could be decoded", d.info.codec);
    if (ok && info)
        *info = d.info;
    decoder_close(&d);
    return ok;
}

struct video_picture *video_poster(const char *path, const struct video_limits *lim, int max_w,
                                   int max_h, char *err, size_t errlen)
{
    struct decoder d;
    struct picture *p = NULL;
    if (err && errlen)
        err[0] = '\0';
    if (!decoder_open(&d, path, lim, false, max_w, max_h, 1, NULL, err, errlen))
        return NULL;
    int rc = decoder_next(&d, err, errlen);
    if (rc == 0)
        fail(err, errlen, "no picture in the %s stream could be decoded", d.info.codec);
    if (rc == 1) {
        p = xcalloc(1, sizeof *p);
        if (!picture_alloc(p, d.out_w, d.out_h)) {
            fail(err, errlen, "out of memory for a picture");
            free(p);
            p = NULL;
        } else if (!decoder_convert(&d, d.frame, p, err, errlen)) {
            video_picture_free(&p->pic);
            p = NULL;
        }
    }
    decoder_close(&d);
    return p ? &p->pic : NULL;
}

/* ---- playback ------------------------------------------------------------------------- */

struct video {
    char *path;
    struct video_limits lim;
    int max_w, max_h;
    void (*notify)(void *ctx);
    void *ctx;
    pthread_t thread;
    bool started;
    atomic_bool abort; /* stops a read in progress, too */

    pthread_mutex_t lock;
    pthread_cond_t cond;
    /* under lock */
    enum video_state state;
    bool stop;
    bool restart; /* the thread must go back to the start */
    unsigned gen; /* bumped by each restart: a frame decoded before it is dropped */
    bool eof;     /* the thread has decoded everything of this generation */
    struct picture slots[SLOTS];
    int read, count; /* the queued frames: slots[read], ... (count of them), oldest first */
    int shown;       /* the slot handed out last (just before read), or -1 */
    int64_t asked_ms;
    int64_t duration_ms;
    int w, h;
    char error[256];
    char decoder[32];

    /* Sound (lim.audio only). The buffer is a ring of cap stereo frames that the thread fills
     * and video_audio_read (an audio callback) drains, both under alock; the lock order is
     * lock, then alock. */
    atomic_bool has_audio;
    unsigned thread_gen; /* the generation the thread decodes (the thread's own) */
    pthread_mutex_t alock;
    /* under alock */
    int16_t *ring;
    size_t cap, head, fill;
    int64_t head_pos; /* the position of ring[head] on the timeline, in samples */
    int64_t clock;    /* the elapsed time of the last video_frame_for, in samples */
    bool clock_set;   /* video_frame_for was called since the open or the last restart */
    int64_t ahead;    /* how far the sound may run ahead of clock, in samples */
    unsigned agen;    /* sound of another generation (before a restart) is dropped */
};

/* Frame threads for a playing video: the board's cores, at most MAX_DECODER_THREADS (each
 * thread holds frames of its own). */
static int decoder_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > MAX_DECODER_THREADS ? MAX_DECODER_THREADS : (int)n;
}

static void wake(struct video *v)
{
    if (v->notify)
        v->notify(v->ctx);
}

static void set_failed(struct video *v, const char *why)
{
    pthread_mutex_lock(&v->lock);
    v->state = VIDEO_FAILED;
    snprintf(v->error, sizeof v->error, "%s", why);
    pthread_mutex_unlock(&v->lock);
    wake(v);
}

/* Under alock: forgets the first n frames of the ring. */
static void ring_drop(struct video *v, size_t n)
{
    if (n > v->fill)
        n = v->fill;
    v->head = (v->head + n) % v->cap;
    v->fill -= n;
    v->head_pos += (int64_t)n;
}

/* Under alock: copies n frames into the ring after its end (there is room). */
static void ring_put(struct video *v, const int16_t *s, size_t n)
{
    size_t at = (v->head + v->fill) % v->cap;
    size_t first = n < v->cap - at ? n : v->cap - at;
    if (s) {
        memcpy(v->ring + at * VIDEO_AUDIO_CHANNELS, s, first * VIDEO_AUDIO_CHANNELS * sizeof *s);
        memcpy(v->ring, s + first * VIDEO_AUDIO_CHANNELS,
               (n - first) * VIDEO_AUDIO_CHANNELS * sizeof *s);
    } else {
        memset(v->ring + at * VIDEO_AUDIO_CHANNELS, 0, first * VIDEO_AUDIO_CHANNELS * sizeof *s);
        memset(v->ring, 0, (n - first) * VIDEO_AUDIO_CHANNELS * sizeof *s);
    }
    v->fill += n;
}

/* The decoder's sound sink (the thread): frames stereo frames due at pos go into the ring,
 * in line with what is there. Never waits: sound that does not fit is lost, not the
 * picture's time. */
static void on_audio(void *ctx, const int16_t *s, size_t frames, int64_t pos)
{
    struct video *v = ctx;
    pthread_mutex_lock(&v->alock);
    if (!v->ring || v->thread_gen != v->agen)
        goto out;
    if (pos < 0) { /* before the first picture */
        size_t skip = (uint64_t)-pos < frames ? (size_t)-pos : frames;
        s += skip * VIDEO_AUDIO_CHANNELS;
        frames -= skip;
        pos += (int64_t)skip;
    }
    /* Sound the clock has passed will never be played: room for what comes. */
    if (v->clock_set && v->head_pos < v->clock - AUDIO_MS(AUDIO_SLACK_MS))
        ring_drop(v, (size_t)(v->clock - AUDIO_MS(AUDIO_SLACK_MS) - v->head_pos));
    if (v->fill == 0)
        v->head_pos = pos;
    int64_t tail = v->head_pos + (int64_t)v->fill;
    if (pos < tail) { /* overlaps what is there (a decoder that starts over) */
        size_t skip = (uint64_t)(tail - pos) < frames ? (size_t)(tail - pos) : frames;
        s += skip * VIDEO_AUDIO_CHANNELS;
        frames -= skip;
    } else if (pos > tail) { /* a gap in the sound: silence, or a fresh start after a jump */
        if ((uint64_t)(pos - tail) >= v->cap - v->fill) {
            v->fill = 0;
            v->head_pos = pos;
        } else {
            ring_put(v, NULL, (size_t)(pos - tail));
        }
    }
    if (frames > v->cap - v->fill)
        frames = v->cap - v->fill;
    ring_put(v, s, frames);
out:
    pthread_mutex_unlock(&v->alock);
}

/* The sound broke (the thread): the video goes on muted. */
static void on_audio_off(void *ctx, const char *why)
{
    struct video *v = ctx;
    log_warn("video %s plays muted: %s", v->path, why);
    atomic_store(&v->has_audio, false);
    pthread_mutex_lock(&v->alock);
    free(v->ring);
    v->ring = NULL;
    v->fill = 0;
    pthread_mutex_unlock(&v->alock);
}

/* After the picture opened: the sound too, when asked for; without it the video plays
 * muted. */
static void open_audio(struct video *v, struct decoder *d)
{
    char err[256];
    if (!decoder_open_audio(d, err, sizeof err)) {
        if (strcmp(err, "no sound track") == 0)
            log_debug("video %s: %s", v->path, err);
        else
            log_warn("video %s plays muted: %s", v->path, err);
        return;
    }
    int64_t ms = (SLOTS - 1) * d->frame_ms + 500;
    ms = ms < AUDIO_BUFFER_MS       ? AUDIO_BUFFER_MS
         : ms > AUDIO_BUFFER_MAX_MS ? AUDIO_BUFFER_MAX_MS
                                    : ms;
    d->on_audio = on_audio;
    d->on_audio_off = on_audio_off;
    d->audio_ctx = v;
    pthread_mutex_lock(&v->alock);
    v->cap = (size_t)AUDIO_MS(ms);
    v->ring = xmalloc(v->cap * VIDEO_AUDIO_CHANNELS * sizeof *v->ring);
    v->ahead = AUDIO_MS(d->frame_ms + AUDIO_SLACK_MS);
    pthread_mutex_unlock(&v->alock);
    atomic_store(&v->has_audio, true);
    log_debug("video %s: %s sound", v->path, d->acodec->codec->name);
}

/* Converts frame into slot and queues it, due at ms, unless a restart came in between. False
 * (logged, VIDEO_FAILED) when the conversion fails. */
static bool queue_frame(struct video *v, struct decoder *d, const AVFrame *frame, int64_t ms,
                        int slot, unsigned gen, char *err, size_t errlen)
{
    if (!decoder_convert(d, frame, &v->slots[slot], err, errlen)) {
        log_warn("video %s: %s", v->path, err);
        set_failed(v, err);
        return false;
    }
    pthread_mutex_lock(&v->lock);
    bool first = false;
    if (gen == v->gen && !v->stop) {
        v->slots[slot].pic.pts_ms = ms;
        first = v->count++ == 0;
    }
    pthread_mutex_unlock(&v->lock);
    /* Only into an empty queue: otherwise the render loop already knows when the next frame
     * is due (video_next_ms). */
    if (first)
        wake(v);
    return true;
}

/* The thread: open, then decode into free slots until stopped; at the end it waits for a
 * restart. Slot ownership: the thread writes only slot (read + count) % SLOTS, outside the
 * lock; the render thread reads only queued slots and the shown one. count <= SLOTS - 2 while
 * the thread writes, so that slot is neither. */
static void *video_thread(void *arg)
{
    struct video *v = arg;
    struct decoder d;
    char err[256] = "";
    /* The newest frame skipped for being late: if it turns out to be the last one, it is
     * shown after all, so that a video always ends on its own last picture. */
    AVFrame *held = NULL;
    int64_t held_ms = 0;
    bool opened = decoder_open(&d, v->path, &v->lim, !v->lim.software_only, v->max_w, v->max_h,
                               decoder_threads(), &v->abort, err, sizeof err);
    if (!opened) {
        if (!atomic_load(&v->abort))
            log_warn("video %s refused: %s", v->path, err);
        set_failed(v, err);
        return NULL;
    }
    if (v->lim.audio)
        open_audio(v, &d);
    bool ok = true;
    for (int i = 0; i < SLOTS && ok; i++)
        ok = picture_alloc(&v->slots[i], d.out_w, d.out_h);
    if (!ok) {
        log_warn("video %s: out of memory for %dx%d pictures", v->path, d.out_w, d.out_h);
        set_failed(v, "out of memory for the pictures");
        goto out;
    }
    pthread_mutex_lock(&v->lock);
    v->duration_ms = d.info.duration_ms;
    v->w = d.out_w;
    v->h = d.out_h;
    snprintf(v->decoder, sizeof v->decoder, "%s", d.codec->codec->name);
    if (v->state == VIDEO_OPENING)
        v->state = VIDEO_PLAYING;
    pthread_mutex_unlock(&v->lock);
    wake(v);
    log_debug("video %s: %s %s %dx%d, %" PRId64 " ms, shown at %dx%d", v->path, d.info.container,
              d.info.codec, d.info.width, d.info.height, d.info.duration_ms, d.out_w, d.out_h);

    int64_t converted_ms = -1; /* the newest frame put in the queue */
    held = av_frame_alloc();
    if (!held) {
        set_failed(v, "out of memory for a frame");
        goto out;
    }
    for (;;) {
        pthread_mutex_lock(&v->lock);
        while (!v->stop && !v->restart && (v->eof || v->count >= SLOTS - 1))
            pthread_cond_wait(&v->cond, &v->lock);
        if (v->stop) {
            pthread_mutex_unlock(&v->lock);
            break;
        }
        bool rewind = v->restart;
        v->restart = false;
        unsigned gen = v->gen;
        v->thread_gen = gen;
        int slot = (v->read + v->count) % SLOTS;
        int64_t asked = v->asked_ms;
        pthread_mutex_unlock(&v->lock);

        if (rewind) {
            converted_ms = -1;
            av_frame_unref(held);
            if (!decoder_rewind(&d, err, sizeof err)) {
                log_warn("video %s: %s", v->path, err);
                set_failed(v, err);
                break;
            }
            continue;
        }
        int rc = decoder_next(&d, err, sizeof err);
        if (rc <= 0) {
            if (rc < 0 && atomic_load(&v->abort))
                break;
            if (rc < 0 && d.frames == 0) {
                log_warn("video %s: %s", v->path, err);
                set_failed(v, err);
                break;
            }
            if (rc < 0)
                log_warn("video %s stopped at %.1f s: %s", v->path, (double)d.last_ms / 1000, err);
            else if (d.truncated)
                log_warn("video %s ends early at %.1f s: the file is cut short or damaged", v->path,
                         (double)d.last_ms / 1000);
            d.truncated = false;
            if (rc == 0 && held->buf[0]) {
                /* the end: the last late frame goes in now (the slot is free), and the next
                 * round finds the end again */
                if (!queue_frame(v, &d, held, held_ms, slot, gen, err, sizeof err))
                    break;
                av_frame_unref(held);
                continue;
            }
            pthread_mutex_lock(&v->lock);
            if (gen == v->gen)
                v->eof = true;
            pthread_mutex_unlock(&v->lock);
            wake(v);
            continue;
        }
        int64_t ms = frame_ms(&d);
        /* Behind: a frame already past due is not worth converting, unless it would leave the
         * screen without a new picture for too long. */
        if (asked > ms + d.frame_ms && converted_ms >= 0 && ms - converted_ms < MIN_SHOWN_GAP_MS) {
            av_frame_unref(held);
            av_frame_move_ref(held, d.frame);
            held_ms = ms;
            continue;
        }
        av_frame_unref(held);
        if (!queue_frame(v, &d, d.frame, ms, slot, gen, err, sizeof err))
            break;
        converted_ms = ms;
    }
out:
    av_frame_free(&held);
    decoder_close(&d);
    return NULL;
}

struct video *video_open(const char *path, const struct video_limits *lim, int max_w, int max_h,
                         void (*notify)(void *ctx), void *ctx)
{
    struct video *v = xcalloc(1, sizeof *v);
    v->notify = notify;
    v->ctx = ctx;
    v->path = xstrdup(path ? path : "");
    struct video_limits dl = VIDEO_DEFAULT_LIMITS;
    v->lim = lim ? *lim : dl;
    v->max_w = max_w;
    v->max_h = max_h;
    v->shown = -1;
    v->duration_ms = -1;
    atomic_init(&v->abort, false);
    atomic_init(&v->has_audio, false);
    pthread_mutex_init(&v->lock, NULL);
    pthread_mutex_init(&v->alock, NULL);
    pthread_cond_init(&v->cond, NULL);
    v->state = VIDEO_OPENING;
    int rc = pthread_create(&v->thread, NULL, video_thread, v);
    if (rc != 0) {
        log_warn("video %s: cannot start its thread: %s", v->path, strerror(rc));
        v->state = VIDEO_FAILED;
        snprintf(v->error, sizeof v->error, "cannot start a thread: %s", strerror(rc));
    } else {
        v->started = true;
    }
    return v;
}

/* Under lock: PLAYING becomes DONE once the end is decoded and every frame handed out. */
static void settle(struct video *v)
{
    if (v->state == VIDEO_PLAYING && v->eof && v->count == 0 && !v->restart)
        v->state = VIDEO_DONE;
}

const struct video_picture *video_frame_for(struct video *v, int64_t elapsed_ms)
{
    if (!v)
        return NULL;
    pthread_mutex_lock(&v->lock);
    v->asked_ms = elapsed_ms;
    bool freed = false;
    while (v->count > 0 && v->slots[v->read].pic.pts_ms <= elapsed_ms) {
        v->shown = v->read;
        v->read = (v->read + 1) % SLOTS;
        v->count--;
        freed = true;
    }
    if (freed)
        pthread_cond_signal(&v->cond);
    if (v->lim.audio) {
        pthread_mutex_lock(&v->alock);
        v->clock = AUDIO_MS(elapsed_ms < 0 ? 0 : elapsed_ms > MAX_PTS_MS ? MAX_PTS_MS : elapsed_ms);
        v->clock_set = true;
        pthread_mutex_unlock(&v->alock);
    }
    settle(v);
    const struct video_picture *p = v->shown >= 0 ? &v->slots[v->shown].pic : NULL;
    pthread_mutex_unlock(&v->lock);
    return p;
}

int64_t video_next_ms(struct video *v)
{
    if (!v)
        return -1;
    pthread_mutex_lock(&v->lock);
    int64_t ms = v->count > 0 ? v->slots[v->read].pic.pts_ms : -1;
    pthread_mutex_unlock(&v->lock);
    return ms;
}

enum video_state video_state(struct video *v)
{
    if (!v)
        return VIDEO_FAILED;
    pthread_mutex_lock(&v->lock);
    settle(v);
    enum video_state s = v->state;
    pthread_mutex_unlock(&v->lock);
    return s;
}

bool video_done(struct video *v)
{
    enum video_state s = video_state(v);
    return s == VIDEO_DONE || s == VIDEO_FAILED;
}

int64_t video_duration_ms(struct video *v)
{
    if (!v)
        return -1;
    pthread_mutex_lock(&v->lock);
    int64_t ms = v->state == VIDEO_FAILED ? -1 : v->duration_ms;
    pthread_mutex_unlock(&v->lock);
    return ms;
}

void video_size(struct video *v, int *w, int *h)
{
    int vw = 0, vh = 0;
    if (v) {
        pthread_mutex_lock(&v->lock);
        vw = v->w;
        vh = v->h;
        pthread_mutex_unlock(&v->lock);
    }
    if (w)
        *w = vw;
    if (h)
        *h = vh;
}

void video_error(struct video *v, char *buf, size_t len)
{
    if (!buf || len == 0)
        return;
    buf[0] = '\0';
    if (!v)
        return;
    pthread_mutex_lock(&v->lock);
    if (v->state == VIDEO_FAILED)
        snprintf(buf, len, "%s", v->error);
    pthread_mutex_unlock(&v->lock);
}

void video_decoder(struct video *v, char *buf, size_t len)
{
    if (!buf || len == 0)
        return;
    buf[0] = '\0';
    if (!v)
        return;
    pthread_mutex_lock(&v->lock);
    snprintf(buf, len, "%s", v->decoder);
    pthread_mutex_unlock(&v->lock);
}

bool video_has_audio(struct video *v)
{
    return v && atomic_load(&v->has_audio);
}

size_t video_audio_read(struct video *v, int16_t *out, size_t frames)
{
    size_t got = 0;
    if (!out)
        return 0;
    if (v && v->lim.audio) {
        pthread_mutex_lock(&v->alock);
        if (v->ring && v->clock_set && v->fill > 0) {
            /* Behind the picture (the sound started late, or decoding caught up): skip to it. */
            if (v->head_pos < v->clock - AUDIO_MS(AUDIO_SLACK_MS))
                ring_drop(v, (size_t)(v->clock - v->head_pos));
            /* Ahead of it (the picture is waiting for a frame): silence until it catches up. */
            if (v->fill > 0 && v->head_pos <= v->clock + v->ahead) {
                got = frames < v->fill ? frames : v->fill;
                size_t first = got < v->cap - v->head ? got : v->cap - v->head;
                memcpy(out, v->ring + v->head * VIDEO_AUDIO_CHANNELS,
                       first * VIDEO_AUDIO_CHANNELS * sizeof *out);
                memcpy(out + first * VIDEO_AUDIO_CHANNELS, v->ring,
                       (got - first) * VIDEO_AUDIO_CHANNELS * sizeof *out);
                ring_drop(v, got);
            }
        }
        pthread_mutex_unlock(&v->alock);
    }
    memset(out + got * VIDEO_AUDIO_CHANNELS, 0,
           (frames - got) * VIDEO_AUDIO_CHANNELS * sizeof *out);
    return got;
}

void video_restart(struct video *v)
{
    if (!v)
        return;
    pthread_mutex_lock(&v->lock);
    if (v->state != VIDEO_FAILED) {
        v->gen++;
        v->count = 0;
        v->shown = -1;
        v->eof = false;
        v->restart = true;
        v->asked_ms = 0;
        if (v->state == VIDEO_DONE)
            v->state = VIDEO_PLAYING;
        pthread_mutex_lock(&v->alock);
        v->agen = v->gen;
        v->fill = 0;
        v->clock = 0;
        v->clock_set = false;
        pthread_mutex_unlock(&v->alock);
        pthread_cond_signal(&v->cond);
    }
    pthread_mutex_unlock(&v->lock);
}

void video_close(struct video *v)
{
    if (!v)
        return;
    pthread_mutex_lock(&v->lock);
    v->stop = true;
    atomic_store(&v->abort, true);
    pthread_cond_signal(&v->cond);
    pthread_mutex_unlock(&v->lock);
    if (v->started)
        pthread_join(v->thread, NULL);
    for (int i = 0; i < SLOTS; i++)
        picture_release(&v->slots[i]);
    pthread_mutex_destroy(&v->lock);
    pthread_mutex_destroy(&v->alock);
    pthread_cond_destroy(&v->cond);
    free(v->ring);
    free(v->path);
    free(v);
}

/* ---- the plugin's table ---------------------------------------------------------------- */

/* The one symbol the plugin exports (it is built with hidden visibility): see video_api.h. */
__attribute__((visibility("default"))) const struct video_api *prikbord_video_api(void);

const struct video_api *prikbord_video_api(void)
{
    static const struct video_api api = {
        .version = VIDEO_API_VERSION,
        .size = sizeof(struct video_api),
        .probe = video_probe,
        .poster = video_poster,
        .picture_free = video_picture_free,
        .open = video_open,
        .frame_for = video_frame_for,
        .next_ms = video_next_ms,
        .state = video_state,
        .done = video_done,
        .duration_ms = video_duration_ms,
        .size_of = video_size,
        .error = video_error,
        .decoder = video_decoder,
        .restart = video_restart,
        .has_audio = video_has_audio,
        .audio_read = video_audio_read,
        .close = video_close,
    };
    return &api;
}
