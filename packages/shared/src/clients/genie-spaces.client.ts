import { DatabricksApiError } from '../errors/index.ts';
import { GenieSpace } from '../schemas/index.ts';
import type { GenieSpaces, SpaceWithConfig } from '../stages/ports.ts';
import type { RestClient } from './rest-client.ts';

function withConfig(raw: unknown, spaceId: string): SpaceWithConfig {
  const space = GenieSpace.parse(raw);
  if (typeof space.serialized_space !== 'string') {
    throw new DatabricksApiError(`Space ${spaceId} came back without serialized_space (CAN EDIT permission needed)`, 403, 'PERMISSION_DENIED');
  }
  return { ...space, serialized_space: space.serialized_space };
}

/** Genie space management API: read the full configuration, replace it with one PATCH. */
export function createGenieSpacesClient(rest: RestClient): GenieSpaces {
  const path = (id: string) => `/api/2.0/genie/spaces/${encodeURIComponent(id)}`;
  return {
    async get(spaceId) {
      return withConfig(await rest.request({ method: 'GET', path: path(spaceId), query: { include_serialized_space: true }, idempotent: true }), spaceId);
    },
    async list() {
      const spaces: GenieSpace[] = [];
      let pageToken: string | undefined;
      do {
        const page = await rest.request<{ spaces?: unknown[]; next_page_token?: string }>({ method: 'GET', path: '/api/2.0/genie/spaces', query: { page_size: 100, page_token: pageToken }, idempotent: true });
        spaces.push(...(page.spaces ?? []).map((s) => GenieSpace.parse(s)));
        pageToken = page.next_page_token || undefined;
      } while (pageToken);
      return spaces;
    },
    async create(space) {
      return withConfig(await rest.request({ method: 'POST', path: '/api/2.0/genie/spaces', body: space, idempotent: false }), 'new space');
    },
    async trash(spaceId) {
      try {
        await rest.request({ method: 'DELETE', path: path(spaceId), idempotent: true });
      } catch (error) {
        if (!(error instanceof DatabricksApiError && error.status === 404)) throw error;
      }
    },
    async update(spaceId, patch) {
      // PATCH with the full serialized_space is idempotent: repeating it leaves the same configuration
      return withConfig(await rest.request({ method: 'PATCH', path: path(spaceId), body: patch, idempotent: !patch.etag }), spaceId);
    },
  };
}
