import { randomUUID } from 'node:crypto';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { Queue } from 'bullmq';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { hasZodFastifySchemaValidationErrors, jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { RedisClient } from '@genie-enhancer/queue-runtime';
import { z } from 'zod';
import { ALL_QUEUES, createDispatcher, HistoryOutbox, IdempotencyConflictError, metricsText, RunStore, setMirrorBacklog, SpaceBusyError, watchQueues } from '@genie-enhancer/queue-runtime';
import { DatabricksApiError, type GenieSpaces, type Logger } from '@genie-enhancer/shared';
import { installDashboard } from './dashboard/dashboard.plugin.ts';
import { assertSpaceExists, BenchmarkSourceError, resolveBenchmark } from './benchmark-source.ts';
import { isRedisUnavailable } from './redis-unavailable.ts';
import { ApiRunRequest, RunIdParams } from './run-request.schema.ts';
import { registerHistoryRoutes, type ApiHistoryOptions } from './history-routes.ts';
import { HistoryUnavailableError, historyViews } from './history-views.ts';
import { runDetail, runFixes, runQuestions, withStalled } from './run-views.ts';
import { installSecurity, type SecurityOptions } from './security.plugin.ts';

export interface ApiOptions extends SecurityOptions {
  redis: RedisClient;
  logger: Logger;
  benchmarksDir: string;
  redisPrefix?: string;
  /** first retry delay of a failed stage job */
  retryBackoffMs?: number;
  /** every Redis key of a run expires this long after its last write */
  runRetentionSeconds?: number;
  /** a running run whose state has not changed for this long is shown as stalled */
  stalledAfterSeconds?: number;
  /** the workspace's space API, for runs on the space's own benchmarks */
  spaces?: () => Promise<GenieSpaces>;
  /** run history in Delta: the outbox, and the fallback reader for runs Redis forgot */
  history?: ApiHistoryOptions;
}

const RunParams = RunIdParams;
const notFound = (id: string) => ({ error: 'NOT_FOUND', message: `no run ${id}` });

/** The REST API: start and watch runs, Bull Board, OpenAPI at /docs. Nothing here runs a stage. */
export async function buildApi(options: ApiOptions) {
  const app = Fastify({ loggerInstance: options.logger as FastifyBaseLogger, genReqId: () => randomUUID() }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const prefix = options.redisPrefix ?? 'ge';
  const store = new RunStore(options.redis, prefix, options.runRetentionSeconds, options.history?.outbox);
  const history = options.history?.reader && historyViews(options.history.reader, app.log);
  const stalledAfterMs = (options.stalledAfterSeconds ?? 900) * 1000;
  const queues = ALL_QUEUES.map((name) => new Queue(name, { connection: options.redis, prefix }));
  const dispatcher = createDispatcher(options.redis, prefix, { ...(options.retryBackoffMs !== undefined ? { retryBackoffMs: options.retryBackoffMs } : {}) });

  app.setErrorHandler((error, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const issues = error.validation.map((v) => ({ path: [error.validationContext, ...String(v.instancePath).split('/').filter(Boolean)].join('.'), message: v.message }));
      return reply.code(400).send({ error: 'INVALID_REQUEST', message: issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues });
    }
    if (error instanceof BenchmarkSourceError) {
      return reply.code(400).send({ error: 'INVALID_REQUEST', message: `body.${error.field}: ${error.message}`, issues: [{ path: `body.${error.field}`, message: error.message }] });
    }
    if (error instanceof IdempotencyConflictError || error instanceof SpaceBusyError) {
      return reply.code(409).send({ error: 'CONFLICT', message: error.message });
    }
    if (isRedisUnavailable(error)) return reply.code(503).header('retry-after', '5').send({ error: 'UNAVAILABLE', message: 'Redis is unavailable; retry later' });
    if (error instanceof HistoryUnavailableError) return reply.code(503).header('retry-after', '30').send({ error: 'UNAVAILABLE', message: error.message });
    if (error instanceof DatabricksApiError) {
      return reply.code(502).send({ error: 'DATABRICKS_ERROR', message: error.message });
    }
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    return reply.code(status).send({ error: status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST', message: (error as Error).message });
  });

  await installSecurity(app, { ...options, redisPrefix: prefix });
  await app.register(fastifySwagger, {
    openapi: { info: { title: 'genie-enhancer', description: 'Improve a Genie space against a benchmark, in loops.', version: '0.1.0' } },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  const board = new FastifyAdapter();
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q)), serverAdapter: board });
  board.setBasePath('/admin/queues');
  await app.register(board.registerPlugin(), { prefix: '/admin/queues' });

  app.post('/runs', {
    schema: {
      summary: 'Start an enhancement run (202); the Idempotency-Key header returns the run it already started',
      body: ApiRunRequest,
      headers: z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }).loose(),
    },
  }, async (request, reply) => {
    const body = request.body;
    await assertSpaceExists(body.space_id, options.spaces);
    const { questions, source } = await resolveBenchmark(body, { benchmarksDir: options.benchmarksDir, ...(options.spaces ? { spaces: options.spaces } : {}) });
    const { questions: _q, benchmark_name: _b, space_benchmarks: _s, ...config } = body;
    const idempotencyKey = request.headers['idempotency-key'];
    const { run, created, step } = await store.create({ runId: randomUUID(), config, questions, source, ...(idempotencyKey ? { idempotencyKey } : {}), ...(request.apiKey ? { startedBy: request.apiKey.name } : {}) });
    if (created) {
      try {
        await dispatcher.dispatch(step.state, step.commands);
      } catch (error) {
        await store.transition(run.state.run_id, { type: 'stage_failed', stage: 'preflight', reason: `could not enqueue: ${(error as Error).message}` });
        if (idempotencyKey) await store.forgetIdempotencyKey(idempotencyKey);
        throw error;
      }
      request.log.info({ run_id: run.state.run_id, questions: questions.length, source }, 'run enqueued');
    }
    const { run_id, status } = run.state;
    return reply.code(created ? 202 : 200).send({ run_id, status, created, links: { self: `/runs/${run_id}` } });
  });

  app.get('/runs', { schema: { summary: 'Recent runs, newest first', querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }) } },
    async (request) => {
      const runs = await Promise.all((await store.list(request.query.limit)).map((run) => withStalled(store, run, stalledAfterMs)));
      return { runs: history ? await history.list(runs, request.query.limit) : runs };
    });

  app.get('/runs/:id', { schema: { summary: 'Status, loop, score per loop, stage timings', params: RunParams } }, async (request, reply) =>
    (await runDetail(store, request.params.id, stalledAfterMs)) ?? (await history?.detail(request.params.id, stalledAfterMs)) ?? reply.code(404).send(notFound(request.params.id)));

  app.get('/runs/:id/questions', { schema: { summary: 'Per-question outcome of every scoring pass', params: RunParams } }, async (request, reply) =>
    (await runQuestions(store, request.params.id)) ?? (await history?.questions(request.params.id)) ?? reply.code(404).send(notFound(request.params.id)));

  app.get('/runs/:id/fixes', { schema: { summary: 'Fixes per loop: proposed, rejected, applied, skipped', params: RunParams } }, async (request, reply) =>
    (await runFixes(store, request.params.id)) ?? (await history?.fixes(request.params.id)) ?? reply.code(404).send(notFound(request.params.id)));

  app.post('/runs/:id/cancel', { schema: { summary: 'Cancel a queued or running run', params: RunParams } }, async (request, reply) => {
    const step = await store.transition(request.params.id, { type: 'cancel_requested' });
    if (!step) return reply.code(404).send(notFound(request.params.id));
    if (step.ignored) return reply.code(409).send({ error: 'NOT_ACTIVE', message: `run ${request.params.id} is already ${step.state.status}` });
    request.log.info({ run_id: request.params.id }, 'run cancelled');
    return { run_id: request.params.id, status: step.state.status };
  });

  for (const decision of ['promote', 'discard'] as const) {
    const summary = decision === 'promote'
      ? "Write a run's best kept configuration to its space (202); refused if the space changed since the run copied it"
      : "Trash a run's staging copy and the metric views it created (202)";
    app.post(`/runs/:id/${decision}`, { schema: { summary, params: RunParams } }, async (request, reply) => {
      const step = await store.transition(request.params.id, { type: decision === 'promote' ? 'promote_requested' : 'discard_requested' });
      if (!step) return reply.code(404).send(notFound(request.params.id));
      if (step.ignored) return reply.code(409).send({ error: 'NOT_ALLOWED', message: step.ignored });
      await dispatcher.dispatch(step.state, step.commands);
      request.log.info({ run_id: request.params.id, decision }, `${decision} requested`);
      return reply.code(202).send({ run_id: request.params.id, status: step.state.status, phase: step.state.phase });
    });
  }

  app.post('/runs/:id/rollback', {
    schema: {
      summary: 'Put a kept configuration of an ended run back onto its space (202): loop 0 = the space before the run',
      params: RunParams,
      body: z.strictObject({ loop: z.number().int().min(0).max(100).default(0) }),
    },
  }, async (request, reply) => {
    const step = await store.transition(request.params.id, { type: 'restore_requested', loop: request.body.loop });
    if (!step) return reply.code(404).send(notFound(request.params.id));
    if (step.ignored) return reply.code(409).send({ error: 'NOT_ALLOWED', message: step.ignored });
    await dispatcher.dispatch(step.state, step.commands);
    request.log.info({ run_id: request.params.id, loop: request.body.loop }, 'restore requested');
    return reply.code(202).send({ run_id: request.params.id, status: step.state.status, phase: step.state.phase });
  });

  await installDashboard(app, { store, history });

  registerHistoryRoutes(app, { redis: options.redis, prefix, ...(options.history ? { history: options.history } : {}) });
  // Prometheus exposition; needs the `read` scope like every other GET
  const unwatchQueues = watchQueues(queues);
  app.get('/metrics', { schema: { summary: 'Prometheus metrics of this API process and the queues' } }, async (_request, reply) => {
    setMirrorBacklog(await new HistoryOutbox(options.redis, prefix).backlog());
    const { contentType, body } = await metricsText();
    return reply.type(contentType).send(body);
  });

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    try {
      await options.redis.ping();
      // events not yet in the Delta history tables: a warehouse outage shows here, it never fails a run
      return { status: 'ready', redis: 'ok', history_backlog: await new HistoryOutbox(options.redis, prefix).backlog() };
    } catch (error) {
      return reply.code(503).send({ status: 'not_ready', redis: (error as Error).message });
    }
  });

  app.addHook('onClose', async () => {
    unwatchQueues();
    await Promise.all([...queues.map((q) => q.close()), dispatcher.close()]);
  });
  return app;
}
