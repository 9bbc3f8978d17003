import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createSimulator, type Simulator } from '../src/simulator.ts';

const dataset = join(import.meta.dirname, '..', '..', '..', 'datasets', 'kpi-retail');

describe('space management API over HTTP', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await createSimulator({ datasets: [dataset], genieLatencyMs: 1 });
  });
  afterAll(() => sim.close());

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${sim.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${sim.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
  const create = (title: string) => call('POST', '/api/2.0/genie/spaces', { title, warehouse_id: sim.warehouseId, serialized_space: sim.spaces[0].serialized_space });
  const listAll = async (pageSize: number) => {
    const pages: string[][] = [];
    let token: string | undefined;
    do {
      const page = await call('GET', `/api/2.0/genie/spaces?page_size=${pageSize}${token ? `&page_token=${token}` : ''}`);
      expect(page.status).toBe(200);
      pages.push(page.body.spaces.map((s: { space_id: string }) => s.space_id));
      token = page.body.next_page_token;
    } while (token);
    return pages;
  };

  it('creates spaces with fresh ids and pages through them with an opaque token', async () => {
    const made = [];
    for (const title of ['a', 'b', 'c']) made.push((await create(title)).body);
    expect(new Set(made.map((s) => s.space_id)).size).toBe(3);
    expect(made.every((s) => /^[0-9a-f]{32}$/.test(s.space_id) && typeof s.etag === 'string' && typeof s.serialized_space === 'string')).toBe(true);
    const all = [sim.spaces[0].space_id, ...made.map((s) => s.space_id)];
    expect(await listAll(3)).toEqual([all.slice(0, 3), all.slice(3)]);
    expect(await listAll(1)).toEqual(all.map((id) => [id]));
    expect((await call('GET', '/api/2.0/genie/spaces')).body).toEqual({ spaces: expect.any(Array) });
    expect((await call('GET', '/api/2.0/genie/spaces')).body.spaces.some((s: object) => 'serialized_space' in s)).toBe(false);
  });

  it('keeps paging through when a space already listed is trashed between pages', async () => {
    const first = await call('GET', '/api/2.0/genie/spaces?page_size=2');
    const seen: string[] = first.body.spaces.map((s: { space_id: string }) => s.space_id);
    const created = (await create('late')).body.space_id as string;
    expect((await call('DELETE', `/api/2.0/genie/spaces/${seen[1]}`)).status).toBe(200);
    const rest = await call('GET', `/api/2.0/genie/spaces?page_size=100&page_token=${first.body.next_page_token}`);
    const after = rest.body.spaces.map((s: { space_id: string }) => s.space_id);
    expect(after.at(-1)).toBe(created);
    expect(after.filter((id: string) => seen.includes(id))).toEqual([]);
    expect(after).toHaveLength(sim.listSpaces().length - 1);
  });

  it('answers 400 for a missing field, a bad page token or page size, and 404 for trashing an unknown space', async () => {
    const config = sim.spaces[0].serialized_space;
    expect((await call('POST', '/api/2.0/genie/spaces', { serialized_space: config })).body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining('warehouse_id') });
    expect((await call('POST', '/api/2.0/genie/spaces', { warehouse_id: sim.warehouseId })).status).toBe(400);
    expect((await call('POST', '/api/2.0/genie/spaces', { warehouse_id: sim.warehouseId, serialized_space: '{"version": 7}' })).status).toBe(400);
    expect((await call('GET', '/api/2.0/genie/spaces?page_token=nonsense')).status).toBe(400);
    expect((await call('GET', '/api/2.0/genie/spaces?page_size=-1')).status).toBe(400);
    expect(await call('DELETE', `/api/2.0/genie/spaces/${'0'.repeat(32)}`)).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
  });

  it('answers 404 on the conversation routes of a trashed space, also for a conversation started before', async () => {
    const id = (await create('to trash')).body.space_id as string;
    const started = await call('POST', `/api/2.0/genie/spaces/${id}/start-conversation`, { content: 'How many stores do we have?' });
    expect(started.status).toBe(200);
    const { conversation_id: cid, message_id: mid } = started.body;
    expect((await call('GET', `/api/2.0/genie/spaces/${id}/conversations/${cid}/messages/${mid}`)).status).toBe(200);
    await call('DELETE', `/api/2.0/genie/spaces/${id}`);
    expect(sim.trashedSpaceIds()).toContain(id);
    for (const [method, path, body] of [
      ['GET', `/api/2.0/genie/spaces/${id}`],
      ['PATCH', `/api/2.0/genie/spaces/${id}`, { title: 'x' }],
      ['DELETE', `/api/2.0/genie/spaces/${id}`],
      ['POST', `/api/2.0/genie/spaces/${id}/start-conversation`, { content: 'How many stores do we have?' }],
      ['POST', `/api/2.0/genie/spaces/${id}/conversations/${cid}/messages`, { content: 'And customers?' }],
      ['GET', `/api/2.0/genie/spaces/${id}/conversations/${cid}/messages`],
      ['GET', `/api/2.0/genie/spaces/${id}/conversations/${cid}/messages/${mid}`],
    ] as const) {
      expect(await call(method, path, body), `${method} ${path}`).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
    }
  });
});
