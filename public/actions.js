// Actions that ask first and say what they are doing, for every form (plain or htmx) at once:
// - data-confirm on a form (or its submit button): a dialog asks that question before it is sent;
//   Escape or Cancel sends nothing. The `d` shortcut presses the Deploy button, so it asks too.
// - data-busy on a submit button (or its form): once sent, the button is disabled and says those
//   words ("Deleting web…") until the answer comes (a new page with its toast, or the refusal in
//   place); a failed request gives the button back and says so.
// The wording comes from the server (src/actions/words.ts).
(function () {
  var confirmed = null;

  function ask(question, yes, danger) {
    return new Promise(function (resolve) {
      var dialog = document.createElement('dialog');
      dialog.className = 'confirm';
      dialog.setAttribute('aria-label', 'Confirm');
      var text = document.createElement('p');
      text.id = 'confirm-question';
      text.textContent = question;
      dialog.setAttribute('aria-describedby', text.id);
      var buttons = document.createElement('form');
      buttons.method = 'dialog';
      buttons.className = 'row';
      var no = document.createElement('button');
      no.value = 'no';
      no.textContent = 'Cancel';
      var ok = document.createElement('button');
      ok.value = 'yes';
      ok.className = danger ? 'danger' : 'primary';
      ok.textContent = yes;
      buttons.append(ok, no);
      dialog.append(text, buttons);
      dialog.addEventListener('close', function () {
        resolve(dialog.returnValue === 'yes');
        dialog.remove();
      });
      document.body.appendChild(dialog);
      dialog.showModal();
      ok.focus();
    });
  }

  function attr(form, submitter, name) {
    return (submitter && submitter.getAttribute(name)) || form.getAttribute(name);
  }

  function submitterOf(event) {
    return event.submitter || event.target.querySelector('button[type="submit"], button:not([type])');
  }

  // htmx sends a submit button's name=value only when that button was clicked, not when Enter
  // submits with the default button: a hidden copy sends it either way.
  function sendSubmitter(form, submitter) {
    if (!form.hasAttribute('hx-post')) return;
    form.querySelectorAll('input[data-submitter]').forEach(function (input) { input.remove(); });
    if (!submitter || !submitter.name) return;
    var copy = document.createElement('input');
    copy.type = 'hidden';
    copy.name = submitter.name;
    copy.value = submitter.value;
    copy.setAttribute('data-submitter', '');
    form.appendChild(copy);
  }

  // Capture phase: runs before htmx's own listener on the form, so nothing is sent unasked.
  document.addEventListener('submit', function (event) {
    var form = event.target;
    var submitter = submitterOf(event);
    sendSubmitter(form, event.submitter);
    var question = attr(form, submitter, 'data-confirm');
    if (!question) return;
    if (confirmed === form) { confirmed = null; return; }
    event.preventDefault();
    event.stopPropagation();
    var yes = (submitter && submitter.textContent.trim()) || 'Go ahead';
    ask(question, yes, submitter && submitter.classList.contains('danger')).then(function (go) {
      if (!go) { if (submitter) submitter.focus(); return; }
      confirmed = form;
      if (form.requestSubmit) form.requestSubmit(event.submitter || undefined);
      else form.submit();
    });
  }, true);

  // Bubble phase: the request is under way (htmx has read the form); now say so.
  document.addEventListener('submit', function (event) {
    var form = event.target;
    var submitter = submitterOf(event);
    var busy = attr(form, submitter, 'data-busy');
    if (!busy || !submitter) return;
    setTimeout(function () { setBusy(form, submitter, busy); }, 0);
  });

  function setBusy(form, button, words) {
    button.dataset.idle = button.innerHTML;
    button.textContent = words;
    button.disabled = true;
    form.setAttribute('aria-busy', 'true');
    form.classList.add('busy');
    var status = form.querySelector('.busy-status');
    if (!status) {
      status = document.createElement('span');
      status.className = 'busy-status visually-hidden';
      status.setAttribute('role', 'status');
      form.appendChild(status);
    }
    status.textContent = words;
  }

  function unsetBusy(form, message) {
    form.querySelectorAll('button[data-idle]').forEach(function (button) {
      button.innerHTML = button.dataset.idle;
      delete button.dataset.idle;
      button.disabled = false;
    });
    form.removeAttribute('aria-busy');
    form.classList.remove('busy');
    var status = form.querySelector('.busy-status');
    if (status) status.remove();
    if (message) {
      var error = document.createElement('p');
      error.className = 'error busy-status';
      error.setAttribute('role', 'alert');
      error.textContent = message;
      form.appendChild(error);
    }
  }

  // htmx: a redirect keeps the button busy until the next page; a form swapped in with its
  // refusal is new; anything else gives the button back.
  document.addEventListener('htmx:afterRequest', function (event) {
    var form = event.detail.elt;
    if (!form || !form.isConnected || form.getAttribute('aria-busy') !== 'true') return;
    var xhr = event.detail.xhr;
    if (event.detail.successful && xhr && xhr.getResponseHeader('HX-Redirect')) return;
    unsetBusy(form, event.detail.failed && (!xhr || xhr.status === 0) ? 'Spur did not answer: nothing is known to have changed. Try again.' : undefined);
  });

  // Back to a page from the history: its buttons are idle again.
  window.addEventListener('pageshow', function (event) {
    if (!event.persisted) return;
    document.querySelectorAll('form[aria-busy="true"]').forEach(function (form) { unsetBusy(form); });
  });
})();
