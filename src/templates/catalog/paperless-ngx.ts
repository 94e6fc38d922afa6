// Paperless-ngx: scan, index and archive your paper documents, searchable.
import type { Template } from '../template.js';

export const paperlessNgx: Template = {
  id: 'paperless-ngx',
  name: 'Paperless-ngx',
  description: 'Scan, index and archive your paper documents, searchable.',
  category: 'documents',
  website: 'https://docs.paperless-ngx.com',
  logo: { letters: 'Pl', color: '#17541f' },
  domainService: 'paperless-ngx',
  secrets: { DB_PASSWORD: { length: 32 }, SECRET_KEY: { length: 64 }, ADMIN_PASSWORD: { length: 24 } },
  settings: { ADMIN_USER: { description: "The first administrator's login", default: 'admin' } },
  compose: `services:
  paperless-ngx:
    image: ghcr.io/paperless-ngx/paperless-ngx:2.13.5
    ports: ["8000"]
    environment:
      PAPERLESS_REDIS: redis://paperless-redis:6379
      PAPERLESS_DBHOST: paperless-db
      PAPERLESS_DBNAME: paperless
      PAPERLESS_DBUSER: paperless
      PAPERLESS_DBPASS: \${DB_PASSWORD}
      PAPERLESS_SECRET_KEY: \${SECRET_KEY}
      PAPERLESS_URL: \${SPUR_PUBLIC_URL}
      PAPERLESS_ADMIN_USER: \${ADMIN_USER}
      PAPERLESS_ADMIN_PASSWORD: \${ADMIN_PASSWORD}
    volumes:
      - paperless-data:/usr/src/paperless/data
      - paperless-media:/usr/src/paperless/media
      - paperless-consume:/usr/src/paperless/consume
    depends_on:
      paperless-db: { condition: service_healthy }
      paperless-redis: { condition: service_healthy }
    x-spur-http-health: { path: /, start_period: 300s }
  paperless-db:
    image: postgres:16.6-alpine
    environment:
      POSTGRES_DB: paperless
      POSTGRES_USER: paperless
      POSTGRES_PASSWORD: \${DB_PASSWORD}
    volumes: ["paperless-db-data:/var/lib/postgresql/data"]
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U paperless -d paperless"]
      interval: 5s
      retries: 10
  paperless-redis:
    image: redis:7.4.1-alpine
    volumes: ["paperless-redis-data:/data"]
    healthcheck:
      test: ["CMD", "redis-cli", "ping"]
      interval: 5s
volumes:
  paperless-data:
  paperless-media:
  paperless-consume:
  paperless-db-data:
  paperless-redis-data:
`,
};
