// Keycloak: identity and access management: single sign-on with OpenID Connect and SAML.
import type { Template } from '../template.js';

export const keycloak: Template = {
  id: 'keycloak',
  name: 'Keycloak',
  description: 'Identity and access management: single sign-on with OpenID Connect and SAML.',
  category: 'identity',
  website: 'https://www.keycloak.org',
  logo: { letters: 'Kc', color: '#4d4d4d' },
  domainService: 'keycloak',
  secrets: { DB_PASSWORD: { length: 32 }, ADMIN_PASSWORD: { length: 24 } },
  settings: { ADMIN_USER: { description: "The bootstrap administrator's login", default: 'admin' } },
  compose: `services:
  keycloak:
    image: quay.io/keycloak/keycloak:26.0.7
    command: ["start", "--http-enabled=true", "--hostname-strict=false", "--proxy-headers=xforwarded"]
    ports: ["8080"]
    environment:
      KC_DB: postgres
      KC_DB_URL: jdbc:postgresql://keycloak-db:5432/keycloak
      KC_DB_USERNAME: keycloak
      KC_DB_PASSWORD: \${DB_PASSWORD}
      KC_HOSTNAME: \${SPUR_PUBLIC_URL}
      KC_BOOTSTRAP_ADMIN_USERNAME: \${ADMIN_USER}
      KC_BOOTSTRAP_ADMIN_PASSWORD: \${ADMIN_PASSWORD}
    depends_on:
      keycloak-db: { condition: service_healthy }
    x-spur-http-health: { path: /realms/master, start_period: 180s }
  keycloak-db:
    image: postgres:16.6-alpine
    environment:
      POSTGRES_DB: keycloak
      POSTGRES_USER: keycloak
      POSTGRES_PASSWORD: \${DB_PASSWORD}
    volumes: ["keycloak-db-data:/var/lib/postgresql/data"]
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U keycloak -d keycloak"]
      interval: 5s
      retries: 10
volumes:
  keycloak-db-data:
`,
};
