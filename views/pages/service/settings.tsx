// The Settings tab, in three groups: where the code comes from (git branch and auto-deploy,
// HTTPS token), how it is reached (domains, volumes), how it runs (scale now; port, health check,
// resources and restarts, placement, build), then delete, folded away. Each form answers in place
// and has one primary button (public/app.css), named for what it saves. Each shows only to a role
// that may use it (props.may); a viewer reads the settings in the same fields, greyed, with no button.
import { DeleteForm } from '../../components/delete-form.js';
import { Field, type FormState, PostForm } from '../../components/form.js';
import { CsrfField } from '../../layout.js';
import { actionAttrs, actionWords, busyAttrs } from '../../../src/actions/words.js';
import { CertificateState, DnsState } from '../../components/domain-state.js';
import { VolumesSection } from './volumes.js';
import { SourceForm } from './source.js';
import { type ServicePageProps, paths } from './common.js';
import { sourceKind } from '../../../src/sources/index.js';

// Short, so the select fits a phone; what each one checks is said under the fieldset.
const HEALTH_LABELS = { auto: 'automatic', tcp: 'TCP', http: 'HTTP', image: "image's HEALTHCHECK", command: 'a command', none: 'none' } as const;
const num = (n: number | null) => (n === null ? '' : String(n));


export function SettingsTab(props: ServicePageProps) {
  const s = props.status;
  const forms = props.forms ?? {};
  return (
    <>
      <h2>Source</h2>
      <SourceForm {...props} state={forms.source} />
      {props.git && (
        <>
          <h2>Git</h2>
          {sourceKind(s.source.type).clones && <HttpsTokenForm {...props} state={forms['https-token']} />}
          <GitSettingsForm {...props} state={forms['git-settings']} />
        </>
      )}
      {props.previews && (
        <>
          <h2>Previews of pull requests</h2>
          <PreviewsForm {...props} state={forms.previews} />
        </>
      )}
      <h2>Domains</h2>
      <DomainsSection {...props} state={forms['add-domain']} />
      <h2>Volumes</h2>
      <VolumesSection {...props} state={forms['add-volume']} />
      <h2>Running</h2>
      <ScaleForm {...props} state={forms.scale} />
      <ServiceSettingsForm {...props} state={forms['service-settings']} />
      {props.may['service.delete'] && (
        <details class="section" open={!!forms['delete-service']}>
          <summary>Delete service</summary>
          <DeleteServiceForm {...props} state={forms['delete-service']} />
        </details>
      )}
    </>
  );
}

/** Whether this role may change the service's settings: else its forms are shown to read. */
const readOnly = (props: ServicePageProps) => !props.may['service.change'];

type FormProps = ServicePageProps & { state?: FormState };

/** A select whose choice survives a refused post. */
function Choice<T extends string>(props: { name: string; label: string; options: readonly T[]; labels?: Record<T, string>; current: T; state?: FormState }) {
  const chosen = props.state?.values[props.name] ?? props.current;
  return (
    <label class="field">
      <span>{props.label}</span>
      <select name={props.name}>
        {props.options.map((o) => <option value={o} selected={chosen === o}>{props.labels?.[o] ?? o}</option>)}
      </select>
    </label>
  );
}

export function DeleteServiceForm(props: FormProps) {
  const { base, csrf } = paths(props);
  const name = props.status.service;
  return <DeleteForm id="delete-service" action={`${base}/delete`} name={name} what={`${name} in every environment, with its images and repository,`} csrf={csrf} state={props.state} />;
}

export function HttpsTokenForm(props: FormProps) {
  const { base, q, csrf } = paths(props);
  return (
    <PostForm id="https-token" readOnly={readOnly(props)} action={`${base}/credentials${q}`} csrf={csrf} state={props.state} class="row">
      <Field form="https-token" name="httpsToken" keep={false} state={props.state} label={`HTTPS token ${props.git?.httpsToken ? '(set)' : '(not set)'}`} attrs={{ type: 'password', placeholder: 'token for https:// clones', autocomplete: 'off' }} />
      {!readOnly(props) && <button type="submit">Save token</button>}
    </PostForm>
  );
}

