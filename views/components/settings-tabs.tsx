// Spur's own settings and its users: two tabs of the owner's Settings section.
export function SettingsTabs(props: { current: 'settings' | 'users' | 'sso' }) {
  const here = (tab: 'settings' | 'users' | 'sso') => (props.current === tab ? 'page' : undefined);
  return (
    <nav class="tabs" aria-label="Settings">
      <a href="/settings" aria-current={here('settings')}>Spur</a>
      <a href="/users" aria-current={here('users')}>Users</a>
      <a href="/settings/sso" aria-current={here('sso')}>Single sign-on</a>
    </nav>
  );
}
