// Nextcloud: files, calendars and contacts in your own cloud, with PostgreSQL and Redis.
import type { Template } from '../template.js';

export const nextcloud: Template = {
  id: 'nextcloud',
  name: 'Nextcloud',
  description: 'Files, calendars and contacts in your own cloud, with PostgreSQL and Redis.',
  category: 'storage',
  website: 'https://nextcloud.com',
  logo: { letters: 'Nc', color: '#0082c9' },
  domainService: 'nextcloud',
  secrets: { DB_PASSWORD: { length: 32 }, ADMIN_PASSWORD: { length: 24 } },
  settings: { ADMIN_USER: { description: "The first administrator's login", default: 'admin' } },
  compose: `services:
  nextcloud:
    image: nextcloud:30.0.4-apache
    ports: ["80"]
    environment:
      POSTGRES_HOST: nextcloud-db
      POSTGRES_DB: nextcloud
      POSTGRES_USER: nextcloud
      POSTGRES_PASSWORD: \${DB_PASSWORD}
      REDIS_HOST: nextcloud-redis
      NEXTCLOUD_ADMIN_USER: \${ADMIN_USER}
      NEXTCLOUD_ADMIN_PASSWORD: \${ADMIN_PASSWORD}
      NEXTCLOUD_TRUSTED_DOMAINS: \${SPUR_PUBLIC_HOST}
      OVERWRITECLIURL: \${SPUR_PUBLIC_URL}
    volumes: ["nextcloud-html:/var/www/html"]
    depends_on:
      nextcloud-db: { condition: service_healthy }
      nextcloud-redis: { condition: service_healthy }
    x-spur-http-health: { path: /status.php, start_period: 300s }
  nextcloud-db:
    image: postgres:16.6-alpine
    environment:
      POSTGRES_DB: nextcloud
      POSTGRES_USER: nextcloud
      POSTGRES_PASSWORD: \${DB_PASSWORD}
    volumes: ["nextcloud-db-data:/var/lib/postgresql/data"]
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U nextcloud -d nextcloud"]
      interval: 5s
      retries: 10
  nextcloud-redis:
    image: redis:7.4.1-alpine
    volumes: ["nextcloud-redis-data:/data"]
    healthcheck:
      test: ["CMD", "redis-cli", "ping"]
      interval: 5s
volumes:
  nextcloud-html:
  nextcloud-db-data:
  nextcloud-redis-data:
`,
};
