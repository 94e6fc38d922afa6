// Forgejo: a community-run git forge: repositories, pull requests, issues and CI.
import type { Template } from '../template.js';

export const forgejo: Template = {
  id: 'forgejo',
  name: 'Forgejo',
  description: 'A community-run git forge: repositories, pull requests, issues and CI.',
  category: 'developer',
  website: 'https://forgejo.org',
  logo: { letters: 'Fo', color: '#fb923c' },
  domainService: 'forgejo',
  secrets: { DB_PASSWORD: { length: 32 }, SECRET_KEY: { length: 64 } },
  compose: `services:
  forgejo:
    image: codeberg.org/forgejo/forgejo:9.0.3
    ports: ["3000"]
    environment:
      FORGEJO__database__DB_TYPE: postgres
      FORGEJO__database__HOST: forgejo-db:5432
      FORGEJO__database__NAME: forgejo
      FORGEJO__database__USER: forgejo
      FORGEJO__database__PASSWD: \${DB_PASSWORD}
      FORGEJO__server__ROOT_URL: \${SPUR_PUBLIC_URL}/
      FORGEJO__security__SECRET_KEY: \${SECRET_KEY}
      FORGEJO__security__INSTALL_LOCK: "true"
    volumes: ["forgejo-data:/data"]
    depends_on:
      forgejo-db: { condition: service_healthy }
    x-spur-http-health: { path: /api/healthz, start_period: 60s }
  forgejo-db:
    image: postgres:16.6-alpine
    environment:
      POSTGRES_DB: forgejo
      POSTGRES_USER: forgejo
      POSTGRES_PASSWORD: \${DB_PASSWORD}
    volumes: ["forgejo-db-data:/var/lib/postgresql/data"]
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U forgejo -d forgejo"]
      interval: 5s
      retries: 10
volumes:
  forgejo-data:
  forgejo-db-data:
`,
};
