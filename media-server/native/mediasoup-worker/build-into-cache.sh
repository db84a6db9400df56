#!/bin/sh
# Builds mediasoup's worker once into a cache folder outside the clone, reused by every clone and start:
#   build-into-cache.sh <cache dir> <mediasoup version>
# <cache dir>/node_modules/mediasoup holds the npm package (its postinstall skipped: it would download a prebuilt
# worker) and, when this succeeds, the worker at mediasoup's default path plus <cache dir>/READY. Needs root for
# apt-get (SKIP_APT=1 when the packages are there). Takes about 10 minutes on 2 cores. A lock folder keeps two
# starts from building at once; a lock older than 40 minutes is taken as left by a killed build.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
DIR=$1
VERSION=$2
mkdir -p "$DIR"
LOCK="$DIR/building.lock"
if ! mkdir "$LOCK" 2>/dev/null; then
  if [ -n "$(find "$LOCK" -maxdepth 0 -mmin +40 2>/dev/null)" ]; then
    rm -rf "$LOCK"; mkdir "$LOCK"
  else
    echo "another build is under way in $DIR" >&2; exit 75
  fi
fi
trap 'rmdir "$LOCK" 2>/dev/null || true' EXIT
rm -f "$DIR/READY"
[ -f "$DIR/package.json" ] || printf '{ "private": true, "name": "glint-mediasoup-cache" }\n' > "$DIR/package.json"
echo "installing the mediasoup $VERSION npm package (worker download skipped)"
MEDIASOUP_WORKER_BIN=skip npm install --prefix "$DIR" --no-audit --no-fund --no-save "mediasoup@$VERSION"
echo "building the worker from Debian packages"
sh "$HERE/build-mediasoup-worker.sh" "$DIR"
echo "$VERSION" > "$DIR/READY"
echo "mediasoup $VERSION ready in $DIR"
