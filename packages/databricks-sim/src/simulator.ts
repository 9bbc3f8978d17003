import { randomBytes } from 'node:crypto';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import type { GenieSpace } from '@genie-enhancer/shared';
import type { Logger } from '@genie-enhancer/shared';
import { createSqlEngine, type SimSqlEngine } from './sql/sql-engine.ts';
import { sendError } from './http/errors.ts';
import { SimSqlError, type SqlEngine } from './catalog.types.ts';
import { GenieNoise, type GenieNoiseOptions } from './genie/noise.ts';
import { registerGenieRoutes } from './http/genie-routes.ts';
import { OAuthTokens, registerOAuthRoutes, type OAuthClient } from './http/oauth-routes.ts';
import { QuestionRateLimit } from './http/rate-limit.ts';
import { registerEvalRunRoutes } from './http/eval-run-routes.ts';
import { registerServingRoutes } from './http/serving-routes.ts';
import { registerSpaceRoutes, SpaceStore } from './http/space-routes.ts';
import { registerStatementRoutes } from './http/statement-routes.ts';
import { Replay, type ReplayStats } from './replay/replay.ts';
import { replayingEngine } from './replay/replay-engine.ts';
import { createWarehouseHandler } from './warehouse/thrift-server.ts';
import { warehouseCertificate } from './warehouse/tls.ts';

export interface SimulatorOptions {
  datasets: string[];
  port?: number;
  host?: string;
  token?: string;
  /** OAuth M2M clients the token endpoint accepts (default: one with a random secret, see `oauthClient`) */
  oauthClients?: OAuthClient[];
  /** lifetime of an issued OAuth access token (default 3600) */
  oauthTokenTtlSeconds?: number;
  /** time a Genie message takes from SUBMITTED to its terminal status */
  genieLatencyMs?: number;
  /** Genie question requests per minute (0 = unlimited); over it: 429 + Retry-After */
  questionsPerMinute?: number;
  /** fault injection: answer this question request with 429 when it returns true */
  inject429?: () => boolean;
  /** tokens the SQL warehouse accepts besides the workspace's (a read-only principal's); the REST API refuses them */
  warehouseTokens?: string[];
  /** port of the HiveServer2 (Thrift over HTTPS) warehouse endpoint; 0 = random */
  warehousePort?: number;
  /** host names, besides localhost, that the warehouse certificate must be valid for */
  certificateHostNames?: string[];
  /** names of the serving endpoints that exist (default: any name) */
  servingEndpoints?: string[];
  /** seeded wrong-but-plausible readings of questions (default: none) */
  genieNoise?: GenieNoiseOptions;
  /** most spaces one list page holds, whatever page_size asks (default 100) */
  maxSpacesPerPage?: number;
  /** fixed "today" for current_date() */
  today?: string;
  /**
   * a directory of cassettes a `--record` run wrote: recorded questions, prompts and statements get their recorded
   * answers, the spaces the run found are added; anything else is simulated (docs/record-replay.md)
   */
  replay?: string;
  /** keep the warehouse's DuckDB file here, so tables it wrote survive a restart (default: in memory) */
  dataDir?: string;
  /** fault injection: a warehouse statement for which this returns true fails as if the warehouse were unavailable */
  warehouseFault?: (sql: string) => boolean;
  logger?: Logger;
}

export type RequestKind = 'genie_question' | 'genie_poll' | 'space_get' | 'space_update' | 'space_create' | 'space_trash' | 'llm' | 'warehouse' | 'other';
export interface RequestLogEntry {
  /** when the request arrived */
  at: number;
  method: string;
  path: string;
  status: number;
  kind: RequestKind;
}

