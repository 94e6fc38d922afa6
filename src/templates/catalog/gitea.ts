// Gitea: a painless self-hosted git service: repositories, pull requests, issues and packages.
import type { Template } from '../template.js';

export const gitea: Template = {
  id: 'gitea',
  name: 'Gitea',
  description: 'A painless self-hosted git service: repositories, pull requests, issues and packages.',
  category: 'developer',
  website: 'https://about.gitea.com',
  logo: { letters: 'Gi', color: '#609926' },
  domainService: 'gitea',
  secrets: { DB_PASSWORD: { length: 32 }, SECRET_KEY: { length: 64 } },
  compose: `services:
  gitea:
    image: gitea/gitea:1.22.6
    ports: ["3000"]
    environment:
      GITEA__database__DB_TYPE: postgres
      GITEA__database__HOST: gitea-db:5432
      GITEA__database__NAME: gitea
      GITEA__database__USER: gitea
      GITEA__database__PASSWD: \${DB_PASSWORD}
      GITEA__server__ROOT_URL: \${SPUR_PUBLIC_URL}/
      GITEA__security__SECRET_KEY: \${SECRET_KEY}
      GITEA__security__INSTALL_LOCK: "true"
    volumes: ["gitea-data:/data"]
    depends_on:
      gitea-db: { condition: service_healthy }
    x-spur-http-health: { path: /api/healthz, start_period: 60s }
  gitea-db:
    image: postgres:16.6-alpine
    environment:
      POSTGRES_DB: gitea
      POSTGRES_USER: gitea
      POSTGRES_PASSWORD: \${DB_PASSWORD}
    volumes: ["gitea-db-data:/var/lib/postgresql/data"]
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U gitea -d gitea"]
      interval: 5s
      retries: 10
volumes:
  gitea-data:
  gitea-db-data:
`,
};
