/**
 * API key management against the API's Redis (REDIS_URL, REDIS_KEY_PREFIX):
 *   keys create --name ci --scopes read,run   prints the new key once
 *   keys list                                 id, name, scopes, created_at (never a key)
 *   keys revoke ID
 */
import { parseArgs } from 'node:util';
import { ApiConfig, connectRedis, parseServiceConfig, redisKeyPrefix } from '@genie-enhancer/queue-runtime';
import { ApiKeyStore, parseScopes } from './auth/api-keys.ts';

const USAGE = 'usage: keys create --name NAME --scopes read,run,admin | keys list | keys revoke ID\n';

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv.filter((a) => a !== '--'),
    allowPositionals: true,
    options: { name: { type: 'string' }, scopes: { type: 'string' } },
  });
  const [command, id] = positionals;
  if (!['create', 'list', 'revoke'].includes(command ?? '')) {
    process.stderr.write(USAGE);
    return 2;
  }
  if (command === 'create' && (!values.name || !values.scopes)) {
    process.stderr.write(`keys create: --name and --scopes are required\n${USAGE}`);
    return 2;
  }
  if (command === 'revoke' && !id) {
    process.stderr.write(`keys revoke: give the key id\n${USAGE}`);
    return 2;
  }
  const config = parseServiceConfig(ApiConfig.pick({ REDIS_URL: true, REDIS_KEY_PREFIX: true, REDIS_CLUSTER_NODES: true }), process.env);
  const redis = connectRedis(config, { maxRetriesPerRequest: 1 });
  try {
    const store = new ApiKeyStore(redis, redisKeyPrefix(config));
    if (command === 'create') {
      const { key, record } = await store.create({ name: values.name!, scopes: parseScopes(values.scopes!) });
      process.stdout.write(`${JSON.stringify(record)}\nkey (shown once, store it now): ${key}\n`);
    } else if (command === 'list') {
      for (const record of await store.list()) process.stdout.write(`${JSON.stringify(record)}\n`);
    } else if (!(await store.revoke(id))) {
      process.stderr.write(`keys revoke: no key ${id}\n`);
      return 1;
    }
    return 0;
  } finally {
    await redis.quit();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`keys: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
