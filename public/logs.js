// Log viewers: follow the end while the reader is there, offer "Jump to latest" once they scroll
// up, and hide lines that do not contain the filter text.
(function () {
  function setUp(view) {
    var pre = view.querySelector('pre.log');
    var filter = view.querySelector('[data-log-filter]');
    var jump = view.querySelector('[data-log-jump]');
    var following = true;
    var atEnd = function () { return pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 8; };
    var toEnd = function () { pre.scrollTop = pre.scrollHeight; };
    var matches = function (line) {
      var q = filter.value.trim().toLowerCase();
      line.classList.toggle('filtered', q !== '' && line.textContent.toLowerCase().indexOf(q) < 0);
    };
    pre.addEventListener('scroll', function () {
      following = atEnd();
      jump.hidden = following;
    });
    jump.addEventListener('click', function () {
      following = true;
      jump.hidden = true;
      toEnd();
    });
    filter.addEventListener('input', function () {
      pre.querySelectorAll('.line').forEach(matches);
    });
    new MutationObserver(function (changes) {
      changes.forEach(function (c) { c.addedNodes.forEach(function (n) { if (n.classList && n.classList.contains('line')) matches(n); }); });
      if (following) toEnd();
    }).observe(pre, { childList: true });
  }
  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('[data-logview]').forEach(setUp);
  });
})();
