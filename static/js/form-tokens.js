// Forms on pages stored whole in the page cache (the comment form, the sign-up form) arrive
// without what is personal to one visitor: the CSRF value, and the comment form's one-time
// token. `form[data-token-url]` asks that address for them when the visitor first reaches the
// form (or, at the latest, when they send it) and fills them in: the answer's "csrf" goes to
// csrfmiddlewaretoken, any other key to the hidden input of that name. Without this file the
// forms still work: a post without them comes back with them, what was typed kept.
(function () {
  "use strict";

  var FIELDS = "input[name='csrfmiddlewaretoken'], input[name='form_token']";

  function ready(form) {
    return Array.prototype.every.call(form.querySelectorAll(FIELDS), function (input) {
      return input.value !== "";
    });
  }

  function fill(form, answer) {
    Object.keys(answer).forEach(function (key) {
      var name = key === "csrf" ? "csrfmiddlewaretoken" : key;
      var input = form.querySelector("input[name='" + name + "']");
      if (input) {
        input.value = answer[key];
      }
    });
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
        .then(function (answer) {
          fill(form, answer);
        })
        .catch(function () {
          form._tokens = null; // try again on the next focus; a post without stays safe
        });
    }
    return form._tokens;
  }

  function setUp(form) {
    form.addEventListener("focusin", function () {
      if (!ready(form)) {
        fetchTokens(form);
      }
    });
    form.addEventListener("submit", function (event) {
      if (ready(form)) {
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
      (fetchTokens(form) || Promise.resolve()).then(send, send);
    });
  }

  document.querySelectorAll("form[data-token-url]").forEach(setUp);
})();
