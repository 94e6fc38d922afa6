// Spur's own settings, its users, single sign-on, alerts and the audit log: tabs of the owner's Settings section.
export function SettingsTabs(props: { current: 'settings' | 'users' | 'sso' | 'audit' | 'alerts' }) {
  const here = (tab: 'settings' | 'users' | 'sso' | 'audit' | 'alerts') => (props.current === tab ? 'page' : undefined);
  return (
    <nav class="tabs" aria-label="Settings">
      <a href="/settings" aria-current={here('settings')}>Spur</a>
      <a href="/users" aria-current={here('users')}>Users</a>
      <a href="/settings/sso" aria-current={here('sso')}>Single sign-on</a>
      <a href="/alerts" aria-current={here('alerts')}>Alerts</a>
      <a href="/audit" aria-current={here('audit')}>Audit log</a>
    </nav>
  );
}
