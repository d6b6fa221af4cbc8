// The staff workspace's small behaviours (loaded by templates/manage/base.html, deferred).
(function () {
  "use strict";

  // After a refused post, move the focus to the form's error summary
  // (templates/manage/_form_errors.html), so that a screen reader announces it and a phone
  // shows it; each of its links leads to its field.
  var summary = document.querySelector(".form-error-summary");
  if (summary) {
    summary.focus();
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest(".form-error-summary a[href^='#']");
    if (!link) {
      return;
    }
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (field) {
      event.preventDefault();
      field.scrollIntoView({ block: "center" });
      field.focus();
    }
  });

  // A table wider than a phone scrolls sideways inside its frame: the frame takes the
  // keyboard focus, so it can be scrolled with the arrow keys too (WCAG 2.1.1).
  document.querySelectorAll(".table-responsive").forEach(function (frame) {
    if (!frame.hasAttribute("tabindex")) {
      frame.setAttribute("tabindex", "0");
    }
  });
})();
