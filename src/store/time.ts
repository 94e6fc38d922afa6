// Timestamps as stored: ISO-8601 UTC strings.
export const nowIso = () => new Date().toISOString();
