import { describe, expect, it } from 'vitest';
import { planCompose } from './plan.js';

const APP = `
name: shop
x-common: &common
  restart: unless-stopped
services:
  web:
    <<: *common
    image: ghcr.io/acme/shop:\${TAG:-1.4.2}
    command: node web.js --port 3000
    ports: ["8080:3000"]
    environment:
      DATABASE_URL: postgres://app:\${DB_PASSWORD:?set DB_PASSWORD}@db:5432/app
      REDIS_URL: redis://cache:6379
      DEBUG: false
    depends_on:
      db: { condition: service_healthy }
      cache: { condition: service_started }
    healthcheck:
      test: ["CMD", "node", "health.js"]
      interval: 2s
      timeout: 1s
      retries: 5
      start_period: 1m30s
    deploy:
      replicas: 2
      resources: { limits: { cpus: "0.5", memory: 256M }, reservations: { memory: 64m } }
    labels: { com.example.team: shop }
  worker:
    image: ghcr.io/acme/shop:\${TAG:-1.4.2}
    entrypoint: ["node"]
    command: ["worker.js"]
    depends_on: [cache, db]
    environment: [REDIS_URL=redis://cache:6379, DB_PASSWORD]
    user: "1000:1000"
    working_dir: /app
    stop_grace_period: 1m
  db:
    image: postgres:17
    environment: { POSTGRES_PASSWORD: "\${DB_PASSWORD}", POSTGRES_USER: app }
    volumes: [db_data:/var/lib/postgresql/data]
    healthcheck: { test: pg_isready -U app, interval: 5s }
  cache:
    image: redis:7
    expose: ["6379"]
volumes:
  db_data: {}
`;

