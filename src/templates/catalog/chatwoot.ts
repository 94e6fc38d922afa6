// Chatwoot: customer support across live chat, email and social channels.
import type { Template } from '../template.js';

export const chatwoot: Template = {
  id: 'chatwoot',
  name: 'Chatwoot',
  description: 'Customer support across live chat, email and social channels.',
  category: 'communication',
  website: 'https://www.chatwoot.com',
  logo: { letters: 'Cw', color: '#1f93ff' },
  domainService: 'chatwoot',
  secrets: { DB_PASSWORD: { length: 32 }, SECRET_KEY_BASE: { length: 64, hex: true } },
  compose: `x-chatwoot-env: &chatwoot-env
  SECRET_KEY_BASE: \${SECRET_KEY_BASE}
  FRONTEND_URL: \${SPUR_PUBLIC_URL}
  RAILS_ENV: production
  NODE_ENV: production
  INSTALLATION_ENV: docker
  POSTGRES_HOST: chatwoot-db
  POSTGRES_USERNAME: chatwoot
  POSTGRES_PASSWORD: \${DB_PASSWORD}
  POSTGRES_DATABASE: chatwoot
  REDIS_URL: redis://chatwoot-redis:6379
  ACTIVE_STORAGE_SERVICE: local
services:
  chatwoot:
    image: chatwoot/chatwoot:v3.16.0
    entrypoint: ["docker/entrypoints/rails.sh"]
    command: ["sh", "-c", "bundle exec rails db:chatwoot_prepare && bundle exec rails s -p 3000 -b 0.0.0.0"]
    ports: ["3000"]
    environment: *chatwoot-env
    volumes: ["chatwoot-storage:/app/storage"]
    depends_on:
      chatwoot-db: { condition: service_healthy }
      chatwoot-redis: { condition: service_healthy }
    x-spur-http-health: { path: /api, start_period: 300s }
  chatwoot-sidekiq:
    image: chatwoot/chatwoot:v3.16.0
    command: ["bundle", "exec", "sidekiq", "-C", "config/sidekiq.yml"]
    environment: *chatwoot-env
    depends_on: [chatwoot]
  chatwoot-db:
    image: postgres:16.6-alpine
    environment:
      POSTGRES_DB: chatwoot
      POSTGRES_USER: chatwoot
      POSTGRES_PASSWORD: \${DB_PASSWORD}
    volumes: ["chatwoot-db-data:/var/lib/postgresql/data"]
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U chatwoot -d chatwoot"]
      interval: 5s
      retries: 10
  chatwoot-redis:
    image: redis:7.4.1-alpine
    volumes: ["chatwoot-redis-data:/data"]
    healthcheck:
      test: ["CMD", "redis-cli", "ping"]
      interval: 5s
volumes:
  chatwoot-storage:
  chatwoot-db-data:
  chatwoot-redis-data:
`,
};
