// Which servers Spur enrolls: Debian and Ubuntu (and what calls itself like them), as
// /etc/os-release says. Pure.

export interface OsRelease {
  id: string;
  idLike: string[];
  versionId: string;
  prettyName: string;
}

/** The fields of an os-release file (KEY=value lines, values optionally quoted). */
export function parseOsRelease(text: string): OsRelease {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) fields.set(m[1]!, m[2]!.replace(/^(["'])(.*)\1$/, '$2'));
  }
  return {
    id: fields.get('ID') ?? '',
    idLike: (fields.get('ID_LIKE') ?? '').split(/\s+/).filter(Boolean),
    versionId: fields.get('VERSION_ID') ?? '',
    prettyName: fields.get('PRETTY_NAME') ?? fields.get('NAME') ?? 'an unknown system',
  };
}

const SUPPORTED = ['debian', 'ubuntu'];

/** Why Spur does not enroll this system, or undefined when it does. */
export function unsupportedOs(os: OsRelease): string | undefined {
  if (SUPPORTED.includes(os.id) || os.idLike.some((like) => SUPPORTED.includes(like))) return undefined;
  return `${os.prettyName} is not supported: Spur enrolls Debian and Ubuntu servers`;
}
