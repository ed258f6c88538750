// Remember the browser's time zone so pages can show times in it before a member picks one.
// Zone names (letters, digits, "/", "_", "+", "-") are valid cookie values as they are; encoded,
// "Europe/Istanbul" would arrive as "Europe%2FIstanbul", which the server does not know.
(function () {
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && /^[A-Za-z0-9\/_+-]+$/.test(zone) && document.cookie.indexOf("nlu_tz=" + zone) === -1) {
      document.cookie = "nlu_tz=" + zone + "; path=/; max-age=31536000; SameSite=Lax";
    }
  } catch (e) { /* old browser: the site's time zone is used */ }
})();
