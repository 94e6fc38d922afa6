// Immich: photo and video backup from your phone, with search and sharing.
import type { Template } from '../template.js';

export const immich: Template = {
  id: 'immich',
  name: 'Immich',
  description: 'Photo and video backup from your phone, with search and sharing.',
  category: 'media',
  website: 'https://immich.app',
  logo: { letters: 'Im', color: '#4250af' },
  domainService: 'immich',
  secrets: { DB_PASSWORD: { length: 32 } },
  compose: `services:
  immich:
    image: ghcr.io/immich-app/immich-server:v1.123.0
    ports: ["2283"]
    environment:
      DB_HOSTNAME: immich-db
      DB_USERNAME: postgres
      DB_PASSWORD: \${DB_PASSWORD}
      DB_DATABASE_NAME: immich
      REDIS_HOSTNAME: immich-redis
      IMMICH_MACHINE_LEARNING_URL: http://immich-ml:3003
    volumes: ["immich-upload:/usr/src/app/upload"]
    depends_on:
      immich-db: { condition: service_healthy }
      immich-redis: { condition: service_healthy }
    x-spur-http-health: { path: /api/server/ping, start_period: 120s }
  immich-ml:
    image: ghcr.io/immich-app/immich-machine-learning:v1.123.0
    expose: ["3003"]
    volumes: ["immich-model-cache:/cache"]
  immich-db:
    image: tensorchord/pgvecto-rs:pg14-v0.2.0
    command: ["postgres", "-c", "shared_preload_libraries=vectors.so", "-c", "search_path=\\"$$user\\", public, vectors"]
    environment:
      POSTGRES_USER: postgres
      POSTGRES_PASSWORD: \${DB_PASSWORD}
      POSTGRES_DB: immich
      POSTGRES_INITDB_ARGS: --data-checksums
    volumes: ["immich-db-data:/var/lib/postgresql/data"]
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U postgres -d immich"]
      interval: 5s
      retries: 10
  immich-redis:
    image: redis:7.4.1-alpine
    volumes: ["immich-redis-data:/data"]
    healthcheck:
      test: ["CMD", "redis-cli", "ping"]
      interval: 5s
volumes:
  immich-upload:
  immich-model-cache:
  immich-db-data:
  immich-redis-data:
`,
};
