// Give every form control Bootstrap's classes (forms are rendered field by field, no JS framework).
document.querySelectorAll("form input, form select, form textarea").forEach(function (el) {
  if (el.type === "checkbox" || el.type === "radio") { el.classList.add("form-check-input"); return; }
  if (el.type === "hidden") { return; }
  el.classList.add(el.tagName === "SELECT" ? "form-select" : "form-control");
  if (el.closest(".mb-3") && el.closest(".mb-3").querySelector(".invalid-feedback")) { el.classList.add("is-invalid"); }
});
