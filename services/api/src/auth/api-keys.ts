import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RedisClient } from '@genie-enhancer/queue-runtime';

export const SCOPES = ['read', 'run', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export interface ApiKeyRecord {
  id: string;
  name: string;
  scopes: Scope[];
  created_at: string;
}

/** `ge_<16 hex id>_<43 base64url secret>`: the id finds the record in O(1), only the secret's hash is stored. */
const KEY_FORMAT = /^ge_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

// sha256 suffices: the secret has 256 random bits, so there is nothing for a slow hash to protect against guessing
const digest = (secret: string) => createHash('sha256').update(secret).digest();

export function parseScopes(text: string): Scope[] {
  const scopes = text.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (unknown.length || scopes.length === 0) throw new Error(`scopes must be a comma-separated subset of ${SCOPES.join(',')}; got "${text}"`);
  return [...new Set(scopes)] as Scope[];
}

/** API keys in Redis under `<prefix>:apikey:<id>` (hash: name, scopes, created_at, sha256 of the secret) and the set `<prefix>:apikeys`. */
export class ApiKeyStore {
  constructor(private readonly redis: RedisClient, private readonly prefix: string) {}

  private key(id: string) {
    return `${this.prefix}:apikey:${id}`;
  }

  /** Creates a key; the clear key is returned once and never stored. */
  async create(input: { name: string; scopes: Scope[] }): Promise<{ key: string; record: ApiKeyRecord }> {
    const id = randomBytes(8).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const record: ApiKeyRecord = { id, name: input.name, scopes: input.scopes, created_at: new Date().toISOString() };
    await this.redis
      .multi()
      .hset(this.key(id), { name: record.name, scopes: record.scopes.join(','), created_at: record.created_at, sha256: digest(secret).toString('hex') })
      .sadd(`${this.prefix}:apikeys`, id)
      .exec();
    return { key: `ge_${id}_${secret}`, record };
  }

  /** The key's record when `key` is a live key, else undefined; the secret is compared in constant time. */
  async verify(key: string): Promise<ApiKeyRecord | undefined> {
    const match = KEY_FORMAT.exec(key);
    if (!match) return undefined;
    const [, id, secret] = match;
    const stored = await this.redis.hgetall(this.key(id));
    if (!stored.sha256) return undefined;
    if (!timingSafeEqual(Buffer.from(stored.sha256, 'hex'), digest(secret))) return undefined;
    return toRecord(id, stored);
  }

  async list(): Promise<ApiKeyRecord[]> {
    const ids = (await this.redis.smembers(`${this.prefix}:apikeys`)).sort();
    const hashes = await Promise.all(ids.map((id) => this.redis.hgetall(this.key(id))));
    return ids.flatMap((id, i) => (hashes[i].sha256 ? [toRecord(id, hashes[i])] : []));
  }

  /** true when a key was revoked */
  async revoke(id: string): Promise<boolean> {
    const [[, deleted]] = (await this.redis.multi().del(this.key(id)).srem(`${this.prefix}:apikeys`, id).exec()) as [[unknown, number]];
    return deleted === 1;
  }
}

function toRecord(id: string, stored: Record<string, string>): ApiKeyRecord {
  return { id, name: stored.name, scopes: stored.scopes.split(',').filter(Boolean) as Scope[], created_at: stored.created_at };
}

/** Keys given at start-up (tests, `pnpm stack`): kept in memory as hashes, checked in constant time. */
export function bootstrapKeyVerifier(keys: { key: string; scopes: Scope[] }[]) {
  const entries = keys.map((k, i) => {
    if (k.key.length < 32) throw new Error('a bootstrap API key needs at least 32 characters');
    return { hash: digest(k.key), record: { id: `bootstrap-${i + 1}`, name: 'bootstrap', scopes: k.scopes, created_at: new Date().toISOString() } };
  });
  return (key: string): ApiKeyRecord | undefined => {
    const hash = digest(key);
    return entries.find((e) => timingSafeEqual(e.hash, hash))?.record;
  };
}