export function GitSettingsForm(props: FormProps) {
  const s = props.status;
  const { base, q, csrf } = paths(props);
  return (
    <PostForm id="git-settings" readOnly={readOnly(props)} action={`${base}/settings/git${q}`} csrf={csrf} state={props.state} class="row">
      <Field form="git-settings" name="branch" state={props.state} label={`Branch for ${s.environment}`} value={s.settings.branch ?? ''} attrs={{ placeholder: s.environment === 'production' ? (s.source.branch ?? 'main') : 'none' }} />
      <Choice name="autoDeploy" label="Auto-deploy on push" options={['on', 'off'] as const} current={s.settings.autoDeploy ? 'on' : 'off'} state={props.state} />
      {!readOnly(props) && <button type="submit">Save branch settings</button>}
    </PostForm>
  );
}

/** A preview environment per pull request (actions/previews.ts; the README says what each choice makes). */
export function PreviewsForm(props: FormProps) {
  const p = props.previews!;
  const { base, q, csrf } = paths(props);
  const bases = props.environments.filter((e) => !/^pr-\d+$/.test(e));
  const ro = !props.may['previews.change'];
  return (
    <PostForm id="previews" readOnly={ro} action={`${base}/previews${q}`} csrf={csrf} state={props.state} class="stack wide">
      <p class="muted">Each pull request into this service's branch gets an environment <code>pr-&lt;number&gt;</code> made from the base, deployed at its head and removed when it is closed. The service's webhook must send pull request events. A fork's pull request copies nothing and waits for an admin's approval.</p>
      <Choice name="on" label="Previews" options={['on', 'off'] as const} current={p.on ? 'on' : 'off'} state={props.state} />
      <Choice name="base" label="Made from" options={bases} current={p.base ?? bases.find((e) => e !== 'production') ?? bases[0]!} state={props.state} />
      <Choice name="with" label="Holds" options={['service', 'project'] as const} labels={{ service: 'this service only', project: "this service and the base's other services" }} current={p.with} state={props.state} />
      <Choice name="databases" label="Databases" options={['none', 'fresh'] as const} labels={{ none: 'none', fresh: "an empty one of each of the base's" }} current={p.databases} state={props.state} />
      <Field form="previews" name="copy" label="Variables copied from the base" state={props.state} value={p.copy.join(', ')} hint="Names, separated by commas; no other variable is copied." attrs={{ placeholder: 'API_URL, DATABASE_URL' }} />
      <Field form="previews" name="ttlHours" label="Removed when idle for (hours)" state={props.state} value={String(p.ttlHours)} attrs={{ inputmode: 'numeric' }} />
      <Field form="previews" name="statusToken" keep={false} state={props.state} label={`Git host token for commit statuses ${p.statusToken ? '(set)' : '(not set)'}`} hint="With one, each preview posts its address to its pull request. Left empty, the one set stays." attrs={{ type: 'password', autocomplete: 'off' }} />
      {p.statusToken && <label class="check"><input type="checkbox" name="removeStatusToken" value="on" /> Remove the token</label>}
      {!ro && <button type="submit">Save previews</button>}
    </PostForm>
  );
}

export function ScaleForm(props: FormProps) {
  const { base, q, csrf } = paths(props);
  return (
    <PostForm id="scale" readOnly={readOnly(props)} action={`${base}/scale${q}`} csrf={csrf} state={props.state} class="row">
      <Field form="scale" name="replicas" label="Replicas" state={props.state} value={String(props.status.replicas)} attrs={{ type: 'number', min: 0, max: 50 }}>
        <span class="muted">Applied at once, without a deploy.</span>
      </Field>
      {!readOnly(props) && <button type="submit" {...busyAttrs(actionWords('scale', { service: props.status.service }))}>Scale now</button>}
    </PostForm>
  );
}

