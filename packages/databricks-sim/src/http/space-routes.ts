import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { sendError } from './errors.ts';
import { validateSerializedSpace } from './space-validation.ts';
import type { SpaceStore, StoredSpace } from './space-store.ts';

export { SpaceStore, type StoredSpace } from './space-store.ts';

interface CreateBody { warehouse_id?: unknown; serialized_space?: unknown; title?: unknown; description?: unknown; parent_path?: unknown }

const encodeToken = (seq: number) => Buffer.from(`spaces:${seq}`).toString('base64url');
function decodeToken(token: string): number | undefined {
  const match = /^spaces:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : undefined;
}

/**
 * Genie space management API: list (paged), get (with include_serialized_space), create, PATCH update with etag,
 * DELETE to the trash. A page holds at most `maxPerPage` spaces whatever page_size asks, as a server may cap it.
 */
export function registerSpaceRoutes(app: FastifyInstance, spaces: SpaceStore, options: { maxPerPage?: number; storedForm?: (serialized: string) => string } = {}): void {
  const maxPerPage = options.maxPerPage ?? 100;
  // how the workspace keeps a configuration it is given: as given, or (replay) as the recorded workspace kept it
  const stored = options.storedForm ?? ((serialized: string) => serialized);
  const missing = (id: string) => `Space ${id} does not exist.`;
  const publicView = (s: StoredSpace, withConfig: boolean) => {
    const { serialized_space, ...rest } = s;
    return withConfig ? { ...rest, serialized_space } : rest;
  };

  app.get<{ Querystring: { page_size?: string; page_token?: string } }>('/api/2.0/genie/spaces', async (request, reply) => {
    const size = request.query.page_size === undefined ? 0 : Number(request.query.page_size);
    if (!Number.isInteger(size) || size < 0) return sendError(reply, 400, 'INVALID_PARAMETER_VALUE', `Invalid page_size: ${request.query.page_size}`);
    const after = request.query.page_token ? decodeToken(request.query.page_token) : 0;
    if (after === undefined) return sendError(reply, 400, 'INVALID_PARAMETER_VALUE', 'Invalid page_token.');
    const page = spaces.page(after, size === 0 ? maxPerPage : Math.min(size, maxPerPage));
    return { spaces: page.spaces.map((s) => publicView(s, false)), ...(page.more && page.lastSeq ? { next_page_token: encodeToken(page.lastSeq) } : {}) };
  });

  app.post<{ Body: CreateBody }>('/api/2.0/genie/spaces', async (request, reply) => {
    const body = request.body ?? {};
    for (const field of ['warehouse_id', 'serialized_space'] as const) {
      if (typeof body[field] !== 'string' || !body[field]) return sendError(reply, 400, 'INVALID_PARAMETER_VALUE', `${field} is required.`);
    }
    for (const field of ['title', 'description', 'parent_path'] as const) {
      if (body[field] !== undefined && typeof body[field] !== 'string') return sendError(reply, 400, 'INVALID_PARAMETER_VALUE', `${field} must be a string.`);
    }
    const checked = validateSerializedSpace(body.serialized_space as string);
    if ('error' in checked) return sendError(reply, 400, 'INVALID_PARAMETER_VALUE', checked.error);
    const { warehouse_id, serialized_space, title, description, parent_path } = body as Record<keyof CreateBody, string | undefined>;
    const created = spaces.create({
      warehouse_id: warehouse_id!, serialized_space: stored(serialized_space!),
      ...(title !== undefined ? { title } : {}), ...(description !== undefined ? { description } : {}), ...(parent_path !== undefined ? { parent_path } : {}),
    });
    return publicView(created, true);
  });

  app.get<{ Params: { id: string }; Querystring: { include_serialized_space?: string } }>('/api/2.0/genie/spaces/:id', async (request, reply) => {
    const space = spaces.get(request.params.id);
    if (!space) return sendError(reply, 404, 'RESOURCE_DOES_NOT_EXIST', missing(request.params.id));
    return publicView(space, request.query.include_serialized_space === 'true');
  });

  app.patch<{ Params: { id: string }; Body: { serialized_space?: string; title?: string; description?: string; etag?: string } }>('/api/2.0/genie/spaces/:id', async (request, reply) => {
    const space = spaces.get(request.params.id);
    if (!space) return sendError(reply, 404, 'RESOURCE_DOES_NOT_EXIST', missing(request.params.id));
    const body = request.body ?? {};
    if (body.etag && body.etag !== space.etag) return sendError(reply, 409, 'RESOURCE_CONFLICT', 'The space was changed since it was read (etag mismatch).');
    if (body.serialized_space !== undefined) {
      const checked = validateSerializedSpace(body.serialized_space);
      if ('error' in checked) return sendError(reply, 400, 'INVALID_PARAMETER_VALUE', checked.error);
      space.serialized_space = stored(body.serialized_space);
    }
    if (body.title !== undefined) space.title = body.title;
    if (body.description !== undefined) space.description = body.description;
    space.etag = randomUUID();
    return publicView(space, true);
  });

  app.delete<{ Params: { id: string } }>('/api/2.0/genie/spaces/:id', async (request, reply) => {
    if (!spaces.trash(request.params.id)) return sendError(reply, 404, 'RESOURCE_DOES_NOT_EXIST', missing(request.params.id));
    return {};
  });
}
