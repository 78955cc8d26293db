#!/bin/sh
# Install the Debian packages parlance builds against, or say how.
# Usage: tools/deps.sh PACKAGE...   (the Makefile passes the list)
missing=""
for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
    echo "parlance: installing build dependencies:$missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 && apt-get install -y -qq $missing >&2 && exit 0
    echo "parlance: apt-get failed; install by hand:$missing" >&2
    exit 1
fi
echo "parlance: missing build dependencies. Run:" >&2
echo "    sudo apt-get install -y$missing" >&2
exit 1
