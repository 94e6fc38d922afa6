// n8n: workflow automation with hundreds of integrations, on PostgreSQL.
import type { Template } from '../template.js';

export const n8n: Template = {
  id: 'n8n',
  name: 'n8n',
  description: 'Workflow automation with hundreds of integrations, on PostgreSQL.',
  category: 'automation',
  website: 'https://n8n.io',
  logo: { letters: 'n8', color: '#ea4b71' },
  domainService: 'n8n',
  secrets: { DB_PASSWORD: { length: 32 }, N8N_ENCRYPTION_KEY: { length: 48 } },
  compose: `services:
  n8n:
    image: docker.n8n.io/n8nio/n8n:1.72.1
    ports: ["5678"]
    environment:
      DB_TYPE: postgresdb
      DB_POSTGRESDB_HOST: n8n-db
      DB_POSTGRESDB_DATABASE: n8n
      DB_POSTGRESDB_USER: n8n
      DB_POSTGRESDB_PASSWORD: \${DB_PASSWORD}
      N8N_ENCRYPTION_KEY: \${N8N_ENCRYPTION_KEY}
      WEBHOOK_URL: \${SPUR_PUBLIC_URL}/
      N8N_PROXY_HOPS: "1"
    volumes: ["n8n-data:/home/node/.n8n"]
    depends_on:
      n8n-db: { condition: service_healthy }
    x-spur-http-health: { path: /healthz, start_period: 60s }
  n8n-db:
    image: postgres:16.6-alpine
    environment:
      POSTGRES_DB: n8n
      POSTGRES_USER: n8n
      POSTGRES_PASSWORD: \${DB_PASSWORD}
    volumes: ["n8n-db-data:/var/lib/postgresql/data"]
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U n8n -d n8n"]
      interval: 5s
      retries: 10
volumes:
  n8n-data:
  n8n-db-data:
`,
};
