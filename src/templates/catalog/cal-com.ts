// Cal.com: scheduling infrastructure: booking pages for you and your team.
import type { Template } from '../template.js';

export const calCom: Template = {
  id: 'cal-com',
  name: 'Cal.com',
  description: 'Scheduling infrastructure: booking pages for you and your team.',
  category: 'business',
  website: 'https://cal.com',
  logo: { letters: 'Ca', color: '#111827' },
  domainService: 'cal-com',
  secrets: { DB_PASSWORD: { length: 32 }, NEXTAUTH_SECRET: { length: 48 }, ENCRYPTION_KEY: { length: 32 } },
  compose: `services:
  cal-com:
    image: calcom/cal.com:v4.7.8
    ports: ["3000"]
    environment:
      DATABASE_URL: postgresql://calcom:\${DB_PASSWORD}@cal-com-db:5432/calcom
      DATABASE_DIRECT_URL: postgresql://calcom:\${DB_PASSWORD}@cal-com-db:5432/calcom
      NEXTAUTH_SECRET: \${NEXTAUTH_SECRET}
      CALENDSO_ENCRYPTION_KEY: \${ENCRYPTION_KEY}
      NEXT_PUBLIC_WEBAPP_URL: \${SPUR_PUBLIC_URL}
      NEXTAUTH_URL: \${SPUR_PUBLIC_URL}/api/auth
    depends_on:
      cal-com-db: { condition: service_healthy }
    x-spur-http-health: { path: /auth/login, start_period: 180s }
  cal-com-db:
    image: postgres:16.6-alpine
    environment:
      POSTGRES_DB: calcom
      POSTGRES_USER: calcom
      POSTGRES_PASSWORD: \${DB_PASSWORD}
    volumes: ["cal-com-db-data:/var/lib/postgresql/data"]
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U calcom -d calcom"]
      interval: 5s
      retries: 10
volumes:
  cal-com-db-data:
`,
};
