// Small conveniences on every page: copy buttons, and keyboard shortcuts (press ? for the list).
(function () {
  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('button[data-copy]');
    if (!button || !navigator.clipboard) return;
    navigator.clipboard.writeText(button.dataset.copy).then(function () {
      button.textContent = 'Copied';
      button.classList.add('copied');
      setTimeout(function () { button.textContent = 'Copy'; button.classList.remove('copied'); }, 1500);
    });
  });

  // A live region sent again unchanged (every stream opens with the whole page's regions) is not
  // swapped: swapping would drop the keyboard focus and the place Tab continues from.
  document.addEventListener('htmx:sseBeforeMessage', function (event) {
    var region = event.target;
    var swap = region.getAttribute && region.getAttribute('hx-swap');
    if (swap && swap.indexOf('innerHTML') !== 0) return;
    var incoming = document.createElement('template');
    incoming.innerHTML = event.detail.data;
    if (incoming.innerHTML === region.innerHTML) event.preventDefault();
  });

  var SHORTCUTS = [
    ['g p', 'Projects', function () { location.href = '/'; }],
    ['g k', 'SSH keys', function () { location.href = '/keys'; }],
    ['d', 'Deploy this service', function () { click('[data-shortcut="d"]'); }],
    ['1 … 5', 'Service tabs: overview, deployments, variables, settings, logs', null],
    ['/', 'Filter the log', function () { var f = document.querySelector('.logview input[type="search"]'); if (f) f.focus(); }],
    ['Ctrl K, ⌘ K', 'Go to a project, service or page, or run deploy, rollback, logs by name', null],
    ['?', 'This list', function () { help(); }],
  ];
  function click(selector) { var el = document.querySelector(selector); if (el) el.click(); }
  function help() {
    var dialog = document.querySelector('dialog.shortcuts');
    if (!dialog) {
      dialog = document.createElement('dialog');
      dialog.className = 'shortcuts';
      dialog.setAttribute('aria-label', 'Keyboard shortcuts');
      var rows = SHORTCUTS.map(function (s) { return '<dt><kbd>' + s[0] + '</kbd></dt><dd>' + s[1] + '</dd>'; }).join('');
      dialog.innerHTML = '<h2>Keyboard shortcuts</h2><dl class="facts">' + rows + '</dl><form method="dialog"><button>Close</button></form>';
      document.body.appendChild(dialog);
    }
    dialog.showModal();
  }

  var pending = '';
  document.addEventListener('keydown', function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target.closest && target.closest('input, textarea, select, [contenteditable], dialog')) return;
    var key = pending ? pending + ' ' + event.key : event.key;
    pending = '';
    if (key === 'g') { pending = 'g'; return; }
    if (/^[1-5]$/.test(key)) {
      var tab = document.querySelectorAll('nav.tabs a')[Number(key) - 1];
      if (tab) { event.preventDefault(); tab.click(); }
      return;
    }
    for (var i = 0; i < SHORTCUTS.length; i++) {
      if (SHORTCUTS[i][0] === key && SHORTCUTS[i][2]) { event.preventDefault(); SHORTCUTS[i][2](); return; }
    }
  });
})();
