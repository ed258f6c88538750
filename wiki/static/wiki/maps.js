/* The wiki's diagrams (```mermaid blocks), drawn with the vendored mermaid in its strict mode.
 *
 * The page holds each diagram as its source text, in <figure class="wiki-map"> with a caption; that
 * is all a reader without JavaScript gets, and it is readable. Here the drawing goes in above the
 * source, hidden from screen readers (the caption names the figure, the source says what it holds),
 * and the source folds into a "Diagram source" disclosure. A diagram mermaid cannot draw keeps its
 * source open with a note. The page's template loads this (after mermaid) only when it has a diagram;
 * its labels come translated in data- attributes of this script's tag.
 *
 * The site's Content-Security-Policy allows no inline style. A page with a diagram (and only such a
 * page, see wiki.views.base.render_with_diagrams) also allows style attributes and the <style> elements
 * that carry its nonce, which this script's tag has: mermaid's drawing is its SVG's own stylesheet
 * and style attributes. Only that stylesheet gets the nonce, so any other <style> stays blocked.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var labels = (script && script.dataset) || {};
  var nonce = (script && script.nonce) || "";
  var XLINK = "http://www.w3.org/1999/xlink";
  // mermaid's stylesheet: the first child of the drawing's root, as mermaid's sanitiser gets the drawing.
  var OWN_STYLE = /^(\s*<svg\b[^>]*>)<style(?=[\s>/])/;

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
    var template = document.createElement("template");
    template.innerHTML = svg; // mermaid's output in strict mode: the labels' markup escaped, clicks not bound
    var root = template.content.firstElementChild;
    template.content.querySelectorAll("style").forEach(function (style) {
      if (style.parentNode === root && style === root.firstElementChild) {
        style.setAttribute("nonce", nonce);
      } else {
        style.removeAttribute("nonce");
      }
    });
    drawing.append(template.content);
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

  // mermaid has no setting for a CSP nonce: while it draws, the <style> elements it makes (its stylesheet,
  // in the document while it measures) and its stylesheet in the drawing its sanitiser (DOMPurify) parses
  // carry the page's nonce. Without it, the drawing would be black shapes and the console full of refusals.
  async function withNonce(draw) {
    var create = document.createElement, createNS = document.createElementNS;
    var parse = DOMParser.prototype.parseFromString;
    function stamp(element) {
      if (element.localName === "style") {
        element.setAttribute("nonce", nonce);
      }
      return element;
    }
    document.createElement = function () {
      return stamp(create.apply(document, arguments));
    };
    document.createElementNS = function () {
      return stamp(createNS.apply(document, arguments));
    };
    DOMParser.prototype.parseFromString = function (markup, type) {
      return parse.call(this, String(markup).replace(OWN_STYLE, "$1<style nonce=\"" + nonce + "\""), type);
    };
    try {
      return await draw();
    } finally {
      delete document.createElement;
      delete document.createElementNS;
      DOMParser.prototype.parseFromString = parse;
    }
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
        var result = await withNonce(function () {
          return window.mermaid.render("wiki-map-drawing-" + index, pre.textContent);
        });
        show(figure, pre, result.svg);
      } catch (error) {
        fail(figure, pre);
      }
    }
  }

  drawAll();
})();
