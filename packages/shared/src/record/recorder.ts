/**
 * Recording of every exchange a run has with the workspace, as scrubbed cassettes: each port (Genie, spaces,
 * warehouse, model) is wrapped, the call goes through unchanged, and its request and outcome are appended as one
 * line to the kind's file. Lines are appended whole (O_APPEND), so several processes can record into one directory.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chatMessages } from '../clients/chat-model.client.ts';
import type { Workspace } from '../clients/workspace.ts';
import type { GenieConversationsClient } from '../clients/genie-conversations.client.ts';
import { SqlExecutionError } from '../errors/index.ts';
import type { ChatModel, GenieAnswer, GenieConversations, GenieSpaces, SqlWarehouse } from '../stages/ports.ts';
import { CASSETTE_FILES, canonicalJson, normaliseStatement, promptKey, type CassetteKind, type GenieLine, type ModelLine, type SpaceLine, type WarehouseLine } from './cassette.ts';
import { createScrubber, type Scrubber, type ScrubberOptions } from './scrub.ts';

type LineOf = { genie: GenieLine; spaces: SpaceLine; warehouse: WarehouseLine; model: ModelLine };

export interface CassetteRecorder {
  readonly dir: string;
  readonly scrub: Scrubber;
  /** scrubs the line and appends it to its kind's cassette */
  write<K extends CassetteKind>(kind: K, line: LineOf[K]): void;
}

/**
 * A recorder into `dir` (created if missing) that scrubs the given hosts and credentials besides the usual shapes.
 * `onError` hears of a line that could not be written (the replay of that recording would miss it).
 */
export function createCassetteRecorder(dir: string, scrub: ScrubberOptions | Scrubber = {}, onError?: (error: Error, file: string) => void): CassetteRecorder {
  mkdirSync(dir, { recursive: true });
  const scrubber = typeof scrub === 'function' ? scrub : createScrubber(scrub);
  return {
    dir,
    scrub: scrubber,
    write(kind, line) {
      const file = join(dir, CASSETTE_FILES[kind]);
      try {
        appendFileSync(file, `${canonicalJson(scrubber.value(line))}\n`);
      } catch (error) {
        // the recording observes the run and never changes its course: a line that cannot be written is reported
        onError?.(error as Error, file);
      }
    },
  };
}

const answerOf = (a: GenieAnswer): GenieLine['answer'] => ({ status: a.status, sql: a.sql, text: a.text, error: a.error, error_type: a.error_type });

export function recordGenie<G extends GenieConversations & Partial<Pick<GenieConversationsClient, 'followUp'>>>(genie: G, rec: CassetteRecorder): G {
  const followUp = genie.followUp?.bind(genie);
  return {
    ...genie,
    async ask(spaceId, question, options) {
      const at = Date.now();
      const answer = await genie.ask(spaceId, question, options);
      rec.write('genie', { at, space_id: spaceId, question, answer: answerOf(answer) });
      return answer;
    },
    ...(followUp ? {
      async followUp(spaceId: string, conversationId: string, question: string, options?: Parameters<GenieConversationsClient['followUp']>[3]) {
        const at = Date.now();
        const answer = await followUp(spaceId, conversationId, question, options);
        rec.write('genie', { at, space_id: spaceId, question, follow_up: true, answer: answerOf(answer) });
        return answer;
      },
    } : {}),
  };
}

export function recordSpaces(spaces: GenieSpaces, rec: CassetteRecorder): GenieSpaces {
  const timed = async <T>(op: SpaceLine['op'], spaceId: string | undefined, request: unknown, call: () => Promise<T>): Promise<T> => {
    const at = Date.now();
    const response = await call();
    rec.write('spaces', { at, op, ...(spaceId !== undefined ? { space_id: spaceId } : {}), ...(request !== undefined ? { request } : {}), ...(response !== undefined ? { response } : {}) });
    return response;
  };
  return {
    get: (spaceId) => timed('get', spaceId, undefined, () => spaces.get(spaceId)),
    update: (spaceId, patch) => timed('update', spaceId, patch, () => spaces.update(spaceId, patch)),
    list: () => timed('list', undefined, undefined, () => spaces.list()),
    async create(space) {
      const at = Date.now();
      const created = await spaces.create(space);
      rec.write('spaces', { at, op: 'create', space_id: created.space_id, request: space, response: created });
      return created;
    },
    trash: (spaceId) => timed('trash', spaceId, undefined, () => spaces.trash(spaceId)),
  };
}

/** Results and SQL errors are recorded; an unreachable warehouse or a timeout is not an answer and is not. */
export function recordWarehouse(warehouse: SqlWarehouse, warehouseId: string, rec: CassetteRecorder): SqlWarehouse {
  return {
    async query(sql, options) {
      const at = Date.now();
      const key = normaliseStatement(rec.scrub(sql));
      try {
        const result = await warehouse.query(sql, options);
        rec.write('warehouse', { at, warehouse_id: warehouseId, sql: key, result });
        return result;
      } catch (error) {
        if (error instanceof SqlExecutionError) rec.write('warehouse', { at, warehouse_id: warehouseId, sql: key, error: { message: error.message, ...(error.sqlState ? { sql_state: error.sqlState } : {}) } });
        throw error;
      }
    },
    close: () => warehouse.close(),
  };
}

export function recordModel(model: ChatModel, endpoint: string, rec: CassetteRecorder): ChatModel {
  return {
    ...model,
    async complete(request) {
      const at = Date.now();
      const messages = rec.scrub.value(chatMessages(request));
      const response = await model.complete(request);
      rec.write('model', { at, endpoint, key: promptKey(messages), messages, response });
      return response;
    },
  };
}

/** The same workspace, every exchange of it recorded. */
export function recordWorkspace(workspace: Workspace, rec: CassetteRecorder): Workspace {
  const warehouses = new Map<string, SqlWarehouse>();
  const benchmarkWarehouses = new Map<string, SqlWarehouse>();
  const models = new Map<string, ChatModel>();
  const memo = <T>(map: Map<string, T>, id: string, make: () => T) => map.get(id) ?? (map.set(id, make()), map.get(id)!);
  return {
    host: workspace.host,
    genie: recordGenie(workspace.genie, rec),
    spaces: recordSpaces(workspace.spaces, rec),
    warehouse: (id) => memo(warehouses, id, () => recordWarehouse(workspace.warehouse(id), id, rec)),
    // the same statements under another credential: one cassette, keyed by the SQL
    benchmarkWarehouse: (id) => memo(benchmarkWarehouses, id, () => recordWarehouse(workspace.benchmarkWarehouse(id), id, rec)),
    model: (endpoint) => memo(models, endpoint, () => recordModel(workspace.model(endpoint), endpoint, rec)),
    // Genie's own evaluation runs are not recorded: a replay falls back to the simulator's judge
    evalRuns: workspace.evalRuns,
    close: () => workspace.close(),
  };
}
