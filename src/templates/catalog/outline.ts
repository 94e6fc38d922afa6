// Outline: a fast team knowledge base; sign-in through your OpenID Connect provider.
import type { Template } from '../template.js';

export const outline: Template = {
  id: 'outline',
  name: 'Outline',
  description: 'A fast team knowledge base; sign-in through your OpenID Connect provider.',
  category: 'documents',
  website: 'https://www.getoutline.com',
  logo: { letters: 'Ol', color: '#0366d6' },
  domainService: 'outline',
  secrets: { DB_PASSWORD: { length: 32 }, SECRET_KEY: { length: 64, hex: true }, UTILS_SECRET: { length: 64, hex: true } },
  settings: { OIDC_CLIENT_ID: { description: 'The OpenID Connect client id Outline signs in with', default: '' }, OIDC_CLIENT_SECRET: { description: 'Its client secret', default: '' }, OIDC_AUTH_URI: { description: "The provider's authorization URL", default: '' }, OIDC_TOKEN_URI: { description: "The provider's token URL", default: '' }, OIDC_USERINFO_URI: { description: "The provider's userinfo URL", default: '' } },
  compose: `services:
  outline:
    image: outlinewiki/outline:0.82.0
    ports: ["3000"]
    environment:
      URL: \${SPUR_PUBLIC_URL}
      SECRET_KEY: \${SECRET_KEY}
      UTILS_SECRET: \${UTILS_SECRET}
      DATABASE_URL: postgres://outline:\${DB_PASSWORD}@outline-db:5432/outline
      PGSSLMODE: disable
      REDIS_URL: redis://outline-redis:6379
      FILE_STORAGE: local
      FILE_STORAGE_LOCAL_ROOT_DIR: /var/lib/outline/data
      OIDC_CLIENT_ID: \${OIDC_CLIENT_ID}
      OIDC_CLIENT_SECRET: \${OIDC_CLIENT_SECRET}
      OIDC_AUTH_URI: \${OIDC_AUTH_URI}
      OIDC_TOKEN_URI: \${OIDC_TOKEN_URI}
      OIDC_USERINFO_URI: \${OIDC_USERINFO_URI}
    volumes: ["outline-data:/var/lib/outline/data"]
    depends_on:
      outline-db: { condition: service_healthy }
      outline-redis: { condition: service_healthy }
    x-spur-http-health: { path: /_health, start_period: 90s }
  outline-db:
    image: postgres:16.6-alpine
    environment:
      POSTGRES_DB: outline
      POSTGRES_USER: outline
      POSTGRES_PASSWORD: \${DB_PASSWORD}
    volumes: ["outline-db-data:/var/lib/postgresql/data"]
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U outline -d outline"]
      interval: 5s
      retries: 10
  outline-redis:
    image: redis:7.4.1-alpine
    volumes: ["outline-redis-data:/data"]
    healthcheck:
      test: ["CMD", "redis-cli", "ping"]
      interval: 5s
volumes:
  outline-data:
  outline-db-data:
  outline-redis-data:
`,
};
