// Behaviour shared by every page. The Content-Security-Policy allows no inline script or handler,
// so what templates once did with <script> blocks and on*= attributes is declared with data-*
// attributes and handled here (htmx.onLoad covers content swapped in by htmx as well).
(function () {
  "use strict";

  // core/_form_fields.html: Bootstrap classes for the widgets Django renders without them.
  function styleFormFields() {
    if (!document.querySelector("[data-style-form-fields]")) { return; }
    document.querySelectorAll("form input:not([type=checkbox]):not([type=radio]):not([type=hidden]), form select, form textarea").forEach(function (el) {
      el.classList.add(el.tagName === "SELECT" ? "form-select" : "form-control");
    });
    document.querySelectorAll("form input[type=radio]").forEach(function (el) { el.classList.add("form-check-input"); });
  }

  // <button data-confirm="…">: ask before an irreversible step (e.g. issuing a document).
  document.addEventListener("click", function (event) {
    var el = event.target.closest("[data-confirm]");
    if (el && !window.confirm(el.dataset.confirm)) { event.preventDefault(); }
  });

  // <a data-history-back>: back to the previous page (its href is the fallback without history).
  document.addEventListener("click", function (event) {
    var el = event.target.closest("[data-history-back]");
    if (el && window.history.length > 1) { event.preventDefault(); window.history.back(); }
  });

  // <select data-autosubmit>: a filter that applies as soon as it changes.
  document.addEventListener("change", function (event) {
    var el = event.target.closest("[data-autosubmit]");
    if (el && el.form) { el.form.submit(); }
  });

  // core/list_base.html: htmx filtering updates the address bar, not the export link, so the
  // export takes what the address says, minus the page.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-export-link]");
    if (!link) { return; }
    var query = new URLSearchParams(window.location.search);
    query.delete("page");
    query.set("format", "xlsx");
    link.href = "?" + query.toString();
  });

  if (window.htmx) {
    window.htmx.onLoad(styleFormFields);
  } else {
    document.addEventListener("DOMContentLoaded", styleFormFields);
  }
})();
