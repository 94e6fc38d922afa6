// Umami: simple, privacy-focused website analytics on PostgreSQL.
import type { Template } from '../template.js';

export const umami: Template = {
  id: 'umami',
  name: 'Umami',
  description: 'Simple, privacy-focused website analytics on PostgreSQL.',
  category: 'analytics',
  website: 'https://umami.is',
  logo: { letters: 'Um', color: '#000000' },
  domainService: 'umami',
  secrets: { DB_PASSWORD: { length: 32 }, APP_SECRET: { length: 48 } },
  compose: `services:
  umami:
    image: ghcr.io/umami-software/umami:postgresql-v2.15.1
    ports: ["3000"]
    environment:
      DATABASE_URL: postgresql://umami:\${DB_PASSWORD}@umami-db:5432/umami
      DATABASE_TYPE: postgresql
      APP_SECRET: \${APP_SECRET}
    depends_on:
      umami-db: { condition: service_healthy }
    x-spur-http-health: { path: /api/heartbeat, start_period: 90s }
  umami-db:
    image: postgres:16.6-alpine
    environment:
      POSTGRES_DB: umami
      POSTGRES_USER: umami
      POSTGRES_PASSWORD: \${DB_PASSWORD}
    volumes: ["umami-db-data:/var/lib/postgresql/data"]
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U umami -d umami"]
      interval: 5s
      retries: 10
volumes:
  umami-db-data:
`,
};
