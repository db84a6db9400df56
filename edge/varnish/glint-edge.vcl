vcl 4.1;
# Glint's LL-HLS edge for Varnish Cache 7 (Debian 12: apt-get install varnish).
#
# One edge in front of one Glint origin. What makes it fit LL-HLS:
# - Request coalescing: every viewer asking for the same blocking playlist reload (`_HLS_msn`/`_HLS_part`/`_HLS_skip`)
#   or the same not-yet-complete part waits on one request to the origin, and all are answered the moment it returns
#   (Varnish wakes its waiting list when the object arrives; nginx's proxy_cache_lock polls every 500 ms instead).
# - The cache key is the path plus those three arguments only, sorted: other arguments (a viewer id, a cache buster)
#   do not split the crowd.
# - Freshness is the origin's Cache-Control: parts, segments and init sections are immutable; a blocking reload is
#   fresh for one target duration (the spec's advice); the live playlist without `_HLS_msn` is `no-cache` at the
#   origin and held here for 100 ms, so a crowd arriving at once still makes one origin request.
# - Everything that is not media (API, web app, chat's WebSocket, WHIP/WHEP) goes to the origin untouched.
#
# `npm run edge` fills in the backend below from --origin; to run it yourself, edit host and port and start
#   varnishd -a :8090 -f /path/to/glint-edge.vcl -s malloc,1g -p thread_pool_min=100 -p thread_pool_max=300 -p thread_queue_limit=100000

import std;

backend origin {
  .host = "127.0.0.1";
  .port = "8080";
  .connect_timeout = 2s;
  # The origin holds a blocking reload up to three target durations (3 s at Glint's 1 s segments) before it answers.
  .first_byte_timeout = 15s;
  .between_bytes_timeout = 15s;
}

sub vcl_recv {
  if (req.http.Upgrade ~ "(?i)websocket") {
    return (pipe);
  }
  if (req.url !~ "^/(live|vods|clips)/" || (req.method != "GET" && req.method != "HEAD")) {
    return (pass);
  }
  # Media is the same for everyone: no cookie or credential may split or bypass the cache.
  unset req.http.Cookie;
  unset req.http.Authorization;
  if (req.url ~ "\?") {
    # Keep only the LL-HLS delivery directives, in one order.
    set req.url = regsuball(req.url, "([?&])(?!_HLS_(?:msn|part|skip)=)[^&]*", "\1");
    set req.url = regsuball(req.url, "&{2,}", "&");
    set req.url = regsub(req.url, "\?&+", "?");
    set req.url = regsub(req.url, "[?&]+$", "");
    set req.url = std.querysort(req.url);
  }
  return (hash);
}

sub vcl_hash {
  # One origin: the Host header is not part of the key.
  hash_data(req.url);
  return (lookup);
}

sub vcl_pipe {
  if (req.http.Upgrade) {
    set bereq.http.Upgrade = req.http.Upgrade;
    set bereq.http.Connection = req.http.Connection;
  }
}

sub vcl_backend_response {
  if (bereq.url ~ "^/live/.*\.m3u8" && bereq.url !~ "_HLS_msn=" && beresp.status == 200) {
    set beresp.ttl = 100ms;
    set beresp.grace = 0s;
    return (deliver);
  }
}

sub vcl_deliver {
  if (obj.uncacheable) {
    set resp.http.X-Cache = "PASS";
  } else if (obj.hits > 0) {
    set resp.http.X-Cache = "HIT";
  } else {
    set resp.http.X-Cache = "MISS";
  }
}
