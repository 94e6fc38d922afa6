// What an image stream from another server's Docker (`docker save`'s tar) may hold before Spur
// hands it to a daemon: the files of exactly one image, named by exactly the reference expected.
// `docker load` tags whatever the stream's manifest.json, repositories and index.json name, so a
// build server could otherwise retag base images (node:24-slim) or Spur's own (spur/…) on the
// manager. Pure.

export class StreamRefused extends Error {}

/** The names a stream of `image` carries: repository and tag as manifest.json and repositories
 *  write them (Docker Hub's short form), and the full reference as an OCI index annotates it.
 *  A reference by digest names no tag: its stream must name none. */
export function expectedNames(image: string): { repo: string; tag: string | undefined; full: string | undefined } {
  const at = image.indexOf('@');
  const named = at < 0 ? image : image.slice(0, at);
  const colon = named.lastIndexOf(':');
  const hasTag = colon > named.lastIndexOf('/');
  let repo = hasTag ? named.slice(0, colon) : named;
  const tag = hasTag ? named.slice(colon + 1) : at < 0 ? 'latest' : undefined;
  const first = repo.split('/')[0]!;
  const hasDomain = repo.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (hasDomain && (first === 'docker.io' || first === 'index.docker.io')) repo = repo.slice(first.length + 1);
  const hub = !hasDomain || first === 'docker.io' || first === 'index.docker.io';
  if (hub && repo.startsWith('library/') && repo.split('/').length === 2) repo = repo.slice('library/'.length);
  const fullRepo = hub ? `docker.io/${repo.includes('/') ? repo : `library/${repo}`}` : repo;
  return { repo, tag, full: tag === undefined ? undefined : `${fullRepo}:${tag}` };
}

const HEX = '[0-9a-f]{64}';
const NAMING = new Set(['manifest.json', 'repositories', 'index.json']);
const FILES = [new RegExp(`^${HEX}/(VERSION|json|layer\\.tar)$`), new RegExp(`^${HEX}\\.json$`), new RegExp(`^blobs/sha256/${HEX}$`), /^oci-layout$/];
const DIRECTORIES = [new RegExp(`^${HEX}/?$`), /^blobs\/?$/, /^blobs\/sha256\/?$/];
// Docker writes a layer stored once under another id, or as an OCI blob, as a link to it.
const LAYER_LINK = { name: new RegExp(`^${HEX}/layer\\.tar$`), target: new RegExp(`^\\.\\./(${HEX}/layer\\.tar|(\\.\\./)?blobs/sha256/${HEX})$`) };

/** Whether the entry is one `docker save` writes: a naming file (held back until checked), or
 *  an image file passed on. Anything else (another spelling of a name such as ./manifest.json,
 *  a path outside, a link elsewhere, a device) is refused. */
export function entryKind(header: { name: string; type?: string | null; linkname?: string | null }): 'naming' | 'file' {
  const { name } = header;
  const type = header.type ?? 'file';
  if (type === 'file' && NAMING.has(name)) return 'naming';
  if (type === 'file' && FILES.some((r) => r.test(name))) return 'file';
  if (type === 'directory' && DIRECTORIES.some((r) => r.test(name))) return 'file';
  if (type === 'symlink' && LAYER_LINK.name.test(name) && LAYER_LINK.target.test(header.linkname ?? '')) return 'file';
  throw new StreamRefused(`the image stream holds ${JSON.stringify(name)} (${type}${header.linkname ? ` → ${header.linkname}` : ''}), which is not part of an exported image`);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks the naming files of a stream of `image` whose config is `imageId`: one manifest entry
 *  tagged exactly `image` (none for a digest reference), a repositories file naming only that,
 *  an OCI index with one manifest annotated with no other reference. */
export function checkNames(files: Map<string, Buffer>, image: string, imageId: string): void {
  const want = expectedNames(image);
  const refuse = (what: string) => {
    throw new StreamRefused(`the image stream ${what}; expected only ${image}`);
  };
  const parse = (name: string): unknown => {
    try {
      return JSON.parse(files.get(name)!.toString('utf8'));
    } catch {
      return refuse(`has a ${name} that is not JSON`);
    }
  };
  if (!files.has('manifest.json')) refuse('has no manifest.json');
  const manifest = parse('manifest.json');
  if (!Array.isArray(manifest) || manifest.length !== 1 || !isObject(manifest[0])) refuse(`has ${Array.isArray(manifest) ? manifest.length : 'no list of'} manifest entries, not one`);
  const entry = (manifest as Record<string, unknown>[])[0]!;
  const extra = Object.keys(entry).filter((k) => !['Config', 'RepoTags', 'Layers'].includes(k));
  if (extra.length) refuse(`has a manifest entry with ${extra.join(', ')}`);
  const tags = entry.RepoTags ?? [];
  const wantTags = want.tag === undefined ? [] : [`${want.repo}:${want.tag}`];
  if (!Array.isArray(tags) || JSON.stringify(tags) !== JSON.stringify(wantTags)) refuse(`tags ${JSON.stringify(tags)}`);
  const config = typeof entry.Config === 'string' ? entry.Config : '';
  if (config !== `${imageId.replace(/^sha256:/, '')}.json` && config !== `blobs/sha256/${imageId.replace(/^sha256:/, '')}`) refuse(`has the config ${JSON.stringify(config)}, not that of ${imageId}`);
  const layers = entry.Layers;
  if (!Array.isArray(layers) || !layers.every((l) => typeof l === 'string' && (FILES[0]!.test(l) || FILES[2]!.test(l)))) refuse('lists layers outside the image');
  if (files.has('repositories')) {
    const repositories = parse('repositories');
    const named = isObject(repositories) ? Object.entries(repositories).flatMap(([repo, tagged]) => (isObject(tagged) ? Object.keys(tagged) : ['?']).map((t) => `${repo}:${t}`)) : ['?'];
    if (JSON.stringify(named) !== JSON.stringify(wantTags)) refuse(`names ${JSON.stringify(named)} in its repositories file`);
  }
  if (files.has('index.json')) {
    const index = parse('index.json');
    const manifests = isObject(index) && Array.isArray(index.manifests) ? index.manifests : [];
    if (manifests.length !== 1 || !isObject(manifests[0])) refuse(`has ${manifests.length} manifests in its index.json, not one`);
    const annotations = (manifests[0] as Record<string, unknown>).annotations ?? {};
    if (!isObject(annotations)) return refuse('has index.json annotations that are not a map');
    const containerd = annotations['io.containerd.image.name'];
    const ref = annotations['org.opencontainers.image.ref.name'];
    if (containerd !== undefined && containerd !== want.full) refuse(`names ${JSON.stringify(containerd)} in its index.json`);
    if (ref !== undefined && (want.tag === undefined || (ref !== want.tag && ref !== want.full))) refuse(`names ${JSON.stringify(ref)} in its index.json`);
  }
}
