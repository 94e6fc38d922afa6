// The Single sign-on settings page (owners): the same action as the API (actions/sso-settings.ts).
import type { Context, Hono } from 'hono';
import type { FormState } from '../../views/components/form.js';
import type { LayoutProps } from '../../views/layout.js';
import { SsoForm, SsoSettingsPage } from '../../views/pages/sso-settings.js';
import { changeSsoSettings, ssoSettingsView } from '../actions/sso-settings.js';
import type { Deps } from '../deps.js';
import type { AuthEnv } from './auth.js';
import { answerForm } from './forms.js';

type Frame = Omit<LayoutProps, 'title' | 'children'>;

/** The form's fields as the action's body: an empty issuer removes single sign-on. */
const toChange = (body: Record<string, unknown>) => ({
  provider: body.issuer === '' || body.issuer === undefined ? null : { issuer: body.issuer, clientId: body.clientId, clientSecret: body.clientSecret, label: body.label },
  passwordLogin: body.passwordLogin ?? 'on',
});

export function ssoSettingsPages(web: Hono<AuthEnv>, deps: Deps, frame: (c: Context<AuthEnv>) => Frame) {
  const user = (c: Context<AuthEnv>) => c.get('user');
  const page = async (c: Context<AuthEnv>, state?: FormState) => <SsoSettingsPage frame={frame(c)} sso={await ssoSettingsView(deps, user(c))} state={state} />;
  web.get('/settings/sso', async (c) => c.html(await page(c)));
  web.post('/settings/sso', (c) =>
    answerForm(c, {
      run: (body) => changeSsoSettings(deps, user(c), toChange(body)),
      done: (s) => ({ to: '/settings/sso', toast: s.provider ? `Single sign-on with ${s.provider.label} saved${s.passwordLogin ? '' : '; password sign-in is off'}` : 'Single sign-on is off' }),
      fragment: async (state) => <SsoForm csrf={c.get('csrfToken')} sso={await ssoSettingsView(deps, user(c))} state={state} />,
      page: (state) => page(c, state),
    }),
  );
}
