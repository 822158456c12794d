// Tells the office that a person's browser showed this opt-in page (a campaign's "opened" figure).
// Link previews and mail scanners fetch the page but rarely run scripts, and the page's GET never
// records anything. The request changes nothing of the person's consent.
(function () {
  var form = document.querySelector('form[data-opened]');
  if (!form || !window.fetch) { return; }
  var field = form.querySelector('input[name="__RequestVerificationToken"]');
  if (!field) { return; }
  var body = new URLSearchParams();
  body.append('__RequestVerificationToken', field.value);
  fetch(form.getAttribute('data-opened'), { method: 'POST', body: body, credentials: 'same-origin' })
    .catch(function () { /* a figure for the office, never the person's problem */ });
})();
