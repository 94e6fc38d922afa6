// The Jobs tab: the service's scheduled jobs in this environment, each with its schedule, its next
// run, Run now, and its newest runs with the end of their output; the form that adds one. While a
// run runs, the list refreshes itself until it has ended.
import { Field, type FormState, PostForm } from '../../components/form.js';
import { CsrfField } from '../../layout.js';
import { actionAttrs, actionWords } from '../../../src/actions/words.js';
import type { CronRunView } from '../../../src/actions/cron-jobs.js';
import { type ServicePageProps, paths } from './common.js';

type FormProps = ServicePageProps & { state?: FormState };

const RUN_WORDS: Record<CronRunView['status'], string> = { running: 'running', succeeded: 'succeeded', failed: 'failed', 'timed-out': 'timed out', skipped: 'skipped', interrupted: 'interrupted' };

const seconds = (r: CronRunView) => (r.finishedAt ? `${((Date.parse(r.finishedAt) - Date.parse(r.startedAt)) / 1000).toFixed(1)} s` : '');

export function JobsTab(props: FormProps) {
  const { base, q, csrf } = paths(props);
  const jobs = props.jobs ?? [];
  const running = jobs.some((j) => j.runs.some((r) => r.status === 'running'));
  const change = props.may['jobs.change'];
  return (
    <section aria-labelledby="jobs-title">
      <h2 id="jobs-title">Scheduled jobs</h2>
      <p class="muted">A job runs its command in a new container of the image that serves, with the variables it runs with, on a five-field cron schedule. A failed or timed-out run raises the “Scheduled job failed” alert.</p>
      <div id="jobs" {...(running ? { 'hx-get': `${base}/jobs${q}`, 'hx-trigger': 'every 3s', 'hx-select': '#jobs', 'hx-target': '#jobs', 'hx-swap': 'outerHTML' } : {})}>
        {jobs.length === 0 && <p class="empty">No jobs yet.</p>}
        {jobs.map((j) => (
          <article class="job" aria-labelledby={`job-${j.name}`}>
            <h3 id={`job-${j.name}`}>{j.name}</h3>
            <dl class="facts">
              <dt>Command</dt><dd><code>{j.command}</code></dd>
              <dt>Schedule</dt><dd><code>{j.schedule}</code> ({j.timeZone})</dd>
              <dt>Next run</dt><dd>{j.enabled ? (j.nextRun ? <time datetime={j.nextRun}>{j.nextRun.replace('T', ' ').slice(0, 16)} UTC</time> : '—') : 'disabled'}</dd>
              <dt>Limits</dt><dd>stopped after {j.timeout} s; {j.allowOverlap ? 'may run beside its previous run' : 'skipped while its previous run still runs'}</dd>
            </dl>
            <div class="actions">
              {props.may.run && (
                <form method="post" action={`${base}/jobs/${j.name}/run${q}`} {...actionAttrs(actionWords('runJob', { job: j.name }))}>
                  <CsrfField token={csrf} />
                  <button type="submit">Run {j.name} now</button>
                </form>
              )}
              {change && (
                <form method="post" action={`${base}/jobs/${j.name}/enabled${q}`}>
                  <CsrfField token={csrf} />
                  <input type="hidden" name="enabled" value={j.enabled ? 'off' : 'on'} />
                  <button type="submit">{j.enabled ? `Pause ${j.name}` : `Resume ${j.name}`}</button>
                </form>
              )}
              {change && (
                <form method="post" action={`${base}/jobs/${j.name}/remove${q}`} {...actionAttrs(actionWords('removeJob', { job: j.name }))}>
                  <CsrfField token={csrf} />
                  <button type="submit">Remove {j.name}</button>
                </form>
              )}
            </div>
            {j.runs.length === 0 ? (
              <p class="empty">It has not run yet.</p>
            ) : (
              <table>
                <caption>Newest runs of {j.name}</caption>
                <thead><tr><th scope="col">Run</th><th scope="col">Status</th><th scope="col">Started</th><th scope="col">Took</th><th scope="col">By</th><th scope="col">Output</th></tr></thead>
                <tbody>
                  {j.runs.map((r) => (
                    <tr>
                      <td>#{r.id}</td>
                      <td>{RUN_WORDS[r.status]}{r.exitCode !== null && r.exitCode !== 0 ? ` (exit ${r.exitCode})` : ''}{r.reason && r.status !== 'succeeded' ? <div class="muted">{r.reason}</div> : ''}</td>
                      <td><time datetime={r.startedAt}>{r.startedAt.replace('T', ' ').slice(0, 19)}</time></td>
                      <td>{seconds(r)}</td>
                      <td>{r.trigger === 'schedule' ? 'schedule' : r.trigger.replace(/^manual:/, '')}</td>
                      <td>{r.output ? <details><summary>Output of run #{r.id}</summary><pre class="log" tabindex={0}>{r.output}</pre></details> : <span class="muted">none</span>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </article>
        ))}
      </div>
      {change && <AddJobForm {...props} />}
      {props.may.run && <RunCommand {...props} />}
    </section>
  );
}

/** Runs a command once, now, and shows its output as it comes (public/run.js reads the stream). */
function RunCommand(props: FormProps) {
  const { base, q, csrf } = paths(props);
  return (
    <section class="run-command" aria-labelledby="run-title">
      <h3 id="run-title">Run a command once</h3>
      <p class="muted">In a new container of the image that serves, with its variables, as <code>spur run</code> does: a migration, a one-off script. Stopped when you leave the page.</p>
      <form id="run-command" method="post" action={`${base}/run${q}`}>
        <CsrfField token={csrf} />
        <label for="run-command-line">Command</label>
        <input id="run-command-line" name="command" required maxlength={1000} placeholder="node scripts/migrate.js" aria-describedby="run-command-hint" />
        <p id="run-command-hint" class="hint">Run without a shell: words and quotes, no pipes or &&.</p>
        <button type="submit">Run</button>
      </form>
      <pre id="run-output" class="log" tabindex={0} aria-label="Output of the command" hidden></pre>
      <p id="run-state" role="status"></p>
      <script src="/public/run.js" defer></script>
    </section>
  );
}

export function AddJobForm(props: FormProps) {
  const { base, q, csrf } = paths(props);
  const v = props.state?.values ?? {};
  return (
    <PostForm id="add-job" action={`${base}/jobs${q}`} csrf={csrf} state={props.state}>
      <h3>Add a job</h3>
      <Field form="add-job" name="name" label="Name" state={props.state} attrs={{ placeholder: 'nightly-report', pattern: '[a-z][a-z0-9\\-]*', maxlength: 30, required: true }} />
      <Field form="add-job" name="command" label="Command" state={props.state} hint="Run without a shell: words and quotes, no pipes or &&. Put several steps in a script." attrs={{ placeholder: 'node scripts/report.js', required: true }} />
      <Field form="add-job" name="schedule" label="Schedule" state={props.state} hint="Five cron fields: minute hour day-of-month month day-of-week. 0 3 * * * is daily at 03:00." attrs={{ placeholder: '0 3 * * *', required: true }} />
      <Field form="add-job" name="timeZone" label="Time zone" state={props.state} value={v.timeZone ?? 'UTC'} attrs={{ placeholder: 'UTC' }} />
      <Field form="add-job" name="timeout" label="Stop after (seconds)" state={props.state} value={v.timeout ?? '3600'} attrs={{ inputmode: 'numeric' }} />
      <label class="check"><input type="checkbox" name="allowOverlap" value="on" checked={v.allowOverlap === 'on'} /> Start a run even while the previous one still runs</label>
      <button type="submit">Add job</button>
    </PostForm>
  );
}
