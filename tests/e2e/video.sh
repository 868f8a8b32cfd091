#!/usr/bin/env bash
# End to end: introduction videos. The real program in a window on SDL's offscreen driver with
# videos the test makes with ffmpeg: later frames in later screenshots, the slide's time follows
# the video, broken videos (truncated, empty, text, 8K) are refused and their photo shows.
exec python3 "${PRIKBORD_SOURCE_DIR:?}/tests/tools/video_check.py"
