export * from './rest-client.ts';
export * from './genie-conversations.client.ts';
export * from './genie-spaces.client.ts';
export * from './chat-model.client.ts';
export * from './sql-warehouse.client.ts';
export * from './sql-driver-warehouse.client.ts';
export * from './workspace.ts';
export * from './serving-endpoints.client.ts';
