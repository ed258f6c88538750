// Suggestions for the fields that name members by username, comma separated
// (seminars.forms.MemberNamesInput): what is typed after the last comma is looked up at the
// field's data-member-suggestions address and offered in its <datalist>. Without this script
// the field is a plain text field; a static file because the site's CSP forbids inline script.
(function () {
  "use strict";

  function suggest(input) {
    const list = document.getElementById(input.getAttribute("list"));
    let timer = null;
    let asked = "";
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(async function () {
        const before = input.value.split(",");
        const typed = before.pop().trim();
        if (!list || typed.length < 2 || typed === asked) {
          return;
        }
        asked = typed;
        const url = new URL(input.dataset.memberSuggestions, window.location.href);
        url.searchParams.set("q", typed);
        const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
        if (!response.ok) {
          return;
        }
        const chosen = before.map((name) => name.trim()).filter(Boolean);
        const { members } = await response.json();
        list.replaceChildren(
          ...members.map(function (member) {
            const option = document.createElement("option");
            option.value = chosen.concat([member.username]).join(", ");
            option.label = member.label;
            return option;
          }),
        );
      }, 200);
    });
  }

  function start() {
    document.querySelectorAll("input[data-member-suggestions]").forEach(suggest);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
