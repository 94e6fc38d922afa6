// Mattermost: team chat with channels, threads and integrations.
import type { Template } from '../template.js';

export const mattermost: Template = {
  id: 'mattermost',
  name: 'Mattermost',
  description: 'Team chat with channels, threads and integrations.',
  category: 'communication',
  website: 'https://mattermost.com',
  logo: { letters: 'Mm', color: '#0058cc' },
  domainService: 'mattermost',
  secrets: { DB_PASSWORD: { length: 32 } },
  compose: `services:
  mattermost:
    image: mattermost/mattermost-team-edition:10.3.1
    ports: ["8065"]
    environment:
      MM_SQLSETTINGS_DRIVERNAME: postgres
      MM_SQLSETTINGS_DATASOURCE: postgres://mattermost:\${DB_PASSWORD}@mattermost-db:5432/mattermost?sslmode=disable&connect_timeout=10
      MM_SERVICESETTINGS_SITEURL: \${SPUR_PUBLIC_URL}
    volumes:
      - mattermost-data:/mattermost/data
      - mattermost-config:/mattermost/config
      - mattermost-plugins:/mattermost/plugins
    depends_on:
      mattermost-db: { condition: service_healthy }
    x-spur-http-health: { path: /api/v4/system/ping, start_period: 120s }
  mattermost-db:
    image: postgres:16.6-alpine
    environment:
      POSTGRES_DB: mattermost
      POSTGRES_USER: mattermost
      POSTGRES_PASSWORD: \${DB_PASSWORD}
    volumes: ["mattermost-db-data:/var/lib/postgresql/data"]
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U mattermost -d mattermost"]
      interval: 5s
      retries: 10
volumes:
  mattermost-data:
  mattermost-config:
  mattermost-plugins:
  mattermost-db-data:
`,
};
