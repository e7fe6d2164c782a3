/* October Quiz, live sessions: the projector's keyboard shortcuts, the countdown, and the connection in words.
   The pages work without this file (forms, and a Refresh link). */
(function () {
  "use strict";

  // Space or Right arrow press the first control (Start, Reveal, Next, Resume) of the control form.
  document.addEventListener("keydown", function (event) {
    if (event.key !== " " && event.key !== "ArrowRight") return;
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    var state = document.querySelector("[data-live-keys]");
    if (!state) return;
    var focused = document.activeElement;
    if (focused && focused !== document.body && focused.closest("a, button, input, select, textarea, summary, [contenteditable]")) return;
    var button = state.querySelector("[data-live-primary]");
    if (!button || button.disabled) return;
    event.preventDefault();
    // A click, as the teacher's own would be: htmx sends the clicked button's action with the form.
    button.click();
  });

  // The countdown: the server gives the seconds left; this counts them down in words.
  var ticking = null;
  function startCountdown() {
    if (ticking) { window.clearInterval(ticking); ticking = null; }
    var countdown = document.querySelector(".live-countdown[data-seconds-left]");
    if (!countdown) return;
    var text = countdown.querySelector(".live-countdown-text");
    var end = Date.now() + Number(countdown.dataset.secondsLeft) * 1000;
    function tick() {
      if (!document.body.contains(countdown)) { window.clearInterval(ticking); ticking = null; return; }
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      text.textContent = left === 0 ? "Time is up" : left + (left === 1 ? " second left" : " seconds left");
      countdown.classList.toggle("is-low", left <= 10);
      if (left === 0) { window.clearInterval(ticking); ticking = null; }
    }
    tick();
    ticking = window.setInterval(tick, 1000);
  }

  // Reconnecting is silent when it works and says so in words when it does not. Under WSGI (manage.py runserver,
  // the sync workers) the stream answers at once and the browser comes back every 3 seconds, each time an error then
  // an open: that is polling, not a loss. The connection counts as lost only when the browser knows it is offline or
  // no open follows an error within LOST_AFTER_MS; only then does the page say so, and fetch its state again (to
  // catch up with what changed meanwhile) when the browser is back online and when the stream opens again.
  var LOST_AFTER_MS = 6000;
  var LOST_MESSAGE = "Connection lost: trying again. If nothing changes, use Refresh.";
  var status = null;
  var lost = false;
  var waiting = null;
  function say(message) {
    status = status || document.getElementById("live-connection");
    if (status) status.textContent = message;
  }
  function stopWaiting() {
    if (waiting) { window.clearTimeout(waiting); waiting = null; }
  }
  function hasEnded() {
    return Boolean(document.querySelector(".live-state-ended"));
  }
  function catchUp() {
    var state = document.getElementById("live-state");
    if (state && window.htmx) window.htmx.trigger(state, "sse:changed");
  }
  function loseConnection() {
    stopWaiting();
    if (lost || hasEnded()) return;
    lost = true;
    say(LOST_MESSAGE);
  }
  document.addEventListener("htmx:sseError", function (event) {
    if (hasEnded()) {
      // Nothing more will change: stop the extension's reconnecting (it would otherwise retry for good).
      var stream = event.target.closest ? event.target.closest("[sse-connect]") : null;
      if (stream) stream.removeAttribute("sse-connect");
      if (event.detail && event.detail.source) event.detail.source.close();
      return;
    }
    if (navigator.onLine === false) { loseConnection(); return; }
    if (!lost && !waiting) waiting = window.setTimeout(loseConnection, LOST_AFTER_MS);
  });
  document.addEventListener("htmx:sseOpen", function () {
    stopWaiting();
    if (!lost) return;
    lost = false;
    say("");
    catchUp();
  });
  window.addEventListener("offline", loseConnection);
  window.addEventListener("online", function () {
    if (lost) catchUp();
  });

  // On the phone, a new step (the next question, the reveal) takes the focus to its heading, so a screen reader
  // reads it; a message after an answer (a refusal, a malformed answer) takes it to the message.
  var step = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var state = document.getElementById("live-state");
    step = state ? state.dataset.liveStep : null;
  });
  document.addEventListener("htmx:afterSettle", function () {
    var state = document.getElementById("live-state");
    if (!state || !state.dataset.liveStep) return;
    var message = state.querySelector("#live-message:not(:empty)");
    var target = message || (state.dataset.liveStep !== step ? state.querySelector("h1") : null);
    if (!target) return;
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus();
  });

  document.addEventListener("DOMContentLoaded", startCountdown);
  document.addEventListener("htmx:afterSettle", startCountdown);
})();
