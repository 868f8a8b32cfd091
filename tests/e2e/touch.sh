#!/usr/bin/env bash
# End to end: a person at a break-room screen. The real program windowed under Xvfb at
# 1920x1080 and 800x480, real pointer input and keys from xdotool, checked on xwd captures
# of the screen and in the log: detail view, drag, keys, back to cycling. See the script.
exec python3 "${PRIKBORD_SOURCE_DIR:?}/tests/tools/touch_check.py"
