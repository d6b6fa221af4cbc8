// The public comment form (its tokens: form-tokens.js): a live count of the characters
// against the limit (nothing is ever cut), and the error summary of a refused post takes
// the focus.
(function () {
  "use strict";

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_match, name) {
      return values[name];
    });
  }

  function setUpCounter(form) {
    var body = form.querySelector("textarea[name='body']");
    var counter = form.querySelector(".char-count");
    if (!body || !counter) {
      return;
    }
    var limit = parseInt(body.dataset.limit, 10);
    var help = document.getElementById("id_body_helptext");
    function update() {
      var count = body.value.length;
      var over = count - limit;
      counter.textContent =
        over > 0
          ? format(counter.dataset.over, { over: over })
          : format(counter.dataset.count, { count: count, limit: limit });
      counter.classList.toggle("char-count-over", over > 0);
      // Announced only when it matters: crossing the limit, either way.
      var wasOver = counter.getAttribute("role") === "alert";
      if (over > 0 && !wasOver) {
        counter.setAttribute("role", "alert");
      } else if (over <= 0 && wasOver) {
        counter.removeAttribute("role");
      }
    }
    counter.hidden = false;
    var described = (body.getAttribute("aria-describedby") || "").split(" ");
    if (described.indexOf(counter.id) === -1) {
      described.push(counter.id);
      body.setAttribute("aria-describedby", described.join(" ").trim());
    }
    if (help) {
      help.hidden = false;
    }
    body.addEventListener("input", update);
    update();
  }

  function setUp(form) {
    setUpCounter(form);
    var summary = form.querySelector("#comment-errors") || form.querySelector("#comment-notice");
    if (summary) {
      // After the page has scrolled to its #comment-form anchor, which would take the
      // focus back to the document.
      var focus = function () {
        summary.focus({ preventScroll: true });
        summary.scrollIntoView({ block: "start" });
      };
      if (document.readyState === "complete") {
        window.setTimeout(focus, 0);
      } else {
        window.addEventListener("load", function () {
          window.setTimeout(focus, 0);
        });
      }
    }
  }

  document.querySelectorAll("form.comment-form[data-token-url]").forEach(setUp);
})();
