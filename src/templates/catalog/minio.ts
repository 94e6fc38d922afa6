// MinIO: s3-compatible object storage, with its web console on port 9001.
import type { Template } from '../template.js';

export const minio: Template = {
  id: 'minio',
  name: 'MinIO',
  description: 'S3-compatible object storage, with its web console on port 9001.',
  category: 'storage',
  website: 'https://min.io',
  logo: { letters: 'Mi', color: '#c72e49' },
  domainService: 'minio',
  secrets: { MINIO_ROOT_PASSWORD: { length: 40 } },
  settings: { MINIO_ROOT_USER: { description: "The administrator's access key", default: 'minio-admin' } },
  compose: `services:
  minio:
    image: minio/minio:RELEASE.2024-12-18T13-15-44Z
    command: ["server", "/data", "--console-address", ":9001"]
    ports: ["9000"]
    expose: ["9001"]
    environment:
      MINIO_ROOT_USER: \${MINIO_ROOT_USER}
      MINIO_ROOT_PASSWORD: \${MINIO_ROOT_PASSWORD}
    volumes: ["minio-data:/data"]
    x-spur-http-health: /minio/health/live
volumes:
  minio-data:
`,
};
