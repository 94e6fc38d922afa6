// Vaultwarden: a lightweight Bitwarden-compatible password manager server.
import type { Template } from '../template.js';

export const vaultwarden: Template = {
  id: 'vaultwarden',
  name: 'Vaultwarden',
  description: 'A lightweight Bitwarden-compatible password manager server.',
  category: 'security',
  website: 'https://github.com/dani-garcia/vaultwarden',
  logo: { letters: 'VW', color: '#175ddc' },
  domainService: 'vaultwarden',
  secrets: { ADMIN_TOKEN: { length: 48 } },
  settings: { SIGNUPS_ALLOWED: { description: 'Whether anyone may create an account (true or false)', default: 'true' } },
  compose: `services:
  vaultwarden:
    image: vaultwarden/server:1.32.7
    ports: ["80"]
    environment:
      DOMAIN: \${SPUR_PUBLIC_URL}
      SIGNUPS_ALLOWED: \${SIGNUPS_ALLOWED}
      ADMIN_TOKEN: \${ADMIN_TOKEN}
    volumes: ["vaultwarden-data:/data"]
    x-spur-http-health: /alive
volumes:
  vaultwarden-data:
`,
};
