// PocketBase: a backend in one file: database, auth, files and realtime API.
import type { Template } from '../template.js';

export const pocketbase: Template = {
  id: 'pocketbase',
  name: 'PocketBase',
  description: 'A backend in one file: database, auth, files and realtime API.',
  category: 'backend',
  website: 'https://pocketbase.io',
  logo: { letters: 'PB', color: '#16161a' },
  domainService: 'pocketbase',
  secrets: {},
  compose: `services:
  pocketbase:
    image: ghcr.io/muchobien/pocketbase:0.23.12
    ports: ["8090"]
    volumes: ["pocketbase-data:/pb_data"]
    x-spur-http-health: /api/health
volumes:
  pocketbase-data:
`,
};
