// Small page behaviours, by event delegation (no inline handlers).
document.addEventListener("click", function (event) {
  var pick = event.target.closest("[data-pick-unit]");
  if (pick) {
    var select = document.getElementById(pick.dataset.pickUnit);
    if (select) select.value = pick.dataset.unit;
  }
  var dismiss = event.target.closest("[data-dismiss]");
  if (dismiss) {
    var box = document.querySelector(dismiss.dataset.dismiss);
    if (box) box.innerHTML = "";
  }
});
// A panel marked data-hold-while-focused is not redrawn (live event or 30 s poll) while the user is
// in it, e.g. typing a decision: htmx's trigger filters would need eval, which the CSP forbids.
document.addEventListener("htmx:beforeRequest", function (event) {
  var elt = event.detail.elt;
  if (elt.matches("[data-hold-while-focused]") && elt.contains(document.activeElement)) event.preventDefault();
});
