// The sign-up form for consultation news (its tokens: form-tokens.js). A post sent without
// its CSRF value comes back with a notice: it takes the focus.
(function () {
  "use strict";

  var notice = document.querySelector("form.subscribe-form #subscribe-notice");
  if (notice) {
    notice.focus();
  }
})();
