/* October Quiz: the timer, and focus after HTMX swaps. The pages work without this file. */
(function () {
  "use strict";

  function startTimer(root) {
    var timer = root.querySelector(".timer[data-deadline]");
    if (!timer || timer.dataset.running) return;
    timer.dataset.running = "1";
    var text = timer.querySelector(".timer-text");
    var announcer = root.querySelector(".timer-announcer");
    var form = root.querySelector(".timer-form");
    var end = Date.now() + Number(timer.dataset.secondsLeft) * 1000;
    var announced = {};
    function say(message, key) {
      if (announcer && !announced[key]) { announced[key] = true; announcer.textContent = message; }
    }
    function tick() {
      if (!document.body.contains(timer)) return;
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      var m = Math.floor(left / 60), s = left % 60;
      text.textContent = m + ":" + (s < 10 ? "0" : "") + s + " left";
      if (left <= 120) {
        timer.classList.add("is-low");
        say("Two minutes left.", "two");
      }
      if (left <= 300 && left > 120) say("Five minutes left.", "five");
      if (left <= 30) say("Thirty seconds left.", "thirty");
      if (left === 0) {
        say("Time is up. Submitting your answers.", "zero");
        // A moment past the deadline, so the server sees the time is up.
        if (form) window.setTimeout(function () { form.submit(); }, 1500);
        return;
      }
      window.setTimeout(tick, 1000);
    }
    tick();
  }

  document.addEventListener("DOMContentLoaded", function () { startTimer(document); });
  document.addEventListener("htmx:afterSwap", function (event) {
    var card = document.getElementById("quiz-card");
    if (!card) return;
    startTimer(card);
    // Move focus to the new content: the feedback when there is one, else the question.
    var target = card.querySelector(".form-error:not(:empty)") || card.querySelector(".feedback") || card.querySelector("#question-heading");
    if (target) {
      if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
      target.focus();
    }
  });
})();
