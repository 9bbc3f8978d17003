import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { GenieSpace } from '@genie-enhancer/shared';
import { sendError } from './errors.ts';
import { validateSerializedSpace } from './space-validation.ts';

export type StoredSpace = GenieSpace & { serialized_space: string; etag: string };

export class SpaceStore {
  private readonly spaces = new Map<string, StoredSpace>();
  add(space: GenieSpace & { serialized_space: string }): void {
    this.spaces.set(space.space_id, { ...space, etag: randomUUID() });
  }
  get(id: string): StoredSpace | undefined {
    return this.spaces.get(id);
  }
  list(): StoredSpace[] {
    return [...this.spaces.values()];
  }
}

/** Genie space management API: list, get (with include_serialized_space), PATCH update with etag. */
export function registerSpaceRoutes(app: FastifyInstance, spaces: SpaceStore): void {
  const publicView = (s: StoredSpace, withConfig: boolean) => {
    const { serialized_space, ...rest } = s;
    return withConfig ? { ...rest, serialized_space } : rest;
  };
  app.get('/api/2.0/genie/spaces', async () => ({ spaces: spaces.list().map((s) => publicView(s, false)) }));
  app.get<{ Params: { id: string }; Querystring: { include_serialized_space?: string } }>('/api/2.0/genie/spaces/:id', async (request, reply) => {
    const space = spaces.get(request.params.id);
    if (!space) return sendError(reply, 404, 'RESOURCE_DOES_NOT_EXIST', `Space ${request.params.id} does not exist.`);
    return publicView(space, request.query.include_serialized_space === 'true');
  });
  app.patch<{ Params: { id: string }; Body: { serialized_space?: string; title?: string; description?: string; etag?: string } }>('/api/2.0/genie/spaces/:id', async (request, reply) => {
    const space = spaces.get(request.params.id);
    if (!space) return sendError(reply, 404, 'RESOURCE_DOES_NOT_EXIST', `Space ${request.params.id} does not exist.`);
    const body = request.body ?? {};
    if (body.etag && body.etag !== space.etag) return sendError(reply, 409, 'RESOURCE_CONFLICT', 'The space was changed since it was read (etag mismatch).');
    if (body.serialized_space !== undefined) {
      const checked = validateSerializedSpace(body.serialized_space);
      if ('error' in checked) return sendError(reply, 400, 'INVALID_PARAMETER_VALUE', checked.error);
      space.serialized_space = body.serialized_space;
    }
    if (body.title !== undefined) space.title = body.title;
    if (body.description !== undefined) space.description = body.description;
    space.etag = randomUUID();
    return publicView(space, true);
  });
}
