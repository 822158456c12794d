// Moves focus to the error summary or the confirmation heading after a submission, so screen
// readers announce the outcome. The pages work without this file.
(function () {
  var target = document.getElementById('error-summary') || document.getElementById('done');
  if (target) { target.focus(); }
})();
