// Keeps the sandbox phone current: every few seconds it fetches the message area alone and swaps
// in each part (WhatsApp chat, SMS, e-mail) whose signature changed. The reply box is outside
// those parts, so typing is never disturbed; a part holding the keyboard focus waits for the next
// round. The page works without this file (its "Refresh" link reloads it).
(function () {
  'use strict';
  var source = document.getElementById('sandbox-source');
  var live = document.getElementById('sandbox-live');
  if (!source || !window.fetch || !document.createElement('template').content) { return; }
  var url = source.getAttribute('data-url');
  var ids = ['sandbox-chat', 'sandbox-sms', 'sandbox-email'];
  var every = 3000;

  function swap(html) {
    var template = document.createElement('template');
    template.innerHTML = html;
    var changed = false;
    ids.forEach(function (id) {
      var current = document.getElementById(id);
      var fresh = template.content.getElementById
        ? template.content.getElementById(id)
        : template.content.querySelector('#' + id);
      if (!current || !fresh) { return; }
      if (current.getAttribute('data-signature') === fresh.getAttribute('data-signature')) { return; }
      if (current.contains(document.activeElement)) { return; }
      current.replaceWith(fresh);
      changed = true;
    });
    if (changed && live) {
      // Announced once by screen readers; cleared so the next change is announced again.
      live.textContent = live.getAttribute('data-new');
      window.setTimeout(function () { live.textContent = ''; }, 2000);
    }
  }

  function tick() {
    if (document.hidden) { window.setTimeout(tick, every); return; }
    fetch(url, { credentials: 'same-origin', cache: 'no-store', headers: { 'Accept': 'text/html' } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html) { swap(html); } })
      .catch(function () { /* offline or restarting: try again next round */ })
      .then(function () { window.setTimeout(tick, every); });
  }

  window.setTimeout(tick, every);
})();
