// listmonk: newsletters and mailing lists with a fast single binary.
import type { Template } from '../template.js';

export const listmonk: Template = {
  id: 'listmonk',
  name: 'listmonk',
  description: 'Newsletters and mailing lists with a fast single binary.',
  category: 'communication',
  website: 'https://listmonk.app',
  logo: { letters: 'Lm', color: '#0055d4' },
  domainService: 'listmonk',
  secrets: { DB_PASSWORD: { length: 32 }, ADMIN_PASSWORD: { length: 24 } },
  settings: { ADMIN_USER: { description: "The administrator's login", default: 'admin' } },
  compose: `services:
  listmonk:
    image: listmonk/listmonk:v4.1.0
    command: ["sh", "-c", "./listmonk --install --idempotent --yes --config '' && ./listmonk --upgrade --yes --config '' && ./listmonk --config ''"]
    ports: ["9000"]
    environment:
      LISTMONK_app__address: 0.0.0.0:9000
      LISTMONK_db__host: listmonk-db
      LISTMONK_db__port: "5432"
      LISTMONK_db__user: listmonk
      LISTMONK_db__password: \${DB_PASSWORD}
      LISTMONK_db__database: listmonk
      LISTMONK_db__ssl_mode: disable
      LISTMONK_ADMIN_USER: \${ADMIN_USER}
      LISTMONK_ADMIN_PASSWORD: \${ADMIN_PASSWORD}
    volumes: ["listmonk-uploads:/listmonk/uploads"]
    depends_on:
      listmonk-db: { condition: service_healthy }
    x-spur-http-health: { path: /health, start_period: 60s }
  listmonk-db:
    image: postgres:16.6-alpine
    environment:
      POSTGRES_DB: listmonk
      POSTGRES_USER: listmonk
      POSTGRES_PASSWORD: \${DB_PASSWORD}
    volumes: ["listmonk-db-data:/var/lib/postgresql/data"]
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U listmonk -d listmonk"]
      interval: 5s
      retries: 10
volumes:
  listmonk-uploads:
  listmonk-db-data:
`,
};
