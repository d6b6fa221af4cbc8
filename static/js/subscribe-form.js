// The sign-up form for consultation news. Its page is stored whole in the page cache, so the
// form arrives without its CSRF value: ask the server for one when the visitor first reaches
// the form (or, at the latest, when they send it). Without this file the form still works:
// a post without the value comes back with it, the address kept, to be sent again.
(function () {
  "use strict";

  function csrfInput(form) {
    return form.querySelector("input[name='csrfmiddlewaretoken']");
  }

  function fetchToken(form) {
    if (!form._token) {
      form._token = fetch(form.dataset.tokenUrl, {
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
          csrfInput(form).value = answer.csrf;
        })
        .catch(function () {
          form._token = null; // try again on the next focus; a post without stays safe
        });
    }
    return form._token;
  }

  function setUp(form) {
    form.addEventListener("focusin", function () {
      if (csrfInput(form).value === "") {
        fetchToken(form);
      }
    });
    form.addEventListener("submit", function (event) {
      if (csrfInput(form).value !== "") {
        return;
      }
      event.preventDefault();
      if (form._sending) {
        return; // a second click while the value arrives: one post
      }
      form._sending = true;
      var send = function () {
        HTMLFormElement.prototype.submit.call(form);
      };
      (fetchToken(form) || Promise.resolve()).then(send, send);
    });
    var notice = form.querySelector("#subscribe-notice");
    if (notice) {
      notice.focus();
    }
  }

  document.querySelectorAll("form.subscribe-form[data-token-url]").forEach(setUp);
})();