export function ServiceSettingsForm(props: FormProps) {
  const s = props.status;
  const st = s.settings;
  const h = st.healthCheck;
  const { base, q, csrf } = paths(props);
  const f = { form: 'service-settings', state: props.state };
  const n = (min: number, max: number) => ({ type: 'number', min, max });
  return (
    <PostForm id="service-settings" readOnly={readOnly(props)} action={`${base}/settings${q}`} csrf={csrf} state={props.state} class="stack wide">
      <div class="row">
        <Field {...f} name="port" label="Port" value={String(s.port)} attrs={n(1, 65535)} />
      </div>
      <fieldset>
        <legend>Health check</legend>
        <div class="row">
          <Choice name="healthCheck" label="Kind" options={['auto', 'tcp', 'http', 'image', 'command', 'none'] as const} labels={HEALTH_LABELS} current={h.type} state={props.state} />
          <Field {...f} name="healthPath" label="HTTP path" value={h.path ?? ''} attrs={{ placeholder: '/health' }} />
          <Field {...f} name="healthPort" label="Port" value={String(h.port)} attrs={n(1, 65535)} />
          <Field {...f} name="healthInterval" label="Interval s" value={String(h.interval)} attrs={n(1, 300)} />
          <Field {...f} name="healthTimeout" label="Timeout s" value={String(h.timeout)} attrs={n(1, 120)} />
          <Field {...f} name="healthRetries" label="Retries" value={String(h.retries)} attrs={n(1, 20)} />
          <Field {...f} name="healthStartPeriod" label="Start period s" value={String(h.startPeriod)} attrs={n(0, 600)} />
          {!st.commandsHidden && <Field {...f} name="healthCommand" label="Health command" value={h.command ?? ''} attrs={{ placeholder: 'pg_isready -U app', spellcheck: 'false', autocomplete: 'off' }} />}
        </div>
        <p class="muted">Automatic: the image's HEALTHCHECK if it has one, else TCP. TCP: the port accepts connections. HTTP: the path answers 2xx or 3xx. A command: it exits 0 inside the container (run without a shell; start it with CMD-SHELL for the container's shell).</p>
      </fieldset>
      <fieldset>
        <legend>Container</legend>
        <div class="row">
          {!st.commandsHidden && <Field {...f} name="command" label="Command (the image's CMD)" value={st.container.command ?? ''} attrs={{ placeholder: "the image's", spellcheck: 'false', autocomplete: 'off' }} />}
          {!st.commandsHidden && <Field {...f} name="entrypoint" label="Entrypoint" value={st.container.entrypoint ?? ''} attrs={{ placeholder: "the image's", spellcheck: 'false', autocomplete: 'off' }} />}
        </div>
        {st.commandsHidden && <p class="muted">Its command, entrypoint and health command are shown to admins: they may hold a password.</p>}
        {(st.container.user || st.container.workdir || st.container.init || Object.keys(st.container.labels).length > 0) && (
          <p class="muted">
            From its Compose file: {[st.container.user && `user ${st.container.user}`, st.container.workdir && `working directory ${st.container.workdir}`, st.container.init && 'an init process', Object.keys(st.container.labels).length > 0 && `labels ${Object.keys(st.container.labels).join(', ')}`].filter(Boolean).join(' · ')}.
          </p>
        )}
      </fieldset>
      <fieldset>
        <legend>Resources and restarts</legend>
        <div class="row">
          <Field {...f} name="cpuLimit" label="CPU limit (cores)" value={num(st.limits.cpu)} attrs={{ placeholder: 'none' }} />
          <Field {...f} name="memoryLimit" label="Memory limit (MiB)" value={num(st.limits.memoryMb)} attrs={{ placeholder: 'none' }} />
          <Field {...f} name="cpuReservation" label="CPU reserved" value={num(st.reservations.cpu)} attrs={{ placeholder: 'none' }} />
          <Field {...f} name="memoryReservation" label="Memory reserved (MiB)" value={num(st.reservations.memoryMb)} attrs={{ placeholder: 'none' }} />
          <Choice name="restartPolicy" label="Restart" options={['any', 'on-failure', 'none'] as const} current={st.restart.policy} state={props.state} />
          <Field {...f} name="restartMaxAttempts" label="Max restarts (0 = no limit)" value={String(st.restart.maxAttempts)} attrs={n(0, 100)} />
          <Field {...f} name="stopGracePeriod" label="Stop grace s" value={String(st.stopGracePeriod)} attrs={n(0, 600)} />
        </div>
      </fieldset>
      <fieldset>
        <legend>Autoscaling</legend>
        <div class="row">
          <Field {...f} name="autoscaleMin" label="Fewest replicas" value={num(st.autoscale?.min ?? null)} attrs={{ ...n(1, 50), placeholder: 'off' }} />
          <Field {...f} name="autoscaleMax" label="Most replicas" value={num(st.autoscale?.max ?? null)} attrs={{ ...n(1, 50), placeholder: 'off' }} />
          <Field {...f} name="autoscaleCpu" label="CPU target % a task" value={num(st.autoscale?.cpu ?? null)} attrs={{ ...n(10, 100), placeholder: 'none' }} />
          <Field {...f} name="autoscaleMemory" label="Memory target % a task" value={num(st.autoscale?.memory ?? null)} attrs={{ ...n(10, 100), placeholder: 'none' }} />
        </div>
        <p class="muted">With a most, Spur adds replicas when a task uses more than its target (of its CPU limit, a core without one; of its memory limit) and takes them away when the load passes, never during a deploy. Each change is shown in Deployments. Empty: off.</p>
      </fieldset>
      <fieldset>
        <legend>How a new version takes over</legend>
        <div class="row">
          <Choice name="strategy" label="Release" options={['rolling', 'canary', 'blue-green'] as const} labels={{ rolling: 'rolling, task by task', canary: 'canary: a share of the traffic first', 'blue-green': 'blue-green: beside the old, then one switch' }} current={st.strategy} state={props.state} />
          <Field {...f} name="canarySteps" label="Canary shares %" value={st.canary.steps.join(',')} attrs={{ placeholder: '10,50', spellcheck: 'false', autocomplete: 'off' }} />
          <Field {...f} name="canaryInterval" label="Canary s a share (0 = by hand)" value={String(st.canary.interval)} attrs={n(0, 86_400)} />
          <Field {...f} name="blueGreenKeep" label="Blue-green: old kept s" value={String(st.blueGreen.keep)} attrs={n(0, 86_400)} />
        </div>
        <p class="muted">Canary and blue-green start the new version beside the old and send every request back to the old one if its tasks or health check fail, or (canary) its error rate or latency is clearly worse. Step a canary on or stop either with <code>spur canary</code>. With volumes, and on a first deploy, a deploy is a rolling one.</p>
      </fieldset>
      <fieldset>
        <legend>Placement</legend>
        <div class="row">
          <Choice name="runOn" label="Run on" options={s.runOnChoices} labels={{ any: 'any server (replicas spread)', manager: 'the manager (this server)' } as Record<string, string>} current={st.runOn} state={props.state} />
        </div>
        {props.volumes.length > 0 && <p class="muted">With volumes it stays on the server that holds them, whatever this says.</p>}
      </fieldset>
      <fieldset>
        <legend>Build and release</legend>
        <div class="row">
          <Field {...f} name="buildMemory" label="Build memory (MiB)" value={num(st.build.memoryMb)} attrs={{ placeholder: 'server default' }} />
          <Field {...f} name="buildCpus" label="Build CPUs" value={num(st.build.cpus)} attrs={{ placeholder: 'server default' }} />
          <Field {...f} name="buildTimeout" label="Build timeout s" value={num(st.build.timeoutS)} attrs={{ placeholder: 'server default' }} />
        </div>
        <Field {...f} name="buildVariables" label="Variables available at build" value={st.buildVariables.join(', ')} attrs={{ placeholder: 'NPM_TOKEN, API_URL', spellcheck: 'false', autocomplete: 'off' }}>
          <span class="muted">Passed to the build as build arguments (declare them with ARG in your Dockerfile). Masked in the build log; a build whose image records one of them in its history is refused.</span>
        </Field>
        <Field {...f} name="watchPaths" label="Watch paths" value={st.watchPaths.join(', ')} attrs={{ placeholder: 'apps/web/**, packages/ui/**', spellcheck: 'false', autocomplete: 'off' }}>
          <span class="muted">A push or webhook deploys only if it changes a file matching one of these (else, with a root directory, a file under it). Empty: every push deploys.</span>
        </Field>
        <Field {...f} name="releaseCommand" label="Pre-deploy command" value={st.releaseCommand ?? ''} attrs={{ placeholder: 'npm run migrate', spellcheck: 'false', autocomplete: 'off', maxlength: 1000 }}>
          <span class="muted">Runs once from the new image, with this service's variables and network, before each rollout (e.g. database migrations); if it fails, the rollout does not start. No shell: plain words, quotes, and $PORT.</span>
        </Field>
      </fieldset>
      {!readOnly(props) && (
        <>
          <p class="muted">Saved settings take effect with the next deploy.</p>
          <button type="submit">Save settings</button>
        </>
      )}
    </PostForm>
  );
}