describe('planCompose', () => {
  it('maps each Compose service to a Spur service, in start order', () => {
    const { plan, problems } = planCompose({ text: APP, dotenv: 'DB_PASSWORD=s3cret' });
    expect(problems).toEqual([]);
    expect(plan!.name).toBe('shop');
    expect(plan!.services.map((s) => s.name)).toEqual(['db', 'cache', 'web', 'worker']);
    const web = plan!.services.find((s) => s.name === 'web')!;
    expect(web).toMatchObject({
      source: { image: 'ghcr.io/acme/shop:1.4.2' },
      port: 3000,
      command: ['node', 'web.js', '--port', '3000'],
      entrypoint: null,
      environment: { DATABASE_URL: 'postgres://app:s3cret@db:5432/app', REDIS_URL: 'redis://cache:6379', DEBUG: 'false' },
      dependsOn: [{ service: 'db', condition: 'service_healthy' }, { service: 'cache', condition: 'service_started' }],
      health: { type: 'command', test: ['CMD', 'node', 'health.js'], intervalS: 2, timeoutS: 1, retries: 5, startPeriodS: 90 },
      replicas: 2,
      resources: { cpuLimit: 0.5, memoryLimitMb: 256, cpuReservation: null, memoryReservationMb: 64 },
      restart: { condition: 'any', maxAttempts: 0 },
      labels: { 'com.example.team': 'shop' },
    });
    const worker = plan!.services.find((s) => s.name === 'worker')!;
    expect(worker).toMatchObject({ entrypoint: ['node'], command: ['worker.js'], environment: { REDIS_URL: 'redis://cache:6379', DB_PASSWORD: 's3cret' }, user: '1000:1000', workingDir: '/app', stopGraceS: 60, port: null, health: { type: 'none' } });
    const db = plan!.services.find((s) => s.name === 'db')!;
    expect(db).toMatchObject({ volumes: [{ name: 'db-data', mountPath: '/var/lib/postgresql/data' }], port: null, health: { type: 'command', test: ['CMD-SHELL', 'pg_isready -U app'], intervalS: 5, timeoutS: 30, retries: 3 } });
    expect(plan!.services.find((s) => s.name === 'cache')!).toMatchObject({ port: 6379, health: { type: 'auto' } });
    // What Spur reads differently is said, with its line.
    expect(plan!.notes).toContainEqual({ line: 10, path: 'services.web.ports.0', message: "the host port 8080 is not published: Spur routes the container port 3000 under the service's domain" });
  });

  it('refuses a required variable that is missing, naming its line', () => {
    const { plan, problems } = planCompose({ text: APP, dotenv: '' });
    expect(plan).toBeUndefined();
    expect(problems).toContainEqual({ line: 12, path: 'services.web.environment.DATABASE_URL', message: 'required variable DB_PASSWORD is missing a value: set DB_PASSWORD' });
  });

  it.each([
    ['privileged: true', 'privileged reaches into the host'],
    ['network_mode: host', 'network_mode reaches into the host'],
    ['pid: host', 'pid reaches into the host'],
    ['devices: ["/dev/fuse:/dev/fuse"]', 'devices reaches into the host'],
    ['cap_add: [SYS_ADMIN]', 'cap_add reaches into the host'],
    ['volumes: ["/var/run/docker.sock:/var/run/docker.sock"]', 'is a path on the host'],
    ['volumes: ["./data:/data"]', 'is a path on the host'],
    ['volumes: [{ type: bind, source: /, target: /host }]', 'a bind mount is not supported'],
    ['volumes: ["/data"]', 'an anonymous volume'],
    ['env_file: .env.prod', 'env_file Spur has no files beside the Compose file'],
    ['secrets: [key]', 'secrets Spur does not mount files'],
    ['build: .', 'build needs the repository'],
    ['frobnicate: 1', 'frobnicate is not a key of the Compose specification'],
    ['ports: ["53:53/udp"]', 'udp ports are not supported'],
    ['labels: { traefik.http.routers.x.rule: "Host(`evil.com`)" }', "spur.* and traefik.* labels are Spur's own"],
    ['command: rm -rf / && echo done', 'Spur runs it without a shell'],
    ['deploy: { mode: global }', 'deploy.mode global is not supported'],
    ['depends_on: [ghost]', 'depends on ghost, which the file does not define'],
    ['volumes: ["a:/data", "b:/data"]', 'two volumes are mounted at /data'],
    [`labels: [${Array.from({ length: 101 }, (_, i) => `"l${i}=x"`).join(', ')}]`, 'at most 100 labels'],
  ])('refuses %s with its line and why', (line, why) => {
    const text = `services:\n  app:\n    image: nginx:1.27\n    ${line}\nvolumes: { a: {}, b: {} }\n`;
    const { plan, problems } = planCompose({ text });
    expect(plan).toBeUndefined();
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]!.line).toBe(4);
    expect(problems.map((p) => p.message).join('\n')).toContain(why);
  });

  it('refuses what YAML itself refuses, with its line', () => {
    const { problems } = planCompose({ text: 'services:\n  web:\n    image: a\n    image: b\n' });
    expect(problems[0]).toMatchObject({ line: 4 });
    expect(problems[0]!.message).toMatch(/unique/i);
    expect(planCompose({ text: 'services: [' }).problems[0]!.line).toBe(1);
  });

  it('reads the .env file as Spur reads pasted variables, each value able to name an earlier one', () => {
    const text = 'services:\n  web: { image: "nginx:${TAG}", environment: [URL, NAME] }\n';
    const { plan } = planCompose({ text, dotenv: 'TAG=1.27\nHOST=db\nURL="postgres://${HOST}:5432"\n# note\nNAME=a b # comment\n' });
    expect(plan!.services[0]).toMatchObject({ source: { image: 'nginx:1.27' }, environment: { URL: 'postgres://db:5432', NAME: 'a b' } });
    expect(planCompose({ text, dotenv: 'TAG=1\nnot a pair' }).problems).toEqual([{ line: null, path: '.env', message: 'line 2: expected NAME=value' }]);
  });

  it('refuses a depends_on cycle, and volumes shared between services', () => {
    const cycle = planCompose({ text: 'services:\n  a: { image: x, depends_on: [b] }\n  b: { image: x, depends_on: [a] }\n' });
    expect(cycle.problems[0]!.message).toMatch(/cycle: a → b → a/);
    const shared = planCompose({ text: 'services:\n  a: { image: x, volumes: ["d:/d"] }\n  b: { image: x, volumes: ["d:/d"] }\nvolumes: { d: }\n' });
    expect(shared.problems[0]!.message).toMatch(/mounted by a and b/);
  });

  it('refuses names Spur cannot use, and more services than the limit', () => {
    expect(planCompose({ text: 'services:\n  My_App: { image: x }\n' }).problems[0]!.message).toMatch(/service My_App: service name: use lowercase/);
    const many = Array.from({ length: 31 }, (_, i) => `  s${i}: { image: x }`).join('\n');
    expect(planCompose({ text: `services:\n${many}\n` }).problems[0]!.message).toMatch(/at most 30 services/);
    expect(planCompose({ text: 'x'.repeat(300 * 1024) }).problems[0]!.message).toMatch(/larger than 256 KiB/);
  });

  it('refuses a file whose values, with the .env, grow past what Spur reads, quickly', () => {
    const dotenv = `A=${'a'.repeat(32_000)}\nB=\${A}\n`;
    const services = Array.from({ length: 30 }, (_, i) => `  s${i}:\n    image: x\n    environment: [${Array.from({ length: 10 }, (_, j) => `"V${j}=\${B}"`).join(', ')}]`).join('\n');
    const started = Date.now();
    const { plan, problems } = planCompose({ text: `services:\n${services}\n`, dotenv });
    expect(plan).toBeUndefined();
    expect(problems).toEqual([{ line: null, path: '', message: "the file's values come to more than 4 MiB once interpolated" }]);
    expect(Date.now() - started).toBeLessThan(2000);
    // The .env alone naming a value many times: refused, with no value grown past 32 KiB.
    expect(planCompose({ text: 'services: { web: { image: x } }', dotenv: `A=${'a'.repeat(32_000)}\nB=\${A}\${A}\n` }).problems[0]).toMatchObject({ path: '.env', message: expect.stringMatching(/longer than 32 KiB/) });
  });

  it('refuses a billion laughs instead of expanding it', () => {
    const lol = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) lol.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const { plan, problems } = planCompose({ text: `${lol.join('\n')}\nservices: { web: { image: x } }\n` });
    expect(plan).toBeUndefined();
    expect(problems[0]!.message).toMatch(/alias/i);
  });

  it('builds from the repository when the file comes from one', () => {
    const text = 'services:\n  web:\n    build: { context: ./web, dockerfile: Dockerfile.prod }\n    ports: ["3000"]\n';
    expect(planCompose({ text, repositoryDir: '.' }).plan!.services[0]!.source).toEqual({ build: { context: 'web', dockerfile: 'Dockerfile.prod' } });
    // Relative to the file's directory, and never out of the repository.
    expect(planCompose({ text: 'services:\n  web:\n    build: ..\n', repositoryDir: 'deploy' }).plan!.services[0]!.source).toEqual({ build: { context: '.', dockerfile: null } });
    expect(planCompose({ text: 'services:\n  web:\n    build: ../outside\n', repositoryDir: '.' }).problems[0]!.message).toMatch(/inside the repository/);
    expect(planCompose({ text: 'services:\n  web:\n    build: https://github.com/x/y.git\n', repositoryDir: '.' }).problems[0]!.message).toMatch(/a directory of the repository/);
    expect(planCompose({ text: 'services:\n  web:\n    build: { context: ., target: prod }\n', repositoryDir: '.' }).problems[0]!.message).toMatch(/build.target is not supported/);
  });

  it("reads Spur's x-spur-http-health as an HTTP check of the routed port", () => {
    const text = 'services:\n  web:\n    image: ghost:5.105.0\n    expose: ["2368"]\n    x-spur-http-health: { path: /ghost/api/admin/site/, start_period: 2m }\n  worker:\n    image: x\n    x-spur-http-health: /health\n';
    const { problems } = planCompose({ text });
    expect(problems).toEqual([{ line: 8, path: 'services.worker.x-spur-http-health', message: 'x-spur-http-health needs a port (ports or expose) to ask' }]);
    const { plan } = planCompose({ text: text.split('  worker:')[0]! });
    expect(plan!.services[0]!.health).toEqual({ type: 'http', path: '/ghost/api/admin/site/', startPeriodS: 120 });
  });
});
