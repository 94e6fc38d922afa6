// Ghost: a publishing platform for blogs and newsletters, with MySQL.
import type { Template } from '../template.js';

export const ghost: Template = {
  id: 'ghost',
  name: 'Ghost',
  description: 'A publishing platform for blogs and newsletters, with MySQL.',
  category: 'cms',
  website: 'https://ghost.org',
  logo: { letters: 'GH', color: '#15171a' },
  domainService: 'ghost',
  secrets: { DB_PASSWORD: { length: 32 }, DB_ROOT_PASSWORD: { length: 32 } },
  compose: `services:
  ghost:
    image: ghost:5.105.0
    ports: ["2368"]
    environment:
      url: \${SPUR_PUBLIC_URL}
      database__client: mysql
      database__connection__host: ghost-db
      database__connection__user: ghost
      database__connection__password: \${DB_PASSWORD}
      database__connection__database: ghost
    volumes: ["ghost-content:/var/lib/ghost/content"]
    depends_on:
      ghost-db: { condition: service_healthy }
    x-spur-http-health: { path: /ghost/api/admin/site/, start_period: 120s }
  ghost-db:
    image: mysql:8.4.3
    environment:
      MYSQL_DATABASE: ghost
      MYSQL_USER: ghost
      MYSQL_PASSWORD: \${DB_PASSWORD}
      MYSQL_ROOT_PASSWORD: \${DB_ROOT_PASSWORD}
    volumes: ["ghost-db-data:/var/lib/mysql"]
    healthcheck:
      test: ["CMD-SHELL", "mysqladmin ping -h 127.0.0.1 -u root -p$$MYSQL_ROOT_PASSWORD"]
      interval: 5s
      retries: 20
volumes:
  ghost-content:
  ghost-db-data:
`,
};
