#!/usr/bin/env bash
# bench:chat and bench:edge hold one descriptor per connection on each side: raise the open-file limit as far as this shell may
# (the hard limit needs CAP_SYS_RESOURCE; without it the soft limit goes up to the hard one), then run the benchmark.
# The benchmark prints the limit it got and how far the held connections went.
ulimit -Hn 1048576 2>/dev/null || true
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
exec "$@"
