// The Jobs tab's "Run a command once": posts the form and shows the command's output as the
// server streams it (Server-Sent Events: `output` lines, then `exit` or `problem`).
(() => {
  const form = document.getElementById('run-command');
  const out = document.getElementById('run-output');
  const state = document.getElementById('run-state');
  if (!form || !out || !state) return;
  let running;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    running?.abort();
    const abort = new AbortController();
    running = abort;
    const button = form.querySelector('button');
    button.disabled = true;
    out.hidden = false;
    out.textContent = '';
    state.textContent = 'Running…';
    try {
      const res = await fetch(form.action, { method: 'POST', body: new URLSearchParams(new FormData(form)), headers: { 'HX-Request': 'true' }, credentials: 'same-origin', signal: abort.signal });
      if (!res.ok || !(res.headers.get('Content-Type') || '').includes('text/event-stream')) {
        const text = new DOMParser().parseFromString(await res.text(), 'text/html').body.textContent || `HTTP ${res.status}`;
        out.hidden = true;
        state.textContent = text.trim().slice(0, 500);
        return;
      }
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const name = /^event: (.*)$/m.exec(block)?.[1];
          const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
          if (name === 'output') {
            const { stream, line } = JSON.parse(data);
            const span = document.createElement('span');
            if (stream === 'stderr') span.className = 'stderr';
            span.textContent = `${line}\n`;
            out.append(span);
            out.scrollTop = out.scrollHeight;
          } else if (name === 'exit') {
            state.textContent = `Exited with code ${JSON.parse(data).code}.`;
          } else if (name === 'problem') {
            state.textContent = data;
          }
        }
      }
      if (state.textContent === 'Running…') state.textContent = 'The output ended.';
    } catch (err) {
      if (!abort.signal.aborted) state.textContent = `The run was cut off: ${err.message}`;
    } finally {
      button.disabled = false;
    }
  });
})();
