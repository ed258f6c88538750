/* The wiki's diagrams (```mermaid blocks), drawn with the vendored mermaid in its strict mode.
 *
 * The page holds each diagram as its source text, in <figure class="wiki-map"> with a caption; that
 * is all a reader without JavaScript gets, and it is readable. Here the drawing goes in above the
 * source, hidden from screen readers (the caption names the figure, the source says what it holds),
 * and the source folds into a "Diagram source" disclosure. A diagram mermaid cannot draw keeps its
 * source open with a note. The page's template loads this (after mermaid) only when it has a diagram;
 * its labels come translated in data- attributes of this script's tag.
 */
(function () {
  "use strict";

  var labels = (document.currentScript && document.currentScript.dataset) || {};
  var XLINK = "http://www.w3.org/1999/xlink";

  function source(figure, pre, open) {
    var details = document.createElement("details");
    var summary = document.createElement("summary");
    details.className = "wiki-map-source";
    details.open = open;
    summary.textContent = labels.sourceLabel || "Diagram source";
    pre.replaceWith(details);
    details.append(summary, pre);
    return details;
  }

  function show(figure, pre, svg) {
    var drawing = document.createElement("div");
    drawing.className = "wiki-map-drawing";
    drawing.setAttribute("aria-hidden", "true");
    drawing.innerHTML = svg; // mermaid's output in strict mode: the labels' markup escaped, clicks not bound
    // Nothing in a drawing hidden from screen readers may take the focus, nor lead anywhere.
    drawing.querySelectorAll("a").forEach(function (link) {
      link.removeAttribute("href");
      link.removeAttributeNS(XLINK, "href");
    });
    drawing.querySelectorAll("[tabindex]").forEach(function (element) {
      element.removeAttribute("tabindex");
    });
    figure.insertBefore(drawing, pre);
    source(figure, pre, false);
    figure.classList.add("wiki-map-drawn");
  }

  function fail(figure, pre) {
    var note = document.createElement("p");
    note.className = "wiki-map-note";
    note.textContent = labels.failedLabel || "This diagram could not be drawn: its source is shown.";
    figure.insertBefore(note, pre);
    figure.classList.add("wiki-map-failed");
  }

  async function drawAll() {
    var figures = document.querySelectorAll("figure.wiki-map");
    if (!figures.length || !window.mermaid) {
      return;
    }
    window.mermaid.initialize({ startOnLoad: false, securityLevel: "strict", suppressErrorRendering: true });
    for (var index = 0; index < figures.length; index++) {
      var figure = figures[index];
      var pre = figure.querySelector("pre.mermaid-source");
      if (!pre || figure.classList.contains("wiki-map-drawn")) {
        continue;
      }
      try {
        var result = await window.mermaid.render("wiki-map-drawing-" + index, pre.textContent);
        show(figure, pre, result.svg);
      } catch (error) {
        fail(figure, pre);
      }
    }
  }

  drawAll();
})();
