// The console page: xterm.js on a WebSocket to a shell (src/actions/console.ts). Keystrokes go as
// {"t":"in","d":…}, the terminal's size as {"t":"resize","cols":…,"rows":…}; output comes as text.
(() => {
  const el = document.getElementById('terminal');
  const state = document.getElementById('console-state');
  if (!el || !window.Terminal) return;
  const term = new window.Terminal({ cursorBlink: true, scrollback: 5000, fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace', fontSize: 14 });
  const fit = window.FitAddon ? new window.FitAddon.FitAddon() : undefined;
  if (fit) term.loadAddon(fit);
  term.open(el);
  fit?.fit();
  const url = new URL(el.dataset.socket, location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(url);
  const send = (m) => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify(m));
  const size = () => send({ t: 'resize', cols: term.cols, rows: term.rows });
  ws.onopen = () => {
    state.textContent = 'Connected.';
    size();
    term.focus();
  };
  ws.onmessage = (e) => term.write(e.data);
  ws.onclose = (e) => {
    state.textContent = `Closed${e.reason ? `: ${e.reason}` : ''}.`;
    term.write('\r\n\x1b[2m[the console closed]\x1b[0m\r\n');
  };
  term.onData((d) => send({ t: 'in', d }));
  window.addEventListener('resize', () => {
    fit?.fit();
    size();
  });
})();
