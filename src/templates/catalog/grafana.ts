// Grafana: dashboards and alerts over metrics, logs and traces.
import type { Template } from '../template.js';

export const grafana: Template = {
  id: 'grafana',
  name: 'Grafana',
  description: 'Dashboards and alerts over metrics, logs and traces.',
  category: 'monitoring',
  website: 'https://grafana.com',
  logo: { letters: 'Gf', color: '#f46800' },
  domainService: 'grafana',
  secrets: { ADMIN_PASSWORD: { length: 32 } },
  settings: { ADMIN_USER: { description: "The administrator's login", default: 'admin' } },
  compose: `services:
  grafana:
    image: grafana/grafana-oss:11.4.0
    ports: ["3000"]
    environment:
      GF_SECURITY_ADMIN_USER: \${ADMIN_USER}
      GF_SECURITY_ADMIN_PASSWORD: \${ADMIN_PASSWORD}
      GF_SERVER_ROOT_URL: \${SPUR_PUBLIC_URL}
    volumes: ["grafana-data:/var/lib/grafana"]
    x-spur-http-health: /api/health
volumes:
  grafana-data:
`,
};
