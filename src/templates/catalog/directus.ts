// Directus: an instant REST and GraphQL API and admin app over a SQL database.
import type { Template } from '../template.js';

export const directus: Template = {
  id: 'directus',
  name: 'Directus',
  description: 'An instant REST and GraphQL API and admin app over a SQL database.',
  category: 'backend',
  website: 'https://directus.io',
  logo: { letters: 'Di', color: '#6644ff' },
  domainService: 'directus',
  secrets: { DB_PASSWORD: { length: 32 }, SECRET: { length: 48 }, ADMIN_PASSWORD: { length: 24 } },
  settings: { ADMIN_EMAIL: { description: "The first administrator's email", default: 'admin@example.com' } },
  compose: `services:
  directus:
    image: directus/directus:11.3.5
    ports: ["8055"]
    environment:
      SECRET: \${SECRET}
      ADMIN_EMAIL: \${ADMIN_EMAIL}
      ADMIN_PASSWORD: \${ADMIN_PASSWORD}
      DB_CLIENT: pg
      DB_HOST: directus-db
      DB_PORT: "5432"
      DB_DATABASE: directus
      DB_USER: directus
      DB_PASSWORD: \${DB_PASSWORD}
      PUBLIC_URL: \${SPUR_PUBLIC_URL}
    volumes: ["directus-uploads:/directus/uploads"]
    depends_on:
      directus-db: { condition: service_healthy }
    x-spur-http-health: { path: /server/health, start_period: 90s }
  directus-db:
    image: postgres:16.6-alpine
    environment:
      POSTGRES_DB: directus
      POSTGRES_USER: directus
      POSTGRES_PASSWORD: \${DB_PASSWORD}
    volumes: ["directus-db-data:/var/lib/postgresql/data"]
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U directus -d directus"]
      interval: 5s
      retries: 10
volumes:
  directus-uploads:
  directus-db-data:
`,
};
