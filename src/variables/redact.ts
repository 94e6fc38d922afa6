// Hides secret values in text that leaves Spur (build logs, runtime logs, failure reasons). Pure.

const MASK = '••••••';

/** Names that say a value is a credential, whatever its length. */
const SECRET_NAME = /KEY|SECRET|TOKEN|PASS|PWD|AUTH|CREDENTIAL|PRIVATE|SIGNATURE|SALT|DSN|_URL$|^URL$/i;

/** The values worth masking among a service's variables: every value of 8 characters or more,
 *  and shorter ones (4+) whose name says they are secret. Masking a short everyday value such as
 *  GREETING=hello or ENABLED=true would garble every log line that happens to contain the word. */
export function secretValues(variables: Record<string, string>): string[] {
  return Object.entries(variables)
    .filter(([key, value]) => value.length >= 8 || (value.length >= 4 && SECRET_NAME.test(key)))
    .map(([, value]) => value);
}

export function makeRedactor(secrets: string[]): (text: string) => string {
  const values = [...new Set(secrets.filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
  if (values.length === 0) return (text) => text;
  return (text) => values.reduce((out, v) => out.split(v).join(MASK), text);
}
