// The running step of a deployment page counts its seconds between the server's updates.
(() => {
  const say = (s) => (s < 10 ? `${s.toFixed(1)} s` : s < 60 ? `${Math.round(s)} s` : `${Math.floor(Math.round(s) / 60)} min${Math.round(s) % 60 ? ` ${Math.round(s) % 60} s` : ''}`);
  setInterval(() => {
    for (const el of document.querySelectorAll('[data-running-since]')) {
      const since = Date.parse(el.getAttribute('data-running-since'));
      if (!Number.isNaN(since)) el.textContent = `${say(Math.max(0, (Date.now() - since) / 1000))} so far`;
    }
  }, 1000);
})();
