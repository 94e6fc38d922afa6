// At phone width the main navigation and a service's tabs are one row that scrolls sideways
// (public/app.css): bring the current entry into view so it is never the one cut off.
(function () {
  function reveal() {
    var current = document.querySelectorAll('header.top nav.main [aria-current="page"], nav.tabs [aria-current="page"]');
    for (var i = 0; i < current.length; i++) {
      var item = current[i];
      var strip = item.parentElement;
      if (strip.scrollWidth <= strip.clientWidth) continue;
      var right = item.offsetLeft - strip.offsetLeft + item.offsetWidth;
      if (right > strip.clientWidth) strip.scrollLeft = right - strip.clientWidth + 8;
    }
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', reveal);
  else reveal();
})();
