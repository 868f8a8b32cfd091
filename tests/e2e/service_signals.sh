#!/usr/bin/env bash
# End to end: the binary as systemd runs it (notify socket, watchdog) and its signals:
# SIGUSR1 screenshot, SIGHUP reload, SIGTERM clean exit; the status files. See the script.
exec python3 "${PRIKBORD_SOURCE_DIR:?}/tests/tools/appliance_check.py"
