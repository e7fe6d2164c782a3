// The source reader: select a passage, then "Write a question quoting this" opens the question editor with it.
// Without JavaScript each paragraph's own link does the same with the whole paragraph.
(function () {
  "use strict";
  var MAX_QUOTE = 600; // characters carried in the link; the editor checks the quote (30 words at most)

  function paragraphOf(node) {
    var element = node && (node.nodeType === 1 ? node : node.parentElement);
    return element ? element.closest("[data-paragraph]") : null;
  }

  function update() {
    var bar = document.getElementById("quote-bar");
    var link = document.getElementById("quote-selection");
    var text = document.querySelector(".reader-text[data-quote-url]");
    if (!bar || !link || !text) return;
    var selection = window.getSelection();
    var quote = selection ? selection.toString().replace(/\s+/g, " ").trim() : "";
    var first = selection && selection.rangeCount ? paragraphOf(selection.getRangeAt(0).startContainer) : null;
    if (!quote || !first || !text.contains(first)) {
      bar.hidden = true;
      return;
    }
    var query = new URLSearchParams({
      source: text.dataset.source,
      paragraph: first.dataset.paragraph,
      quote: quote.slice(0, MAX_QUOTE),
    });
    link.href = text.dataset.quoteUrl + "?" + query.toString();
    bar.hidden = false;
  }

  document.addEventListener("selectionchange", update);
})();
