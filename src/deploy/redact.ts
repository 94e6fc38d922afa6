// Hides secret values in text that leaves Spur (build logs, runtime logs, failure reasons). Pure.

const MASK = '••••••';

/** Values shorter than 4 characters are left alone: masking "1" or "on" would garble every line. */
export function makeRedactor(secrets: string[]): (text: string) => string {
  const values = [...new Set(secrets.filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
  if (values.length === 0) return (text) => text;
  return (text) => values.reduce((out, v) => out.split(v).join(MASK), text);
}
