import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { RunStore } from '@genie-enhancer/queue-runtime';
import { RunIdParams } from '../run-request.schema.ts';
import { loadDashboard, type DashboardAssets } from './dashboard-bundle.ts';
import { runPasses, runProgress, runSnapshots } from './dashboard-views.ts';
import type { HistoryViews } from '../history-views.ts';

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>genie-enhancer runs</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/ui/main.css">
<script type="module" src="/ui/main.js"></script>
</head>
<body><div id="app"><noscript>The run dashboard needs JavaScript.</noscript></div></body>
</html>
`;

/**
 * The run dashboard at `/` (a page over the REST API, same keys: the browser sends the key as the Basic password) and
 * the read routes it needs beyond the API's own: progress of the current stage, passes with intervals, snapshots;
 * each read from the Delta history tables (`served_from: history`) when Redis no longer holds the run.
 */
export async function installDashboard(app: FastifyInstance, options: { store: RunStore; history?: HistoryViews | undefined }): Promise<void> {
  const { store, history } = options;
  let assets: Promise<DashboardAssets> | undefined;
  // built on first request, so a start-up never waits on it; a failed build is retried by the next request
  const bundle = () => (assets ??= loadDashboard().catch((error: unknown) => {
    assets = undefined;
    throw error;
  }));
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const notFound = (id: string) => ({ error: 'NOT_FOUND', message: `no run ${id}` });

  typed.get('/', { schema: { hide: true } }, async (_request, reply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(PAGE));
  typed.get('/ui/main.js', { schema: { hide: true } }, async (_request, reply) => reply.type('text/javascript; charset=utf-8').send((await bundle()).js));
  typed.get('/ui/main.css', { schema: { hide: true } }, async (_request, reply) => reply.type('text/css; charset=utf-8').send((await bundle()).css));

  typed.get('/runs/:id/progress', { schema: { summary: "The current stage; in a scoring pass, answers in out of all and an ETA", params: RunIdParams } }, async (request, reply) =>
    (await runProgress(store, request.params.id)) ?? (await history?.progress(request.params.id)) ?? reply.code(404).send(notFound(request.params.id)));
  typed.get('/runs/:id/passes', { schema: { summary: 'Each scoring pass: train and held-out score with 95 % intervals, kept or rolled back', params: RunIdParams } }, async (request, reply) =>
    (await runPasses(store, request.params.id)) ?? (await history?.passes(request.params.id)) ?? reply.code(404).send(notFound(request.params.id)));
  typed.get('/runs/:id/snapshots', { schema: { summary: "serialized_space before the run and after each loop's update", params: RunIdParams } }, async (request, reply) =>
    (await runSnapshots(store, request.params.id)) ?? (await history?.snapshots(request.params.id)) ?? reply.code(404).send(notFound(request.params.id)));
}
