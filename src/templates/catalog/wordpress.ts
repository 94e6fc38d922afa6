// WordPress: the blogging and website platform, with a MariaDB database.
import type { Template } from '../template.js';

export const wordpress: Template = {
  id: 'wordpress',
  name: 'WordPress',
  description: 'The blogging and website platform, with a MariaDB database.',
  category: 'cms',
  website: 'https://wordpress.org',
  logo: { letters: 'WP', color: '#21759b' },
  domainService: 'wordpress',
  secrets: { DB_PASSWORD: { length: 32 }, DB_ROOT_PASSWORD: { length: 32 } },
  compose: `services:
  wordpress:
    image: wordpress:6.7.1-apache
    ports: ["80"]
    environment:
      WORDPRESS_DB_HOST: wordpress-db
      WORDPRESS_DB_USER: wordpress
      WORDPRESS_DB_PASSWORD: \${DB_PASSWORD}
      WORDPRESS_DB_NAME: wordpress
    volumes: ["wordpress-html:/var/www/html"]
    depends_on:
      wordpress-db: { condition: service_healthy }
    x-spur-http-health: { path: /, start_period: 60s }
  wordpress-db:
    image: mariadb:11.4.4
    environment:
      MARIADB_DATABASE: wordpress
      MARIADB_USER: wordpress
      MARIADB_PASSWORD: \${DB_PASSWORD}
      MARIADB_ROOT_PASSWORD: \${DB_ROOT_PASSWORD}
    volumes: ["wordpress-db-data:/var/lib/mysql"]
    healthcheck:
      test: ["CMD", "healthcheck.sh", "--connect", "--innodb_initialized"]
      interval: 5s
      retries: 10
volumes:
  wordpress-html:
  wordpress-db-data:
`,
};
