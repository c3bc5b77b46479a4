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