export interface Simulator {
  url: string;
  host: string;
  port: number;
  token: string;
  /** the first OAuth M2M client: its id and secret get access tokens at /oidc/v1/token */
  oauthClient: OAuthClient;
  warehouseId: string;
  /** HTTPS port and path where the @databricks/sql driver connects; its self-signed CA certificate */
  warehousePort: number;
  warehousePath: string;
  caCert: string;
  /** the datasets' spaces as loaded (their objects follow later updates) */
  spaces: (GenieSpace & { serialized_space: string })[];
  requestLog: RequestLogEntry[];
  /** warehouse (Thrift) requests accepted per token given in `warehouseTokens`; the workspace's counted as `workspace` */
  warehouseRequestsByToken: Map<string, number>;
  engine: SimSqlEngine;
  /** current state of a space, as updates left it */
  getSpace(spaceId: string): (GenieSpace & { serialized_space: string }) | undefined;
  /** the spaces not in the trash, created ones included, in creation order */
  listSpaces(): (GenieSpace & { serialized_space: string })[];
  /** ids of the spaces moved to the trash, in trash order */
  trashedSpaceIds(): string[];
  setQuestionsPerMinute(n: number): void;
  /** with `replay`: how many Genie answers, completions and statements came from the cassettes, how many did not */
  replayStats(): ReplayStats | undefined;
  /** fault injection: the warehouse port stops accepting connections until started again, on the same port */
  stopWarehouse(): Promise<void>;
  startWarehouse(): Promise<void>;
  close(): Promise<void>;
}

function kindOf(method: string, path: string): RequestKind {
  if (method === 'POST' && /\/genie\/spaces\/[^/]+\/(start-conversation|conversations\/[^/]+\/messages)$/.test(path)) return 'genie_question';
  if (path.includes('/conversations/')) return 'genie_poll';
  if (path.startsWith('/api/2.0/genie/spaces')) {
    if (method === 'PATCH') return 'space_update';
    if (method === 'DELETE') return 'space_trash';
    return method === 'POST' && path === '/api/2.0/genie/spaces' ? 'space_create' : 'space_get';
  }
  if (path.startsWith('/serving-endpoints') || path.startsWith('/api/2.0/serving-endpoints')) return 'llm';
  if (path.startsWith('/api/2.0/sql')) return 'warehouse';
  return 'other';
}

