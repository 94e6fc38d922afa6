// Plausible: privacy-friendly web analytics without cookies, on PostgreSQL and ClickHouse.
import type { Template } from '../template.js';

export const plausible: Template = {
  id: 'plausible',
  name: 'Plausible',
  description: 'Privacy-friendly web analytics without cookies, on PostgreSQL and ClickHouse.',
  category: 'analytics',
  website: 'https://plausible.io',
  logo: { letters: 'Pa', color: '#5850ec' },
  domainService: 'plausible',
  secrets: { DB_PASSWORD: { length: 32 }, SECRET_KEY_BASE: { length: 64 } },
  compose: `services:
  plausible:
    image: ghcr.io/plausible/community-edition:v2.1.4
    command: ["sh", "-c", "/entrypoint.sh db createdb && /entrypoint.sh db migrate && /entrypoint.sh run"]
    ports: ["8000"]
    environment:
      BASE_URL: \${SPUR_PUBLIC_URL}
      SECRET_KEY_BASE: \${SECRET_KEY_BASE}
      DATABASE_URL: postgres://plausible:\${DB_PASSWORD}@plausible-db:5432/plausible
      CLICKHOUSE_DATABASE_URL: http://plausible-events:8123/plausible_events
      HTTP_PORT: "8000"
    volumes: ["plausible-data:/var/lib/plausible"]
    depends_on:
      plausible-db: { condition: service_healthy }
      plausible-events: { condition: service_healthy }
    x-spur-http-health: { path: /api/health, start_period: 120s }
  plausible-db:
    image: postgres:16.6-alpine
    environment:
      POSTGRES_DB: plausible
      POSTGRES_USER: plausible
      POSTGRES_PASSWORD: \${DB_PASSWORD}
    volumes: ["plausible-db-data:/var/lib/postgresql/data"]
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U plausible -d plausible"]
      interval: 5s
      retries: 10
  plausible-events:
    image: clickhouse/clickhouse-server:24.3.3.102-alpine
    environment:
      CLICKHOUSE_SKIP_USER_SETUP: "1"
    volumes:
      - plausible-event-data:/var/lib/clickhouse
      - plausible-event-logs:/var/log/clickhouse-server
    healthcheck:
      test: ["CMD-SHELL", "wget --no-verbose --tries=1 -O - http://127.0.0.1:8123/ping || exit 1"]
      interval: 5s
      retries: 20
volumes:
  plausible-data:
  plausible-db-data:
  plausible-event-data:
  plausible-event-logs:
`,
};
