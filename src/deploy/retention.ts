// Which deployment images to keep: the last N that served per (service, environment), and always
// the one serving now. Pure.

export interface ImageRecord {
  id: number;
  serviceId: number;
  environmentId: number;
  status: string;
  imageTag: string | null;
}

/** Tags of Spur-built images that no kept deployment uses. */
export function imagesToPrune(deployments: ImageRecord[], keep: number): string[] {
  const kept = new Set<string>();
  const candidates = new Set<string>();
  const byInstance = new Map<string, ImageRecord[]>();
  for (const d of deployments) {
    if (!d.imageTag?.startsWith('spur/')) continue;
    candidates.add(d.imageTag);
    const key = `${d.serviceId}:${d.environmentId}`;
    byInstance.set(key, [...(byInstance.get(key) ?? []), d]);
  }
  for (const list of byInstance.values()) {
    const served = list.filter((d) => d.status === 'active' || d.status === 'superseded').sort((a, b) => b.id - a.id);
    served.slice(0, keep).forEach((d) => kept.add(d.imageTag!));
    list.filter((d) => ['active', 'queued', 'building', 'deploying'].includes(d.status)).forEach((d) => kept.add(d.imageTag!));
  }
  return [...candidates].filter((tag) => !kept.has(tag)).sort();
}
