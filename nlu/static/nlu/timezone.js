// Remember the browser's time zone so pages can show times in it before a member picks one.
(function () {
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && document.cookie.indexOf("nlu_tz=" + encodeURIComponent(zone)) === -1) {
      document.cookie = "nlu_tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; SameSite=Lax";
    }
  } catch (e) { /* old browser: the site's time zone is used */ }
})();
