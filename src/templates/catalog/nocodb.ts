// NocoDB: a spreadsheet interface over a database: an open Airtable alternative.
import type { Template } from '../template.js';

export const nocodb: Template = {
  id: 'nocodb',
  name: 'NocoDB',
  description: 'A spreadsheet interface over a database: an open Airtable alternative.',
  category: 'business',
  website: 'https://nocodb.com',
  logo: { letters: 'Nc', color: '#3366ff' },
  domainService: 'nocodb',
  secrets: { DB_PASSWORD: { length: 32 }, JWT_SECRET: { length: 48 } },
  compose: `services:
  nocodb:
    image: nocodb/nocodb:0.258.10
    ports: ["8080"]
    environment:
      NC_DB: pg://nocodb-db:5432?u=nocodb&p=\${DB_PASSWORD}&d=nocodb
      NC_AUTH_JWT_SECRET: \${JWT_SECRET}
      NC_PUBLIC_URL: \${SPUR_PUBLIC_URL}
    volumes: ["nocodb-data:/usr/app/data"]
    depends_on:
      nocodb-db: { condition: service_healthy }
    x-spur-http-health: { path: /api/v1/health, start_period: 60s }
  nocodb-db:
    image: postgres:16.6-alpine
    environment:
      POSTGRES_DB: nocodb
      POSTGRES_USER: nocodb
      POSTGRES_PASSWORD: \${DB_PASSWORD}
    volumes: ["nocodb-db-data:/var/lib/postgresql/data"]
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U nocodb -d nocodb"]
      interval: 5s
      retries: 10
volumes:
  nocodb-data:
  nocodb-db-data:
`,
};
