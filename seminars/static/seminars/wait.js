// The waiting room: ask every 10 s whether the tutor has started; then join (consent permitting).
(function () {
  var form = document.getElementById("join-when-open");
  if (!form || !window.fetch) { return; }
  var consent = form.querySelector("input[name=consent]");
  function check() {
    fetch(form.dataset.statusUrl, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.status === "running" && (!consent || consent.checked)) { form.submit(); }
        else if (data.status === "scheduled" || data.status === "running") { setTimeout(check, 10000); }
        else { window.location.reload(); }
      })
      .catch(function () { setTimeout(check, 30000); });
  }
  setTimeout(check, 10000);
})();