/** The generated domain, each custom domain (with, for a role that may change domains, its
 *  options and remove button), and a form to add one. */
export function DomainsSection(props: FormProps) {
  const { base, q, csrf } = paths(props);
  const change = props.may['domains.change'];
  const generated = props.status.publicUrls[0];
  return (
    <div id="domains">
      <ul class="domains">
        <li><a href={generated}>{generated.replace(/^https?:\/\//, '')}</a> <span class="muted">generated</span></li>
        {props.domains.map((d) => (
          <li>
            <a href={d.url}>{d.hostname}</a>
            <CertificateState {...d.certificate} />
            <DnsState {...d.dns} />
            {change && (
            <>
            <details>
              <summary>Options</summary>
              <form method="post" action={`${base}/domains/options${q}`} class="row">
                <CsrfField token={csrf} />
                <input type="hidden" name="hostname" value={d.hostname} />
                <label class="field"><span>HTTPS</span><select name="https"><option value="on" selected={d.https}>on</option><option value="off" selected={!d.https}>off</option></select></label>
                <label class="field"><span>HSTS (a year)</span><select name="hsts"><option value="off" selected={!d.hsts}>off</option><option value="on" selected={d.hsts}>on</option></select></label>
                <label class="field">
                  <span>Redirect to</span>
                  <select name="redirectTo">
                    <option value="none" selected={!d.redirectTo}>none: serve the app</option>
                    {props.domains.filter((o) => o.hostname !== d.hostname).map((o) => <option value={o.hostname} selected={d.redirectTo === o.hostname}>{o.hostname}</option>)}
                  </select>
                </label>
                <button type="submit">Save {d.hostname}</button>
              </form>
            </details>
            <form method="post" action={`${base}/domains/remove${q}`} {...actionAttrs(actionWords('removeDomain', { service: props.status.service, hostname: d.hostname }))}>
              <CsrfField token={csrf} />
              <input type="hidden" name="hostname" value={d.hostname} />
              <button type="submit" aria-label={`Remove ${d.hostname}`}>Remove</button>
            </form>
            </>
            )}
          </li>
        ))}
      </ul>
      {change && <AddDomainForm {...props} />}
      <p class="muted">Point the domain's DNS at this server (an A record to its public address). A domain belongs to one service and is routed at once; Spur orders its certificate, and serves it over HTTPS once the certificate is there.</p>
    </div>
  );
}

export function AddDomainForm(props: FormProps) {
  const { base, q, csrf } = paths(props);
  return (
    <PostForm id="add-domain" action={`${base}/domains${q}`} csrf={csrf} state={props.state} class="row">
      <Field form="add-domain" name="hostname" label="Custom domain" state={props.state} attrs={{ placeholder: 'app.example.com' }} />
      <button type="submit">Add domain</button>
    </PostForm>
  );
}

