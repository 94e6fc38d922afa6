// Light, dark, or as the system says: applied before the page paints, switched by the header
// button, remembered in this browser.
(function () {
  var key = 'spur-theme';
  var root = document.documentElement;
  var saved = localStorage.getItem(key);
  if (saved === 'light' || saved === 'dark') root.dataset.theme = saved;
  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('[data-theme-toggle]');
    if (!button) return;
    var dark = root.dataset.theme ? root.dataset.theme === 'dark' : matchMedia('(prefers-color-scheme: dark)').matches;
    root.dataset.theme = dark ? 'light' : 'dark';
    localStorage.setItem(key, root.dataset.theme);
  });
})();
