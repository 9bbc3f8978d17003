import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkspaceClient } from '@databricks/sdk-experimental';
import { createSimulator, type Simulator } from '@genie-enhancer/databricks-sim';

// The official Databricks JS SDK must not be able to tell the simulator from a workspace.
describe('the official Databricks SDK drives the simulator', () => {
  let sim: Simulator;
  let client: WorkspaceClient;
  beforeAll(async () => {
    sim = await createSimulator({ datasets: [join(import.meta.dirname, '..', 'datasets', 'kpi-retail'), join(import.meta.dirname, '..', 'datasets', 'hr-people')], genieLatencyMs: 50 });
    client = new WorkspaceClient({ host: sim.url, token: sim.token, authType: 'pat' });
  });
  afterAll(() => sim.close());

  it('lists and gets spaces', async () => {
    const listed = await client.genie.listSpaces({});
    expect(listed.spaces?.map((s) => s.title).sort()).toEqual(['People & Payroll', 'Retail KPIs']);
    const space = await client.genie.getSpace({ space_id: sim.spaces[0].space_id });
    expect(space.space_id).toBe(sim.spaces[0].space_id);
  });

  it('starts a conversation, waits for it, reads the query result, and posts a follow-up', async () => {
    const space_id = sim.spaces.find((s) => s.title === 'Retail KPIs')!.space_id;
    const waiter = await client.genie.startConversation({ space_id, content: 'How many customers are in each tier?' });
    const message = await waiter.wait();
    expect(message.status).toBe('COMPLETED');
    const attachment = message.attachments?.find((a) => a.query);
    expect(attachment?.query?.query).toMatch(/GROUP BY tier/);
    const result = await client.genie.getMessageAttachmentQueryResult({ space_id, conversation_id: message.conversation_id, message_id: message.message_id ?? message.id, attachment_id: attachment!.attachment_id! });
    expect(result.statement_response?.result?.data_array?.length).toBe(3);
    const followUp = await (await client.genie.createMessage({ space_id, conversation_id: message.conversation_id, content: 'How many stores do we have?' })).wait();
    expect(followUp.conversation_id).toBe(message.conversation_id);
    expect(followUp.attachments?.[0]?.query?.query).toMatch(/COUNT\(\*\)/);
  });

  it('refuses a wrong token and an unknown space with the real error shape', async () => {
    const wrong = new WorkspaceClient({ host: sim.url, token: 'not-the-token', authType: 'pat' });
    await expect(wrong.genie.getSpace({ space_id: sim.spaces[0].space_id })).rejects.toMatchObject({ errorCode: 'UNAUTHENTICATED', statusCode: 401 });
    await expect(client.genie.getSpace({ space_id: 'f'.repeat(32) })).rejects.toMatchObject({ errorCode: 'RESOURCE_DOES_NOT_EXIST', statusCode: 404 });
  });
});
