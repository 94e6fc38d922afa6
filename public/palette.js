// The command palette: Ctrl-K, ⌘-K or the header's Search button opens it (also while typing
// in a field: no other shortcut does). The server says what matches (GET /palette?q=…, only what
// the user may see) and the question each action asks; arrows choose, Enter goes or runs after
// that question, Escape closes and focus goes back where it was.
(function () {
  var dialog, input, results, opener = null, active = -1, timer = null, asked = 0, busy = false, answered = Promise.resolve();

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute('hx-headers') || '{}')['X-CSRF-Token']; } catch (e) { return undefined; }
  }
  function options() { return results.querySelectorAll('[role="option"]'); }
  function say(text, isError) {
    var status = results.querySelector('.palette-said');
    if (!status) { status = document.createElement('p'); status.className = 'muted palette-said'; status.setAttribute('role', 'status'); results.appendChild(status); }
    status.textContent = text;
    status.classList.toggle('error', !!isError);
  }

  function choose(index) {
    var list = options();
    if (list.length === 0) { active = -1; input.removeAttribute('aria-activedescendant'); return; }
    active = (index + list.length) % list.length;
    for (var i = 0; i < list.length; i++) list[i].setAttribute('aria-selected', i === active ? 'true' : 'false');
    input.setAttribute('aria-activedescendant', list[active].id);
    list[active].scrollIntoView({ block: 'nearest' });
  }

  function show(html) {
    results.innerHTML = html;
    var found = options().length > 0;
    input.setAttribute('aria-expanded', found ? 'true' : 'false');
    if (found) input.setAttribute('aria-controls', 'palette-listbox'); else input.removeAttribute('aria-controls');
    choose(0);
  }

  function search() {
    var mine = ++asked;
    timer = null;
    // HX-Request: a refusal comes back as a short fragment, not a whole error page.
    answered = fetch('/palette?q=' + encodeURIComponent(input.value), { credentials: 'same-origin', headers: { 'HX-Request': 'true' } })
      .then(function (res) {
        if (res.redirected) { location.href = res.url; return; } // signed out meanwhile
        return res.text().then(function (html) { if (mine === asked) show(html); });
      })
      .catch(function () { if (mine === asked) { show(''); say('Spur did not answer; try again.', true); } });
    return answered;
  }

  function runChosen() {
    var list = options();
    if (active >= 0 && list[active]) run(list[active]);
  }

  function run(option) {
    if (busy) return;
    if (option.getAttribute('aria-disabled') === 'true') { say('This cannot run now: ' + option.textContent.trim().replace(/\s+/g, ' '), true); return; }
    var post = option.dataset.post;
    if (!post) { location.href = option.dataset.href; return; }
    if (option.dataset.confirm && !window.confirm(option.dataset.confirm)) return;
    busy = true;
    input.setAttribute('aria-busy', 'true');
    say('Starting: ' + option.querySelector('strong').textContent + '…');
    fetch(post, { method: 'POST', credentials: 'same-origin', headers: { 'X-CSRF-Token': csrfToken() || '', 'HX-Request': 'true', 'Content-Type': 'application/x-www-form-urlencoded' }, body: option.dataset.fields || '' })
      .then(function (res) {
        if (res.ok && res.redirected) { location.href = res.url; return; }
        return res.text().then(function (html) {
          // Only its words: parsed in an inert document, nothing of it runs or loads.
          var words = new DOMParser().parseFromString(html, 'text/html').body.textContent.trim();
          say(words || 'It did not start (' + res.status + ').', true);
        });
      })
      .catch(function () { say('Spur did not answer; nothing was started.', true); })
      .then(function () { busy = false; input.removeAttribute('aria-busy'); });
  }

  function open() {
    if (!dialog.open) {
      opener = document.activeElement;
      input.value = '';
      show('');
      dialog.showModal();
      search();
    }
    input.focus();
    input.select();
  }

  function init() {
    dialog = document.getElementById('palette');
    if (!dialog) return; // signed out: no palette
    input = document.getElementById('palette-input');
    results = document.getElementById('palette-results');

    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(search, 120);
    });
    input.addEventListener('keydown', function (event) {
      if (event.key === 'ArrowDown') { event.preventDefault(); choose(active + 1); }
      else if (event.key === 'ArrowUp') { event.preventDefault(); choose(active - 1); }
      else if (event.key === 'Enter') {
        event.preventDefault();
        // Acts on the results for what is typed now, not for what was typed a moment ago.
        if (timer) { clearTimeout(timer); search().then(runChosen); } else answered.then(runChosen);
      }
    });
    results.addEventListener('click', function (event) {
      var option = event.target.closest && event.target.closest('[role="option"]');
      if (!option) return;
      choose(Array.prototype.indexOf.call(options(), option));
      run(option);
    });
    dialog.addEventListener('close', function () {
      clearTimeout(timer);
      timer = null;
      if (opener && typeof opener.focus === 'function' && document.contains(opener)) opener.focus();
      opener = null;
    });
    // A click on the backdrop (outside the box) closes it, as Escape does.
    dialog.addEventListener('click', function (event) { if (event.target === dialog) dialog.close(); });
    document.addEventListener('click', function (event) {
      if (event.target.closest && event.target.closest('[data-palette-open]')) open();
    });
    document.addEventListener('keydown', function (event) {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && (event.key === 'k' || event.key === 'K')) {
        event.preventDefault();
        open();
      }
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init); else init();
})();
