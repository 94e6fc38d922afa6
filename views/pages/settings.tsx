// Spur's own settings (owners): the domain Spur is served at over HTTPS, and the contact email
// its certificates are ordered with.
import { RequireTwoFactorForm } from './two-factor.js';
import { CertificateState, DnsState } from '../components/domain-state.js';
import { Field, FieldError, type FormState, PostForm } from '../components/form.js';
import { Layout, type LayoutProps } from '../layout.js';
import { SettingsTabs } from '../components/settings-tabs.js';
import type { SpurSettingsView } from '../../src/actions/settings.js';
import { BASE_IMAGE_ROLES } from '../../src/builds/stacks/index.js';

export interface SettingsPageProps {
  frame: Omit<LayoutProps, 'title' | 'children'>;
  settings: SpurSettingsView;
  state?: FormState;
  storageState?: FormState;
  registryState?: FormState;
  buildImagesState?: FormState;
  smtpState?: FormState;
}

const FROM_ENVIRONMENT = 'Set in Spur’s environment file (/etc/spur/spur.env); change it there and restart Spur.';

export function GeneralSettingsForm(props: { csrf?: string; settings: SpurSettingsView; state?: FormState }) {
  const s = props.settings;
  const f = { form: 'instance-settings', state: props.state };
  return (
    <PostForm id="instance-settings" action="/settings" csrf={props.csrf} state={props.state} class="stack">
      <Field {...f} name="domain" label="Spur’s domain" value={s.domain?.hostname ?? ''} attrs={{ placeholder: 'spur.example.com', disabled: s.domainFromEnvironment || undefined }}>
        <span class="muted">{s.domainFromEnvironment ? FROM_ENVIRONMENT : 'Empty: Spur is reached at its address and port only.'}</span>
      </Field>
      <Field {...f} name="acmeEmail" label="Address for certificate notices" value={s.acmeEmail ?? ''} attrs={{ type: 'email', placeholder: 'ops@example.com', disabled: s.acmeEmailFromEnvironment || undefined }}>
        <span class="muted">{s.acmeEmailFromEnvironment ? FROM_ENVIRONMENT : `Given to the certificate authority (${s.acmeDirectory}) with every order.`}</span>
      </Field>
      <button type="submit">Save settings</button>
    </PostForm>
  );
}

/** Where database backups are copied: an S3-compatible bucket (AWS, Backblaze B2, R2, MinIO). */
export function BackupStorageForm(props: { csrf?: string; settings: SpurSettingsView; state?: FormState }) {
  const s = props.settings.backupStorage;
  const f = { form: 'backup-storage', state: props.state };
  return (
    <PostForm id="backup-storage" action="/settings/storage" csrf={props.csrf} state={props.state} class="stack">
      <FieldError name="backupStorage" state={props.state} />
      <Field {...f} name="endpoint" label="S3 endpoint" value={s?.endpoint ?? ''} attrs={{ type: 'url', placeholder: 'https://s3.eu-central-1.amazonaws.com' }}>
        <span class="muted">Empty: backups stay on this server only.</span>
      </Field>
      <Field {...f} name="bucket" label="Bucket" value={s?.bucket ?? ''} attrs={{ placeholder: 'my-backups' }} />
      <Field {...f} name="region" label="Region" value={s?.region ?? 'us-east-1'} attrs={{ placeholder: 'us-east-1' }} />
      <Field {...f} name="accessKeyId" label="Access key ID" value={s?.accessKeyId ?? ''} attrs={{ autocomplete: 'off' }} />
      <Field {...f} name="secretAccessKey" label="Secret access key" keep={false} attrs={{ type: 'password', autocomplete: 'off', placeholder: s ? 'unchanged' : '' }}>
        <span class="muted">Stored encrypted; never shown again.{s ? ' Leave empty to keep the one stored.' : ''}</span>
      </Field>
      <Field {...f} name="prefix" label="Key prefix (optional)" value={s?.prefix ?? ''} attrs={{ placeholder: 'spur' }} />
      <button type="submit">Save backup storage</button>
    </PostForm>
  );
}

/** A registry images are pushed to and the servers pull from, instead of Spur sending them. */
export function RegistryForm(props: { csrf?: string; settings: SpurSettingsView; state?: FormState }) {
  const r = props.settings.registry;
  const f = { form: 'image-registry', state: props.state };
  return (
    <PostForm id="image-registry" action="/settings/registry" csrf={props.csrf} state={props.state} class="stack">
      <FieldError name="registry" state={props.state} />
      <Field {...f} name="address" label="Registry" value={r?.address ?? ''} attrs={{ placeholder: 'registry.example.com/acme', spellcheck: 'false' }}>
        <span class="muted">Empty: Spur sends each image to the servers itself.</span>
      </Field>
      <Field {...f} name="username" label="Registry user" value={r?.username ?? ''} attrs={{ autocomplete: 'off' }} />
      <Field {...f} name="password" label="Registry password or token" keep={false} attrs={{ type: 'password', autocomplete: 'off', placeholder: r ? 'unchanged' : '' }}>
        <span class="muted">Stored encrypted; never shown again.{r ? ' Leave empty to keep the one stored.' : ''}</span>
      </Field>
      <button type="submit">Save registry</button>
    </PostForm>
  );
}

