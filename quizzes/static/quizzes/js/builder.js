/* October Quiz, quiz-set builder: keep keyboard focus across HTMX swaps, say why a refused change did nothing.
   The pages work without this file. */
(function () {
  "use strict";

  var focusedId = null;

  function focusOn(element) {
    if (!element) return;
    if (!element.hasAttribute("tabindex") && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(element.tagName)) {
      element.setAttribute("tabindex", "-1");
    }
    element.focus();
  }

  document.addEventListener("htmx:beforeSwap", function () {
    var active = document.activeElement;
    focusedId = active && active.id ? active.id : null;
  });

  // After a move the same question's other move button is the next best place, then the panel's heading.
  function sameQuestionButton(id) {
    if (!id) return null;
    var other = id.indexOf("move-up-") === 0 ? id.replace("move-up-", "move-down-")
      : id.indexOf("move-down-") === 0 ? id.replace("move-down-", "move-up-") : null;
    return document.getElementById(id) || (other && document.getElementById(other));
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    // The swapped element is the old, detached one: look the new one up by its id.
    var swapped = event.detail.target;
    if (!swapped) return;
    if (swapped.id === "set-panel") {
      var panel = document.getElementById("set-panel");
      var again = sameQuestionButton(focusedId);
      focusOn(again && panel && panel.contains(again) ? again : panel && panel.querySelector("h2"));
    } else if (swapped.id === "preview") {
      var preview = document.getElementById("preview");
      focusOn(preview && preview.querySelector(".preview-title"));
    }
  });

  document.addEventListener("htmx:responseError", function (event) {
    var status = document.getElementById("set-status");
    var xhr = event.detail.xhr;
    if (!status || !xhr) return;
    var page = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
    var heading = page.querySelector("main h1");
    var message = document.createElement("p");
    message.className = "message message-error";
    message.textContent = heading ? heading.textContent : "That did not work. Reload the page and try again.";
    status.replaceChildren(message);
  });
})();
