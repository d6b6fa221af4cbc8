// Share links: the "Copy link" button copies the page address (shown only where the browser
// can copy; otherwise the address stays in its field to select by hand). No third party.
(function () {
  "use strict";
  if (!navigator.clipboard) {
    return;
  }
  document.querySelectorAll("[data-copy-link]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy-link"));
    if (!field) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        button.textContent = button.getAttribute("data-copied");
      });
    });
  });
})();
