// Single sign-on (owners): the OpenID Connect provider users sign in with, and the switch that
// turns password sign-in off.
import { Field, type FormState, PostForm } from '../components/form.js';
import { SettingsTabs } from '../components/settings-tabs.js';
import { Layout, type LayoutProps } from '../layout.js';
import type { SsoSettingsView } from '../../src/actions/sso-settings.js';

export function SsoForm(props: { csrf?: string; sso: SsoSettingsView; state?: FormState }) {
  const p = props.sso.provider;
  const f = { form: 'sso-settings', state: props.state };
  const password = props.state?.values.passwordLogin ?? (props.sso.passwordLogin ? 'on' : 'off');
  return (
    <PostForm id="sso-settings" action="/settings/sso" csrf={props.csrf} state={props.state} class="stack">
      <Field {...f} name="issuer" label="Issuer URL" value={p?.issuer ?? ''} attrs={{ type: 'url', placeholder: 'https://accounts.google.com', spellcheck: 'false' }}>
        <span class="muted">Empty: no single sign-on. https:// (http:// only for a provider on this server).</span>
      </Field>
      <Field {...f} name="clientId" label="Client ID" value={p?.clientId ?? ''} attrs={{ autocomplete: 'off', spellcheck: 'false' }} />
      <Field {...f} name="clientSecret" label="Client secret" keep={false} attrs={{ type: 'password', autocomplete: 'off', placeholder: p ? 'unchanged' : '' }}>
        <span class="muted">Stored encrypted; never shown again.{p ? ' Leave empty to keep the one stored.' : ''}</span>
      </Field>
      <Field {...f} name="label" label="Button label" value={p?.label ?? ''} attrs={{ placeholder: 'Google' }}>
        <span class="muted">The login page says “Sign in with …”.</span>
      </Field>
      <label class="field">
        <span>Password sign-in</span>
        <select name="passwordLogin">
          <option value="on" selected={password === 'on'}>On: passwords and single sign-on</option>
          <option value="off" selected={password === 'off'}>Off: single sign-on only</option>
        </select>
        {props.state?.errors.passwordLogin && <span class="field-error">{props.state.errors.passwordLogin}</span>}
      </label>
      <button type="submit">Save single sign-on</button>
    </PostForm>
  );
}

export function SsoSettingsPage(props: { frame: Omit<LayoutProps, 'title' | 'children'>; sso: SsoSettingsView; state?: FormState }) {
  return (
    <Layout title="Single sign-on" section="settings" {...props.frame}>
      <h1>Settings</h1>
      <SettingsTabs current="sso" />
      <h2>Single sign-on</h2>
      <p class="muted">
        Users sign in with an OpenID Connect provider (Google, Keycloak, Authentik, GitHub through a broker…). Register Spur there as a confidential web client with this redirect URI: <code>{props.sso.callbackUrl}</code>. A user is matched by the email the provider says it verified to an existing Spur user; nobody is created. Spur checks that the issuer answers before saving.
      </p>
      <p class="muted">
        With password sign-in off, only single sign-on signs in on the login page (API tokens keep working). If the provider ever locks you out, run <code>spur password-login on</code> on the server.
      </p>
      <SsoForm csrf={props.frame.csrfToken} sso={props.sso} state={props.state} />
    </Layout>
  );
}
