// Uptime Kuma: self-hosted uptime monitoring with status pages and notifications.
import type { Template } from '../template.js';

export const uptimeKuma: Template = {
  id: 'uptime-kuma',
  name: 'Uptime Kuma',
  description: 'Self-hosted uptime monitoring with status pages and notifications.',
  category: 'monitoring',
  website: 'https://uptime.kuma.pet',
  logo: { letters: 'UK', color: '#5cdd8b' },
  domainService: 'uptime-kuma',
  secrets: {},
  compose: `services:
  uptime-kuma:
    image: louislam/uptime-kuma:1.23.16
    ports: ["3001"]
    volumes: ["uptime-kuma-data:/app/data"]
    x-spur-http-health: { path: /, start_period: 60s }
volumes:
  uptime-kuma-data:
`,
};
