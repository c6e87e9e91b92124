#!/usr/bin/env bash
# One build at a time in a tree. Called by the Makefile as it starts, with make's process id: takes
# data/interim/.make.lock (a dot file, so `make clean` keeps it) and leaves a small process holding it
# for as long as that make runs. A second make waits, saying once which make it waits for. Without
# flock (util-linux; not on macOS by default) it does nothing.
set -u
owner=$1
lock=data/interim/.make.lock
command -v flock >/dev/null 2>&1 || exit 0
mkdir -p data/interim
# make re-reads the Makefile after regenerating data/interim/make.mk: the lock is then already ours.
[ "$(cat "$lock.pid" 2>/dev/null)" = "$owner" ] && kill -0 "$owner" 2>/dev/null && exit 0
exec 9>>"$lock"
if ! flock -w 2 9; then
    echo "make: another make is running in this folder (process $(cat "$lock.pid" 2>/dev/null || echo '?'));" \
         "waiting for it to finish (Ctrl-C to give up)" >&2
    flock 9
fi
echo "$owner" > "$lock.pid"
# The holder shares the locked file description (fd 9); the lock goes when it exits, soon after make.
# GNU tail polls for the owner every 0.05 s without starting a process each time.
tail -s 0.05 --pid="$owner" -f /dev/null </dev/null >/dev/null 2>&1 &
