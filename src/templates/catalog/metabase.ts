// Metabase: business intelligence: dashboards and questions over your databases.
import type { Template } from '../template.js';

export const metabase: Template = {
  id: 'metabase',
  name: 'Metabase',
  description: 'Business intelligence: dashboards and questions over your databases.',
  category: 'analytics',
  website: 'https://www.metabase.com',
  logo: { letters: 'Mb', color: '#509ee3' },
  domainService: 'metabase',
  secrets: { DB_PASSWORD: { length: 32 } },
  compose: `services:
  metabase:
    image: metabase/metabase:v0.52.4
    ports: ["3000"]
    environment:
      MB_DB_TYPE: postgres
      MB_DB_HOST: metabase-db
      MB_DB_PORT: "5432"
      MB_DB_DBNAME: metabase
      MB_DB_USER: metabase
      MB_DB_PASS: \${DB_PASSWORD}
      MB_SITE_URL: \${SPUR_PUBLIC_URL}
    depends_on:
      metabase-db: { condition: service_healthy }
    x-spur-http-health: { path: /api/health, start_period: 300s }
  metabase-db:
    image: postgres:16.6-alpine
    environment:
      POSTGRES_DB: metabase
      POSTGRES_USER: metabase
      POSTGRES_PASSWORD: \${DB_PASSWORD}
    volumes: ["metabase-db-data:/var/lib/postgresql/data"]
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U metabase -d metabase"]
      interval: 5s
      retries: 10
volumes:
  metabase-db-data:
`,
};