/** Starts a local Databricks workspace simulator serving the given dataset folders, one space each. */
export async function createSimulator(options: SimulatorOptions): Promise<Simulator> {
  const token = options.token ?? 'dapi-sim-token';
  const oauth = new OAuthTokens(options.oauthClients ?? [{ clientId: 'genie-enhancer-sim', clientSecret: randomBytes(16).toString('hex') }], options.oauthTokenTtlSeconds);
  // the PAT, or an access token the OAuth endpoint issued
  const authorized = (header: string | undefined) => header === `Bearer ${token}` || (header?.startsWith('Bearer ') === true && oauth.accepts(header.slice(7)));
  const noise = options.genieNoise && new GenieNoise(options.genieNoise);
  const engine = await createSqlEngine({ today: options.today, ...(options.dataDir ? { dataDir: options.dataDir } : {}) });
  const fault = options.warehouseFault;
  const faulty: SqlEngine = fault
    ? { ...engine, execute: async (sql, o) => (fault(sql) ? Promise.reject(new SimSqlError('TEMPORARILY_UNAVAILABLE', 'The SQL warehouse is temporarily unavailable.', '08000')) : engine.execute(sql, o)) }
    : engine;
  const spaces = new SpaceStore();
  for (const dir of options.datasets) spaces.add((await engine.loadDataset(dir)).space);
  const replay = options.replay === undefined ? undefined : Replay.fromDir(options.replay);
  for (const space of replay?.initialSpaces ?? []) if (!spaces.get(space.space_id)) spaces.add(space);
  replay?.scrub.learn({ secrets: [token] });
  const warehouseEngine = replay ? replayingEngine(faulty, replay) : faulty;
  const warehouseId = spaces.list()[0]?.warehouse_id ?? 'sim0000000000000';
  const limit = new QuestionRateLimit(options.questionsPerMinute ?? 0);
  const requestLog: RequestLogEntry[] = [];
  const app = Fastify({ logger: false, bodyLimit: 20 * 1024 * 1024 });

  // a rate window is judged at request arrival, not when the (slower) response leaves
  const arrivals = new WeakMap<object, number>();
  app.addHook('onRequest', async (request, reply) => {
    arrivals.set(request.raw, Date.now());
    if (!request.url.startsWith('/oidc/') && !authorized(request.headers.authorization)) return sendError(reply, 401, 'UNAUTHENTICATED', 'Invalid access token.');
  });
  app.addHook('onResponse', async (request, reply) => {
    const path = request.url.split('?')[0];
    requestLog.push({ at: arrivals.get(request.raw) ?? Date.now(), method: request.method, path, status: reply.statusCode, kind: kindOf(request.method, path) });
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, 404, 'ENDPOINT_NOT_FOUND', `No API found for ${request.method} ${request.url}`));
  registerOAuthRoutes(app, oauth);
  registerSpaceRoutes(app, spaces, { maxPerPage: options.maxSpacesPerPage, ...(replay ? { storedForm: (s: string) => replay.storedForm(s) } : {}) });
  registerGenieRoutes(app, { engine, spaces, limit, latencyMs: options.genieLatencyMs ?? 300, inject429: options.inject429, noise, replay });
  registerEvalRunRoutes(app, { engine, spaces, latencyMs: options.genieLatencyMs ?? 300, noise });
  registerServingRoutes(app, engine, options.servingEndpoints, replay);
  registerStatementRoutes(app, warehouseEngine, warehouseId);

  const host = options.host ?? '127.0.0.1';
  await app.listen({ port: options.port ?? 0, host });
  const certificate = await warehouseCertificate(options.certificateHostNames);
  const warehouseRequestsByToken = new Map<string, number>();
  const warehouseAuthorized = (header: string | undefined) => {
    const extra = options.warehouseTokens?.find((t) => header === `Bearer ${t}`);
    const who = extra ?? (authorized(header) ? 'workspace' : undefined);
    if (who !== undefined) warehouseRequestsByToken.set(who, (warehouseRequestsByToken.get(who) ?? 0) + 1);
    return who !== undefined;
  };
  const thriftServer = createHttpsServer(certificate, createWarehouseHandler({ engine: warehouseEngine, authorized: warehouseAuthorized, warehouseIds: [warehouseId] }));
  await new Promise<void>((resolve) => thriftServer.listen(options.warehousePort ?? 0, host, resolve));
  const warehousePort = (thriftServer.address() as AddressInfo).port;
  const stopWarehouse = async () => {
    if (!thriftServer.listening) return;
    const closed = new Promise((resolve) => thriftServer.close(resolve));
    thriftServer.closeAllConnections();
    await closed;
  };
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port ?? 0;
  replay?.scrub.learn({ hosts: [`http://${host}:${port}`] });
  return {
    url: `http://${host}:${port}`,
    host,
    port,
    token,
    oauthClient: oauth.clients[0],
    warehouseId,
    warehousePort,
    warehousePath: `/sql/1.0/warehouses/${warehouseId}`,
    caCert: certificate.cert,
    spaces: spaces.list(),
    requestLog,
    warehouseRequestsByToken,
    engine,
    getSpace: (id) => spaces.get(id),
    listSpaces: () => spaces.list(),
    trashedSpaceIds: () => spaces.trashedIds(),
    setQuestionsPerMinute: (n) => void (limit.perMinute = n),
    replayStats: () => replay?.stats(),
    stopWarehouse,
    startWarehouse: async () => {
      if (!thriftServer.listening) await new Promise<void>((resolve) => thriftServer.listen(warehousePort, host, resolve));
    },
    close: async () => {
      await app.close();
      await stopWarehouse();
      await engine.close();
    },
  };
}