/** The SMTP server invitations are mailed through. */
export function SmtpForm(props: { csrf?: string; settings: SpurSettingsView; state?: FormState }) {
  const m = props.settings.smtp;
  const f = { form: 'smtp', state: props.state };
  const tls = (props.state?.values.tls as string | undefined) ?? m?.tls ?? 'starttls';
  return (
    <PostForm id="smtp" action="/settings/smtp" csrf={props.csrf} state={props.state} class="stack">
      <FieldError name="smtp" state={props.state} />
      <Field {...f} name="host" label="SMTP host" value={m?.host ?? ''} attrs={{ placeholder: 'smtp.example.com', spellcheck: 'false' }}>
        <span class="muted">Empty: invitation links are shown to copy and send yourself.</span>
      </Field>
      <Field {...f} name="port" label="SMTP port" value={m ? String(m.port) : ''} attrs={{ inputmode: 'numeric', placeholder: '587' }} />
      <label class="field">
        <span>Encryption</span>
        <select name="tls">
          <option value="starttls" selected={tls === 'starttls'}>STARTTLS (required)</option>
          <option value="tls" selected={tls === 'tls'}>TLS from the start (port 465)</option>
          <option value="none" selected={tls === 'none'}>None (a relay on this server)</option>
        </select>
      </label>
      <Field {...f} name="user" label="SMTP user" value={m?.user ?? ''} attrs={{ autocomplete: 'off' }}>
        <span class="muted">Empty: no login.</span>
      </Field>
      <Field {...f} name="password" label="SMTP password" keep={false} attrs={{ type: 'password', autocomplete: 'off', placeholder: m?.user ? 'unchanged' : '' }}>
        <span class="muted">Stored encrypted; never shown again.{m?.user ? ' Leave empty to keep the one stored.' : ''}</span>
      </Field>
      <Field {...f} name="from" label="From address" value={m?.from ?? ''} attrs={{ type: 'email', placeholder: 'spur@example.com' }} />
      <button type="submit">Save email settings</button>
    </PostForm>
  );
}

/** Each stack's base images, labelled as the stack declares them (src/builds/stacks). */
const BUILD_IMAGE_LABELS: Record<string, string> = Object.fromEntries(BASE_IMAGE_ROLES.map((r) => [r.key, r.label]));

/** The base images of the Dockerfiles Spur writes for repositories without one. */
export function BuildImagesForm(props: { csrf?: string; settings: SpurSettingsView; state?: FormState }) {
  const images = props.settings.buildImages;
  const f = { form: 'build-images', state: props.state };
  return (
    <PostForm id="build-images" action="/settings/build-images" csrf={props.csrf} state={props.state} class="stack">
      <FieldError name="buildImages" state={props.state} />
      {(Object.keys(BUILD_IMAGE_LABELS) as (keyof typeof BUILD_IMAGE_LABELS)[]).map((kind) => {
        const { image, from } = images[kind];
        const fromEnvironment = from.startsWith('SPUR_');
        return (
          <Field {...f} name={kind} label={BUILD_IMAGE_LABELS[kind]} value={from === 'settings' || fromEnvironment ? image : ''} attrs={{ placeholder: image, spellcheck: 'false', autocomplete: 'off', disabled: fromEnvironment || undefined }}>
            {fromEnvironment && <span class="muted">Set by {from} in Spur’s environment file; change it there and restart Spur.</span>}
          </Field>
        );
      })}
      <button type="submit">Save base images</button>
    </PostForm>
  );
}

export function SettingsPage(props: SettingsPageProps) {
  const d = props.settings.domain;
  return (
    <Layout title="Settings" section="settings" {...props.frame}>
      <h1>Settings</h1>
      <SettingsTabs current="settings" />
      <h2>Spur’s address</h2>
      <p>
        Spur is reached at <a href={props.settings.url} class="url">{props.settings.url}</a>
      </p>
      {d && (
        <ul class="list">
          <li>
            <a href={d.url}>{d.hostname}</a>
            <CertificateState {...d.certificate} />
            <DnsState {...d.dns} />
          </li>
        </ul>
      )}
      <p class="muted">
        Give Spur a domain of its own and point its DNS at this server: Traefik serves Spur there, Spur orders its certificate, and once it is in, plain HTTP redirects to HTTPS and sign-in cookies are sent over HTTPS only. The server's own address and port keep answering until you close them (SPUR_HOST=127.0.0.1 in the environment file).
      </p>
      <GeneralSettingsForm csrf={props.frame.csrfToken} settings={props.settings} state={props.state} />
      <RequireTwoFactorForm required={props.settings.twoFactorRequired} csrf={props.frame.csrfToken} />
      <h2>Backup storage</h2>
      <p class="muted">Every database backup is also copied to this bucket (streamed, with its SHA-256 recorded), and fetched back from it when the copy on this server is gone. Spur checks that the bucket answers to the keys before saving them.</p>
      <BackupStorageForm csrf={props.frame.csrfToken} settings={props.settings} state={props.storageState} />
      <h2>Image registry</h2>
      <p class="muted">With more than one server, Spur sends each image to the servers that will run it, through their SSH connection. Name a registry instead and Spur pushes each image there, and the servers pull it with these credentials. Spur checks the login before saving it.</p>
      <RegistryForm csrf={props.frame.csrfToken} settings={props.settings} state={props.registryState} />
      <h2>Base images</h2>
      <p class="muted">What the Dockerfiles Spur writes for repositories without one start from (<code>{'{version}'}</code>: the version the repository asks for). Empty: the official image shown. Point them at a mirror on a server without Docker Hub.</p>
      <BuildImagesForm csrf={props.frame.csrfToken} settings={props.settings} state={props.buildImagesState} />
      <h2>Email</h2>
      <p class="muted">Invitations to projects are mailed through this SMTP server. Without one, or when it refuses a message, the invitation's link is shown once to copy.</p>
      <SmtpForm csrf={props.frame.csrfToken} settings={props.settings} state={props.smtpState} />
    </Layout>
  );
}
