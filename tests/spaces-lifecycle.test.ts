import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import {
  createGenieConversationsClient, createGenieSpacesClient, createRestClient, DatabricksApiError, parseSerializedSpace,
} from '@genie-enhancer/shared';
import { createSimulator, type Simulator } from '@genie-enhancer/databricks-sim';

const datasets = ['kpi-retail', 'hr-people'].map((name) => join(import.meta.dirname, '..', 'datasets', name));
const fast = { attempts: 3, baseDelayMs: 10, maxDelayMs: 50 };
const notFound = (e: unknown) => e instanceof DatabricksApiError && e.status === 404 && e.errorCode === 'RESOURCE_DOES_NOT_EXIST';

describe('a staging copy of a space through the real spaces client', () => {
  let sim: Simulator;
  beforeAll(async () => {
    // two spaces per page: the client's list must follow next_page_token to see a third
    sim = await createSimulator({ datasets, genieLatencyMs: 20, maxSpacesPerPage: 2 });
  });
  afterAll(() => sim.close());
  const rest = () => createRestClient({ host: sim.url, token: sim.token, retry: fast });

  it('creates, lists across pages, updates with etag, asks, trashes, and then the copy is gone', async () => {
    const spaces = createGenieSpacesClient(rest());
    const original = await spaces.get(sim.spaces[0].space_id);
    const copy = await spaces.create({
      title: `${original.title} [staging]`, description: original.description, warehouse_id: original.warehouse_id!,
      parent_path: '/Workspace/Users/someone@example.com/genie', serialized_space: original.serialized_space,
    });
    expect(copy.space_id).toMatch(/^[0-9a-f]{32}$/);
    expect(copy.space_id).not.toBe(original.space_id);
    expect(copy).toMatchObject({ title: 'Retail KPIs [staging]', warehouse_id: original.warehouse_id, parent_path: '/Workspace/Users/someone@example.com/genie', serialized_space: original.serialized_space });
    expect(copy.etag).toEqual(expect.any(String));

    const listsBefore = sim.requestLog.filter((r) => r.method === 'GET' && r.path === '/api/2.0/genie/spaces').length;
    const listed = await spaces.list();
    expect(listed.map((s) => s.space_id)).toEqual([...sim.spaces.map((s) => s.space_id), copy.space_id]);
    expect(listed.every((s) => s.serialized_space === undefined)).toBe(true);
    expect(sim.requestLog.filter((r) => r.method === 'GET' && r.path === '/api/2.0/genie/spaces').length - listsBefore).toBe(2);
    expect(sim.listSpaces().map((s) => s.space_id)).toContain(copy.space_id);

    const config = parseSerializedSpace(copy.serialized_space);
    config.data_sources!.tables![0].description = ['Staging description.'];
    const updated = await spaces.update(copy.space_id, { serialized_space: JSON.stringify(config), etag: copy.etag });
    expect(updated.etag).not.toBe(copy.etag);
    await expect(spaces.update(copy.space_id, { serialized_space: copy.serialized_space, etag: copy.etag })).rejects.toMatchObject({ status: 409 });
    expect((await spaces.get(original.space_id)).serialized_space).toBe(original.serialized_space);

    const genie = createGenieConversationsClient(rest(), { pollIntervalMs: { initial: 5, max: 20 } });
    expect((await genie.ask(copy.space_id, 'How many stores do we have?', { timeoutMs: 5_000 })).sql).toMatch(/main\.retail\.stores/);

    await spaces.trash(copy.space_id);
    expect(sim.trashedSpaceIds()).toEqual([copy.space_id]);
    await expect(spaces.get(copy.space_id)).rejects.toSatisfy(notFound);
    await expect(spaces.update(copy.space_id, { serialized_space: copy.serialized_space })).rejects.toSatisfy(notFound);
    expect((await spaces.list()).map((s) => s.space_id)).not.toContain(copy.space_id);
    expect(sim.listSpaces().map((s) => s.space_id)).not.toContain(copy.space_id);
    await expect(genie.ask(copy.space_id, 'How many stores do we have?', { timeoutMs: 5_000 })).rejects.toSatisfy(notFound);
    await expect(spaces.trash(copy.space_id)).resolves.toBeUndefined();
    expect(sim.requestLog.filter((r) => r.kind === 'space_trash').map((r) => r.status)).toEqual([200, 404]);
  });

  it('refuses to create a space with an invalid serialized_space, as an update would', async () => {
    const spaces = createGenieSpacesClient(rest());
    const original = await spaces.get(sim.spaces[0].space_id);
    const unsorted = parseSerializedSpace(original.serialized_space);
    unsorted.data_sources!.tables!.reverse();
    const before = sim.listSpaces().length;
    await expect(spaces.create({ title: 'bad', warehouse_id: original.warehouse_id!, serialized_space: JSON.stringify(unsorted) }))
      .rejects.toMatchObject({ status: 400, errorCode: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining('sorted') });
    expect(sim.listSpaces()).toHaveLength(before);
  });
});
