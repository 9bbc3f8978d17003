import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** A service principal's OAuth client (DATABRICKS_CLIENT_ID / DATABRICKS_CLIENT_SECRET). */
export interface OAuthClient {
  clientId: string;
  clientSecret: string;
}

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** Access tokens issued by the client-credentials grant; each is accepted until it expires. */
export class OAuthTokens {
  private readonly issued = new Map<string, number>();
  constructor(readonly clients: OAuthClient[], readonly ttlSeconds = 3600) {}

  issue(clientId: string, clientSecret: string): { access_token: string; expires_in: number } | undefined {
    if (!this.clients.some((c) => same(c.clientId, clientId) && same(c.clientSecret, clientSecret))) return undefined;
    const accessToken = `sim-oauth-${randomBytes(24).toString('hex')}`;
    this.issued.set(accessToken, Date.now() + this.ttlSeconds * 1000);
    return { access_token: accessToken, expires_in: this.ttlSeconds };
  }

  accepts(accessToken: string): boolean {
    const expires = this.issued.get(accessToken);
    return expires !== undefined && expires > Date.now();
  }
}

function oauthError(reply: FastifyReply, status: number, error: string, description: string) {
  return reply.code(status).send({ error, error_description: description });
}

function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const match = /^Basic\s+(.+)$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
}

/** The workspace's OIDC discovery document and token endpoint (client credentials only, as OAuth M2M uses). */
export function registerOAuthRoutes(app: FastifyInstance, tokens: OAuthTokens): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  app.get('/oidc/.well-known/oauth-authorization-server', async (request) => {
    const base = `${request.protocol}://${request.headers.host}`;
    return {
      issuer: `${base}/oidc`,
      authorization_endpoint: `${base}/oidc/v1/authorize`,
      token_endpoint: `${base}/oidc/v1/token`,
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    };
  });
  app.post('/oidc/v1/token', async (request, reply) => {
    const form = (request.body ?? {}) as Record<string, string>;
    if (form.grant_type !== 'client_credentials') return oauthError(reply, 400, 'unsupported_grant_type', 'only client_credentials is supported');
    const basic = basicCredentials(request.headers.authorization);
    const id = basic?.id ?? form.client_id;
    const secret = basic?.secret ?? form.client_secret;
    if (!id || !secret) return oauthError(reply, 401, 'invalid_client', 'client credentials are missing');
    const token = tokens.issue(id, secret);
    if (!token) return oauthError(reply, 401, 'invalid_client', 'Client authentication failed');
    return { ...token, token_type: 'Bearer', scope: form.scope ?? 'all-apis' };
  });
}
