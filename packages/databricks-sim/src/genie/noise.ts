/**
 * Seeded Genie noise: with probability p a question gets a plausible alternative reading instead of the answer
 * the space implies. The draw depends only on (seed, space, question, how many times this space was asked it
 * before), so a repeat in a fresh conversation may differ while a re-run with the same seed replays exactly.
 */
import { createHash } from 'node:crypto';
import type { CatalogSnapshot } from '../catalog.types.ts';
import { alternativeReadings } from './alternative-readings.ts';
import type { GenieReply } from './genie-engine.ts';

export interface GenieNoiseOptions {
  /** chance in [0, 1] that an answer is replaced by an alternative reading */
  probability: number;
  /** any integer; the same seed replays the same sequence of readings */
  seed: number;
}

/** Three independent uniforms in [0, 1) from a stable hash of the tuple. */
export function noiseDraws(seed: number, spaceId: string, question: string, nth: number): [number, number, number] {
  const digest = createHash('sha256').update(JSON.stringify([seed, spaceId, question, nth])).digest();
  const uniform = (offset: number) => digest.readUIntBE(offset, 6) / 2 ** 48;
  return [uniform(0), uniform(6), uniform(12)];
}

export class GenieNoise {
  private readonly asked = new Map<string, number>();

  constructor(private readonly options: GenieNoiseOptions) {
    if (!(options.probability >= 0 && options.probability <= 1)) throw new RangeError(`genie noise probability must be in [0, 1], got ${options.probability}`);
    if (!Number.isSafeInteger(options.seed)) throw new RangeError(`genie noise seed must be an integer, got ${options.seed}`);
  }

  /** The reply for the next asking of `question` in `spaceId`: `reply` itself, or an alternative reading of its SQL. */
  apply(spaceId: string, question: string, reply: GenieReply, catalog: CatalogSnapshot): GenieReply {
    const key = JSON.stringify([spaceId, question]);
    const nth = this.asked.get(key) ?? 0;
    this.asked.set(key, nth + 1);
    if (reply.kind !== 'query' || this.options.probability === 0) return reply;
    const [decide, pickKind, pickSql] = noiseDraws(this.options.seed, spaceId, question, nth);
    if (decide >= this.options.probability) return reply;
    const groups = alternativeReadings(reply.sql, catalog);
    if (groups.length === 0) return reply;
    const group = groups[Math.floor(pickKind * groups.length)];
    return { ...reply, sql: group.sqls[Math.floor(pickSql * group.sqls.length)] };
  }
}
