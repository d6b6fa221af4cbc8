// The public comment form. The page that holds it is stored whole in the page cache, so the
// form arrives without its one-time token and CSRF value: ask the server for both when the
// visitor first reaches the form (or, at the latest, when they send it). Also: a live count
// of the characters against the limit (nothing is ever cut), and the error summary of a
// refused post takes the focus. Without this file the form still works: a post without
// tokens comes back with them, the text kept, to be sent again.
(function () {
  "use strict";

  function fill(form, tokens) {
    form.querySelector("input[name='csrfmiddlewaretoken']").value = tokens.csrf;
    form.querySelector("input[name='form_token']").value = tokens.form_token;
  }

  function hasTokens(form) {
    return form.querySelector("input[name='form_token']").value !== "";
  }

  function fetchTokens(form) {
    if (!form._tokens) {
      form._tokens = fetch(form.dataset.tokenUrl, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        cache: "no-store",
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(response.status);
          }
          return response.json();
        })
        .then(function (tokens) {
          fill(form, tokens);
        })
        .catch(function () {
          form._tokens = null; // try again on the next focus; a post without stays safe
        });
    }
    return form._tokens;
  }

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
    form.addEventListener("focusin", function () {
      if (!hasTokens(form)) {
        fetchTokens(form);
      }
    });
    form.addEventListener("submit", function (event) {
      if (hasTokens(form)) {
        return;
      }
      event.preventDefault();
      if (form._sending) {
        return; // a second click while the tokens arrive: one post
      }
      form._sending = true;
      var send = function () {
        HTMLFormElement.prototype.submit.call(form);
      };
      var pending = fetchTokens(form);
      (pending || Promise.resolve()).then(send, send);
    });
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
