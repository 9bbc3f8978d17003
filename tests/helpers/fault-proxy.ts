import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fault to inject at one request: `request` runs the action before the request goes upstream (it is then
 * forwarded anyway: the upstream still acts while its caller may be gone), `response` after the upstream answered
 * and before the answer is passed on (the upstream has acted; the caller has not heard of it).
 */
export interface FaultRule {
  method?: string;
  path: RegExp;
  when: 'request' | 'response';
  /** fire on the nth matching request (1 = the first) */
  nth?: number;
  action: () => void | Promise<void>;
}

export interface ProxiedRequest {
  method: string;
  path: string;
  status: number;
}

export interface FaultProxy {
  url: string;
  /** every request answered upstream, in order */
  log: ProxiedRequest[];
  /** arms a rule once; resolves when its action has run */
  inject(rule: FaultRule): Promise<void>;
  /** drops every rule that has not fired */
  disarm(): void;
  close(): Promise<void>;
}

const readBody = (stream: IncomingMessage) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks))).on('error', reject);
  });

/** A reverse HTTP proxy in front of `upstream` (the simulator's REST API) that can run a fault at chosen requests. */
export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  const armed: { rule: FaultRule; seen: number; fired: () => void }[] = [];
  const log: ProxiedRequest[] = [];

  const fire = async (when: FaultRule['when'], method: string, path: string) => {
    for (const entry of [...armed]) {
      const { rule } = entry;
      if (rule.when !== when || (rule.method && rule.method !== method) || !rule.path.test(path)) continue;
      if (++entry.seen < (rule.nth ?? 1)) continue;
      armed.splice(armed.indexOf(entry), 1);
      await rule.action();
      entry.fired();
    }
  };

  const server = createServer((req, res) => {
    void (async () => {
      const method = req.method ?? 'GET';
      const path = (req.url ?? '/').split('?')[0];
      const body = await readBody(req);
      await fire('request', method, path);
      const upstreamResponse = await new Promise<IncomingMessage>((resolve, reject) => {
        const forward = httpRequest(
          { hostname: target.hostname, port: target.port, path: req.url, method, headers: { ...req.headers, host: target.host } },
          resolve,
        );
        forward.on('error', reject);
        forward.end(body);
      });
      const answer = await readBody(upstreamResponse);
      log.push({ method, path, status: upstreamResponse.statusCode ?? 0 });
      await fire('response', method, path);
      if (res.destroyed || req.socket.destroyed) return;
      res.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
      res.end(answer);
    })().catch((error: Error) => {
      if (!res.headersSent && !res.destroyed) res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ error_code: 'PROXY_ERROR', message: error.message }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    inject: (rule) => new Promise<void>((fired) => armed.push({ rule, seen: 0, fired })),
    disarm: () => void armed.splice(0),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
