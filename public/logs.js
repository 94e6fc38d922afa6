// Log viewers: follow the end while the reader is there, offer "Jump to latest" once they scroll
// up, and hide lines that do not contain the filter text (or, for runtime logs, come from another task).
(function () {
  function setUp(view) {
    var pre = view.querySelector('pre.log');
    var filter = view.querySelector('[data-log-filter]');
    var jump = view.querySelector('[data-log-jump]');
    var task = view.querySelector('[data-log-task]');
    // A runtime line reads `<time> <task> <text>`; the task names fill the task filter as they appear.
    var taskOf = function (line) { return line.textContent.split(' ')[1] || ''; };
    var following = true;
    // Where following last put the view: a view above it was scrolled up by the reader, even if
    // the scroll event has not arrived yet when new lines do.
    var pinned = 0;
    var atEnd = function () { return pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 8; };
    var toEnd = function () { pre.scrollTop = pre.scrollHeight; pinned = pre.scrollTop; };
    var stopFollowing = function () { following = false; jump.hidden = false; };
    var matches = function (line) {
      var q = filter.value.trim().toLowerCase();
      var name = task ? taskOf(line) : '';
      if (task && name && !task.querySelector('option[value="' + CSS.escape(name) + '"]')) task.add(new Option(name, name));
      var hidden = (q !== '' && line.textContent.toLowerCase().indexOf(q) < 0) || (task && task.value !== '' && name !== task.value);
      line.classList.toggle('filtered', !!hidden);
    };
    pre.addEventListener('scroll', function () {
      if (atEnd()) {
        following = true;
        jump.hidden = true;
        pinned = pre.scrollTop;
      } else if (pre.scrollTop < pinned - 8) stopFollowing();
    });
    jump.addEventListener('click', function () {
      following = true;
      jump.hidden = true;
      toEnd();
    });
    var refilter = function () {
      pre.querySelectorAll('.line').forEach(matches);
      if (following) toEnd();
    };
    filter.addEventListener('input', refilter);
    if (task) task.addEventListener('change', refilter);
    new MutationObserver(function (changes) {
      changes.forEach(function (c) { c.addedNodes.forEach(function (n) { if (n.classList && n.classList.contains('line')) matches(n); }); });
      if (following && pre.scrollTop < pinned - 8) stopFollowing();
      if (following) toEnd();
    }).observe(pre, { childList: true });
  }
  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('[data-logview]').forEach(setUp);
  });
})();
