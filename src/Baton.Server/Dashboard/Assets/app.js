// Baton dashboard: live panels over Server-Sent Events, times kept current, commands copied
// (docs/decisions/0033-dashboard.md). Plain JavaScript, no library, no build: read it top to bottom.
//
// Every page works without this file; it only keeps what the page shows current:
// - one EventSource on /v1/events/stream (the browser resends Last-Event-ID itself when it reconnects);
// - an event of kind K makes every <section data-panel> whose data-refresh-on holds K stale;
// - stale panels are fetched together, /panels?names=a,b&<this page's query>, and swapped in by id;
// - refreshes are throttled so an open tab on a busy fleet stays far below the key's rate limit (see Throttle).
"use strict";

(function () {
  // ---- Throttle ---------------------------------------------------------------------------------------------
  // Dashboard requests count against the key's per-minute limit (default 100). One tab refreshes at most twice a
  // second while quiet (a change shows well within a second, even right after another) and, once it has made
  // BUSY_COUNT refreshes in the last minute, at most once every BUSY_INTERVAL_MS: a tab on a fleet that changes all
  // the time settles near 30 requests a minute, plus one for the stream (and lags up to BUSY_INTERVAL_MS then). When the server says few requests remain, or answers 429,
  // refreshes wait for the window to pass.
  var QUIET_INTERVAL_MS = 500;
  var BUSY_INTERVAL_MS = 4000;
  var BUSY_COUNT = 20;
  var LOW_REMAINING = 15;
  var BATCH_DELAY_MS = 100; // a burst of events (one hook batch) becomes one request
  var FIRST_BACKOFF_MS = 5000; // after a failed refresh or a closed stream, doubling up to MAX_BACKOFF_MS
  var MAX_BACKOFF_MS = 60000;
  var TIME_TICK_MS = 30000;

  var stale = new Set();
  var held = new Set(); // stale panels left alone while someone is typing in them, refreshed when focus leaves
  var recent = []; // times of recent refresh requests (ms)
  var lastRequestAt = 0;
  var pausedUntil = 0;
  var timer = null;
  var inFlight = false;
  var source = null;
  var refreshBackoff = 0;
  var streamBackoff = 0;

  function nextBackoff(current) {
    return current === 0 ? FIRST_BACKOFF_MS : Math.min(current * 2, MAX_BACKOFF_MS);
  }

  // A refresh that could not be made: keep its panels stale and wait before the next try.
  function failed(names) {
    names.forEach(function (n) { stale.add(n); });
    refreshBackoff = nextBackoff(refreshBackoff);
    pausedUntil = Math.max(pausedUntil, Date.now() + refreshBackoff);
  }

  function panels() {
    return Array.prototype.slice.call(document.querySelectorAll("section[data-panel]"));
  }

  function kindsOf(section) {
    return (section.getAttribute("data-refresh-on") || "").split(/\s+/).filter(Boolean);
  }

  function interval(now) {
    while (recent.length > 0 && now - recent[0] > 60000) recent.shift();
    return recent.length >= BUSY_COUNT ? BUSY_INTERVAL_MS : QUIET_INTERVAL_MS;
  }

  function markStale(kind) {
    panels().forEach(function (section) {
      if (kind === null || kindsOf(section).indexOf(kind) >= 0) stale.add(section.getAttribute("data-panel"));
    });
    schedule();
  }

  function schedule() {
    if (timer !== null || inFlight || stale.size === 0 || document.hidden) return;
    var now = Date.now();
    var wait = Math.max(BATCH_DELAY_MS, lastRequestAt + interval(now) - now, pausedUntil - now);
    timer = setTimeout(function () {
      timer = null;
      refresh();
    }, wait);
  }

  // ---- Refreshing panels ------------------------------------------------------------------------------------
  function refresh() {
    if (stale.size === 0 || document.hidden) return;
    var names = Array.from(stale);
    stale.clear();
    var query = new URLSearchParams(window.location.search);
    // A detail page's panels name its id (data-query): its path is not part of the refresh's URL.
    names.forEach(function (name) {
      var section = document.getElementById("panel-" + name);
      var own = section && section.getAttribute("data-query");
      if (own) new URLSearchParams(own).forEach(function (value, key) { query.set(key, value); });
    });
    query.set("names", names.join(","));
    inFlight = true;
    lastRequestAt = Date.now();
    recent.push(lastRequestAt);
    fetch("/panels?" + query.toString(), { headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then(function (response) {
        noteRateLimit(response);
        if (response.status === 401) {
          // Signed out or the key was revoked: the page itself will send us to the sign-in form.
          window.location.reload();
          return null;
        }
        if (response.status === 429 || response.status >= 500) {
          failed(names);
          return null;
        }
        refreshBackoff = 0;
        if (!response.ok) return null;
        return response.text();
      })
      .then(function (text) {
        if (typeof text === "string") swap(text);
      })
      .catch(function () {
        // The server is unreachable: try these panels again later.
        failed(names);
      })
      .finally(function () {
        inFlight = false;
        schedule();
      });
  }

  function noteRateLimit(response) {
    var retry = parseInt(response.headers.get("Retry-After") || "", 10);
    var remaining = parseInt(response.headers.get("X-RateLimit-Remaining") || "", 10);
    var reset = parseInt(response.headers.get("X-RateLimit-Reset") || "", 10);
    if (response.status === 429 && retry > 0) pausedUntil = Date.now() + retry * 1000;
    else if (remaining >= 0 && remaining < LOW_REMAINING && reset > 0) pausedUntil = Date.now() + reset * 1000;
  }

  function swap(text) {
    var parsed = new DOMParser().parseFromString(text, "text/html");
    parsed.querySelectorAll("section[data-panel]").forEach(function (fresh) {
      var current = document.getElementById(fresh.id);
      if (!current) return;
      // Someone is typing or choosing inside this panel: leave it, and refresh it when the focus leaves it.
      var active = document.activeElement;
      if (active && current.contains(active) && /^(INPUT|SELECT|TEXTAREA)$/.test(active.tagName)) {
        held.add(fresh.getAttribute("data-panel"));
        return;
      }
      current.replaceWith(document.importNode(fresh, true));
    });
    updateTimes();
  }

  // ---- The event stream -------------------------------------------------------------------------------------
  function setStatus(text, state) {
    var status = document.getElementById("live-status");
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("is-live", state === "live");
    status.classList.toggle("is-reconnecting", state === "reconnecting");
  }

  function open() {
    var kinds = new Set();
    panels().forEach(function (section) { kindsOf(section).forEach(function (k) { kinds.add(k); }); });
    if (kinds.size === 0 || typeof window.EventSource !== "function") return;
    source = new EventSource("/v1/events/stream");
    source.addEventListener("open", function () {
      streamBackoff = 0;
      setStatus("live", "live");
    });
    source.addEventListener("error", function () {
      if (source.readyState === EventSource.CLOSED) {
        // The server refused the stream (signed out) or is gone: the browser will not retry a closed stream.
        // Open a new one later (it cannot resume: Last-Event-ID is lost) and read every panel again then.
        setStatus("reconnecting…", "reconnecting");
        source = null;
        streamBackoff = nextBackoff(streamBackoff);
        setTimeout(function () {
          open();
          markStale(null);
        }, streamBackoff);
      } else {
        setStatus("reconnecting…", "reconnecting");
      }
    });
    // The server could not resume where we were (too far behind): every panel may be stale.
    source.addEventListener("reset", function () { markStale(null); });
    kinds.forEach(function (kind) {
      source.addEventListener(kind, function () { markStale(kind); });
    });
  }

  document.addEventListener("focusout", function () {
    if (held.size === 0) return;
    held.forEach(function (n) { stale.add(n); });
    held.clear();
    schedule();
  });

  document.addEventListener("visibilitychange", function () {
    // Hidden: events still mark panels stale, but nothing is fetched; on return, one refresh brings them all.
    if (!document.hidden) {
      updateTimes();
      schedule();
    }
  });

  // ---- Times ------------------------------------------------------------------------------------------------
  // The same words the server writes (DashboardText.Ago).
  function ago(ms) {
    var future = ms < 0;
    var seconds = Math.floor(Math.abs(ms) / 1000);
    if (seconds < 60) return "just now";
    var minutes = Math.floor(seconds / 60);
    var hours = Math.floor(minutes / 60);
    var amount = minutes < 60 ? minutes + " min" : hours < 48 ? hours + " h" : Math.floor(hours / 24) + " d";
    return future ? "in " + amount : amount + " ago";
  }

  function updateTimes() {
    var now = Date.now();
    document.querySelectorAll("time[data-ago]").forEach(function (time) {
      var at = Date.parse(time.getAttribute("datetime"));
      if (!isNaN(at)) {
        time.textContent = ago(now - at);
        if (!time.title) time.title = new Date(at).toLocaleString();
      }
    });
  }

  // ---- Copying commands -------------------------------------------------------------------------------------
  function codeBefore(button) {
    for (var node = button.previousElementSibling; node; node = node.previousElementSibling) {
      if (node.matches("code[data-copy]")) return node;
    }
    return null;
  }

  function flash(button, text) {
    var label = button.getAttribute("data-label") || button.textContent;
    button.setAttribute("data-label", label);
    button.textContent = text;
    button.classList.add("copied");
    setTimeout(function () {
      button.textContent = label;
      button.classList.remove("copied");
    }, 1500);
  }

  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest("[data-copy-target]") : null;
    if (!button) return;
    var code = codeBefore(button);
    if (!code) return;
    var text = code.textContent;
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { flash(button, "Copied"); },
        function () { selectText(code, button); });
    } else {
      // Plain http to another host is not a secure context: no clipboard API. Select the text for Ctrl+C instead.
      selectText(code, button);
    }
  });

  function selectText(code, button) {
    var range = document.createRange();
    range.selectNodeContents(code);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    flash(button, "Press Ctrl+C");
  }

  // ---- Start ------------------------------------------------------------------------------------------------
  function start() {
    updateTimes();
    setInterval(function () { if (!document.hidden) updateTimes(); }, TIME_TICK_MS);
    open();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
