// The member chooser of the admin (courses.widgets.MemberChooser): what is typed is looked up at
// the chooser's data-member-chooser address, and a found member is added as a ticked box.
// Without this script the chosen members can still be unticked; a static file because the
// site's CSP forbids inline script.
(function () {
  "use strict";

  function choose(chooser, member) {
    const name = chooser.dataset.name;
    const present = chooser.querySelector(`input[name="${CSS.escape(name)}"][value="${CSS.escape(String(member.id))}"]`);
    if (present) {
      present.checked = true;
      return;
    }
    const label = document.createElement("label");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.name = name;
    box.value = member.id;
    box.checked = true;
    label.append(box, " " + member.label);
    const item = document.createElement("div");
    item.append(label);
    chooser.querySelector(".member-chooser-chosen").append(item);
  }

  function start(chooser) {
    const search = chooser.querySelector(".member-chooser-search");
    const suggestions = chooser.querySelector(".member-chooser-suggestions");
    let timer = null;
    search.hidden = false;
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault(); // adding a member must not send the page's form
      }
    });
    search.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(async function () {
        const typed = search.value.trim();
        if (!typed) {
          suggestions.replaceChildren();
          return;
        }
        const url = new URL(chooser.dataset.memberChooser, window.location.href);
        url.searchParams.set("q", typed);
        const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
        if (!response.ok || search.value.trim() !== typed) {
          return;
        }
        const { members } = await response.json();
        if (!members.length) {
          const none = document.createElement("li");
          none.textContent = chooser.dataset.none;
          suggestions.replaceChildren(none);
          return;
        }
        suggestions.replaceChildren(
          ...members.map(function (member) {
            const item = document.createElement("li");
            const button = document.createElement("button");
            button.type = "button";
            button.className = "button button-small button-secondary";
            button.textContent = member.label;
            button.addEventListener("click", function () {
              choose(chooser, member);
              search.value = "";
              suggestions.replaceChildren();
              search.focus();
            });
            item.append(button);
            return item;
          }),
        );
      }, 200);
    });
  }

  function startAll() {
    document.querySelectorAll("[data-member-chooser]").forEach(start);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", startAll);
  } else {
    startAll();
  }
})();
