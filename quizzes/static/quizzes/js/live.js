/* October Quiz, live sessions: the projector's keyboard shortcuts, the countdown, and the connection in words.
   The pages work without this file (forms, and a Refresh link). */
(function () {
  "use strict";

  // Space or Right arrow press the first control (Start, Reveal, Next, Resume), by submitting the control form.
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
    var form = button.form;
    if (form.requestSubmit) form.requestSubmit(button); else button.click();
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

  // Reconnecting is silent when it works and says so in words when it does not.
  var status = null;
  var lost = false;
  function say(message) {
    status = status || document.getElementById("live-connection");
    if (status) status.textContent = message;
  }
  document.addEventListener("htmx:sseError", function () {
    lost = true;
    say("Connection lost: trying again. If nothing changes, use Refresh.");
  });
  document.addEventListener("htmx:sseOpen", function () {
    if (!lost) return;
    lost = false;
    say("");
    // Catch up with whatever changed while the connection was down.
    var state = document.getElementById("live-state");
    if (state && window.htmx) window.htmx.trigger(state, "sse:changed");
  });

  document.addEventListener("DOMContentLoaded", startCountdown);
  document.addEventListener("htmx:afterSettle", startCountdown);
})();
