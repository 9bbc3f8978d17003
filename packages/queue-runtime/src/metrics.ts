import { createServer, type Server } from 'node:http';
import type { JobType, Queue } from 'bullmq';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The process's Prometheus metrics. Each process counts what it did; Prometheus sums over the processes. Queue
 * depth and age are read from Redis at scrape time (`watchQueues`), the mirror backlog is set by whoever knows it.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'genie_enhancer_' });

const registers = [metricsRegistry];
export const scaleMetrics = {
  questionsScored: new Counter({ name: 'genie_enhancer_questions_scored_total', help: 'benchmark answers scored, by verdict', labelNames: ['verdict'], registers }),
  genieLatency: new Histogram({
    name: 'genie_enhancer_genie_latency_seconds', help: 'Genie question: start of the conversation to a terminal status (or error)', labelNames: ['workspace', 'outcome'],
    buckets: [0.25, 0.5, 1, 2, 3, 5, 10, 20, 30, 60, 120, 300], registers,
  }),
  limiterWait: new Histogram({
    name: 'genie_enhancer_limiter_wait_seconds', help: 'time a question waited for a slot of its workspace limit', labelNames: ['workspace'],
    buckets: [0.001, 0.01, 0.1, 0.5, 1, 2, 5, 10, 20, 30, 60, 120], registers,
  }),
  genie429: new Counter({ name: 'genie_enhancer_genie_rate_limited_total', help: 'Genie answers of 429 / RATE_LIMIT', labelNames: ['workspace'], registers }),
  runsEnded: new Counter({ name: 'genie_enhancer_runs_ended_total', help: 'runs that left queued/running, by the status they reached', labelNames: ['outcome'], registers }),
  queueDepth: new Gauge({ name: 'genie_enhancer_queue_jobs', help: 'jobs in a queue by state (read at scrape)', labelNames: ['queue', 'state'], registers }),
  queueAge: new Gauge({ name: 'genie_enhancer_queue_oldest_waiting_seconds', help: 'age of the oldest waiting job (0 when none)', labelNames: ['queue'], registers }),
  mirrorBacklog: new Gauge({ name: 'genie_enhancer_mirror_backlog', help: 'entries waiting in the mirror outbox', registers }),
};

/** The mirror's outbox length; stays 0 where no mirror runs. */
export function setMirrorBacklog(entries: number): void {
  scaleMetrics.mirrorBacklog.set(entries);
}

type WatchedQueue = Pick<Queue, 'name' | 'getJobCounts' | 'getJobs'>;

const STATES: JobType[] = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed', 'completed'];

/** Reads depth and age of these queues at every scrape (a scrape is rare; the counts are O(1) in Redis); returns the unwatch. */
export function watchQueues(queues: WatchedQueue[]): () => void {
  const collect = async () => {
    await Promise.all(queues.map(async (queue) => {
      const counts = await queue.getJobCounts(...STATES);
      for (const state of STATES) scaleMetrics.queueDepth.set({ queue: queue.name, state }, counts[state] ?? 0);
      const [oldest] = await queue.getJobs(['wait'], 0, 0, true);
      scaleMetrics.queueAge.set({ queue: queue.name }, oldest ? Math.max(0, (Date.now() - oldest.timestamp) / 1000) : 0);
    }));
  };
  collectors.push(collect);
  return () => void collectors.splice(collectors.indexOf(collect), 1);
}

const collectors: (() => Promise<void>)[] = [];

/** The exposition text, after reading the queues (a failed read keeps the last values). */
export async function metricsText(): Promise<{ contentType: string; body: string }> {
  await Promise.all(collectors.map((c) => c().catch(() => undefined)));
  return { contentType: metricsRegistry.contentType, body: await metricsRegistry.metrics() };
}

/** A worker's metrics endpoint: GET /metrics on its own port (METRICS_PORT, 0 = any free one), nothing else. */
export async function serveMetrics(port: number, host: string): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    metricsText().then(
      ({ contentType, body }) => response.writeHead(200, { 'content-type': contentType }).end(body),
      (error: unknown) => response.writeHead(500).end((error as Error).message),
    );
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  return server;
}
