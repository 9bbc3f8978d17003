/**
 * A recorded run, served back: the cassettes a `--record` run wrote, indexed by what the workspace was asked.
 * Genie: by the space's configuration (its fingerprint) and the question's text, the n-th asking getting the n-th
 * recorded answer; the model: by the hash of the chat messages; the warehouse: by the normalised statement. Every
 * lookup scrubs what it is asked exactly as the recorder scrubbed what it wrote. A miss returns undefined and the
 * caller falls back to the simulated behaviour.
 */
import {
  canonicalJson, configFingerprint, createScrubber, normaliseStatement, promptKey, readCassettes, RecordedSpace, type Cassettes, type GenieLine,
  type ModelLine, type WarehouseLine,
} from '@genie-enhancer/shared';

export type RecordedAnswer = GenieLine['answer'];
export type RecordedCompletion = ModelLine['response'];
export type RecordedStatement = Pick<WarehouseLine, 'result' | 'error'>;
export interface ReplayCounts { hits: number; misses: number }
export interface ReplayStats { genie: ReplayCounts; model: ReplayCounts; warehouse: ReplayCounts }

const canonicalConfig = (serialized: string): string | undefined => {
  try {
    return canonicalJson(JSON.parse(serialized));
  } catch {
    return undefined;
  }
};
const genieKey = (fingerprint: string, question: string) => `${fingerprint}\n${question.trim()}`;
const push = <T>(map: Map<string, T[]>, key: string, value: T) => void (map.get(key) ?? map.set(key, []).get(key)!).push(value);

/** The configuration each space had at each moment, from what the run read and wrote. */
function spaceTimelines(lines: Cassettes['spaces']): Map<string, { at: number; fingerprint: string }[]> {
  const timelines = new Map<string, { at: number; fingerprint: string }[]>();
  for (const line of lines) {
    if (!line.space_id || !['get', 'update', 'create'].includes(line.op)) continue;
    const serialized = (line.response as { serialized_space?: unknown } | undefined)?.serialized_space ?? (line.request as { serialized_space?: unknown } | undefined)?.serialized_space;
    const fingerprint = typeof serialized === 'string' ? configFingerprint(serialized) : null;
    if (fingerprint) push(timelines, line.space_id, { at: line.at, fingerprint });
  }
  return timelines;
}

export class Replay {
  /** strings asked are scrubbed like the recorded ones; the simulator teaches it its own address and token */
  readonly scrub = createScrubber();
  /** spaces the recorded run found in the workspace, as it first read them */
  readonly initialSpaces: (RecordedSpace & { serialized_space: string })[] = [];
  private readonly genie = new Map<string, RecordedAnswer[]>();
  private readonly model = new Map<string, RecordedCompletion[]>();
  private readonly statements = new Map<string, RecordedStatement[]>();
  /** configuration written (canonical) → the configuration the recorded workspace answered with */
  private readonly writes = new Map<string, string>();
  private readonly served = new Map<string, number>();
  private readonly counts: ReplayStats = { genie: { hits: 0, misses: 0 }, model: { hits: 0, misses: 0 }, warehouse: { hits: 0, misses: 0 } };

  static fromDir(dir: string): Replay {
    return new Replay(readCassettes(dir));
  }

  constructor(cassettes: Cassettes) {
    const timelines = spaceTimelines(cassettes.spaces);
    for (const line of cassettes.genie) {
      const fingerprint = timelines.get(line.space_id)?.filter((t) => t.at <= line.at).at(-1)?.fingerprint;
      if (fingerprint) push(this.genie, genieKey(fingerprint, line.question), line.answer);
    }
    for (const line of cassettes.model) push(this.model, line.key, line.response);
    for (const line of cassettes.warehouse) push(this.statements, line.sql, { result: line.result, error: line.error });
    for (const line of cassettes.spaces) {
      const sent = (line.request as { serialized_space?: unknown } | undefined)?.serialized_space;
      const kept = (line.response as { serialized_space?: unknown } | undefined)?.serialized_space;
      const key = typeof sent === 'string' ? canonicalConfig(sent) : undefined;
      if (key && typeof kept === 'string' && (line.op === 'update' || line.op === 'create')) this.writes.set(key, kept);
    }
    const seen = new Set<string>();
    for (const line of cassettes.spaces) {
      if (!line.space_id || line.op === 'list' || seen.has(line.space_id)) continue;
      seen.add(line.space_id);
      const space = RecordedSpace.safeParse(line.response);
      if (line.op === 'get' && space.success && typeof space.data.serialized_space === 'string') this.initialSpaces.push({ ...space.data, serialized_space: space.data.serialized_space });
    }
  }

  /** a configuration as the recorded workspace kept it when the run wrote it (a workspace may rewrite what it is given) */
  storedForm(serialized: string): string {
    const key = canonicalConfig(this.scrub(serialized));
    return (key && this.writes.get(key)) || serialized;
  }

  /** the next recorded answer to `question` on a space configured as `serializedSpace`; none left: undefined */
  genieAnswer(serializedSpace: string, question: string): RecordedAnswer | undefined {
    const fingerprint = configFingerprint(this.scrub(serializedSpace));
    const key = fingerprint ? genieKey(fingerprint, this.scrub(question)) : '';
    return this.next('genie', this.genie.get(key), key, false);
  }

  /** the recorded completion of these chat messages (the last one again once they are used up) */
  completion(messages: readonly { role: string; content: string }[]): RecordedCompletion | undefined {
    const key = promptKey(this.scrub.value(messages.map((m) => ({ role: m.role, content: m.content }))));
    return this.next('model', this.model.get(key), key, true);
  }

  /** the recorded outcome of this statement (the last one again once they are used up) */
  statement(sql: string): RecordedStatement | undefined {
    const key = normaliseStatement(this.scrub(sql));
    return this.next('warehouse', this.statements.get(key), key, true);
  }

  /** the latest outcome of this statement without taking it (Genie's own query result) */
  peekStatement(sql: string): RecordedStatement | undefined {
    return this.statements.get(normaliseStatement(this.scrub(sql)))?.at(-1);
  }

  stats(): ReplayStats {
    return structuredClone(this.counts);
  }

  private next<T>(kind: keyof ReplayStats, recorded: T[] | undefined, key: string, repeatLast: boolean): T | undefined {
    const servedKey = `${kind}\n${key}`;
    const n = this.served.get(servedKey) ?? 0;
    const value = recorded && (n < recorded.length ? recorded[n] : repeatLast ? recorded.at(-1) : undefined);
    this.served.set(servedKey, n + 1);
    this.counts[kind][value === undefined ? 'misses' : 'hits']++;
    return value;
  }
}
