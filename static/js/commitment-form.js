// The commitment form: keep the milestones' total weight up to date while typing.
// The form works without this file; the server shows the same total after each submit.
(function () {
  "use strict";

  function milestoneWeight(row) {
    var remove = row.querySelector(".milestone-delete");
    if (remove && remove.checked) {
      return 0;
    }
    var isNew = !row.querySelector("input[name$='-milestone_id']").value;
    var title = row.querySelector("input[name$='-title_ar']");
    if (isNew && title && !title.value.trim()) {
      return 0;
    }
    var weight = parseInt(row.querySelector(".milestone-weight").value, 10);
    return isNaN(weight) ? 0 : weight;
  }

  function updateTotal(form) {
    var output = form.querySelector("[data-weight-total]");
    if (!output) {
      return;
    }
    var total = 0;
    form.querySelectorAll("[data-milestone]").forEach(function (row) {
      total += milestoneWeight(row);
    });
    output.textContent = String(total);
    var line = form.querySelector("[data-weight-total-line]");
    line.classList.toggle("text-danger", total !== 100);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-commitment-form]").forEach(function (form) {
      form.addEventListener("input", function () {
        updateTotal(form);
      });
      form.addEventListener("change", function () {
        updateTotal(form);
      });
    });
  });
})();
