// Not testable on the build machines (Debian packages no MongoDB): its descriptor is unit-tested only.
import { type DatabaseEngine, connectionUrl } from '../engine.js';

export const mongodb: DatabaseEngine = {
  name: 'mongodb',
  image: 'mongo:8',
  versionPattern: /^\d{1,2}(\.\d{1,2}){0,2}(-(noble|jammy))?$/,
  port: 27017,
  dataPath: '/data/db',
  environment: (c) => ({ MONGO_INITDB_ROOT_USERNAME: c.user, MONGO_INITDB_ROOT_PASSWORD: c.password, MONGO_INITDB_DATABASE: c.database }),
  health: (c) => ['CMD', 'mongosh', '--quiet', '-u', c.user, '-p', c.password, '--authenticationDatabase', 'admin', '--eval', 'db.runCommand({ ping: 1 }).ok'],
  variables: (c, host) => ({
    DATABASE_URL: connectionUrl('mongodb', c, host, 27017, `/${c.database}?authSource=admin`),
    MONGO_URL: connectionUrl('mongodb', c, host, 27017, `/${c.database}?authSource=admin`),
  }),
  inventory: (c) => ['mongosh', '--quiet', '-u', c.user, '-p', c.password, '--authenticationDatabase', 'admin', c.database, '--eval', 'db.getCollectionNames().sort().forEach((n) => print(n + " " + db.getCollection(n).countDocuments()))'],
  dump: (c) => ['mongodump', '--archive', '--uri', connectionUrl('mongodb', c, '127.0.0.1', 27017, `/${c.database}?authSource=admin`)],
  restore: (c) => ['mongorestore', '--archive', '--drop', '--uri', connectionUrl('mongodb', c, '127.0.0.1', 27017, `/?authSource=admin`)],
};
