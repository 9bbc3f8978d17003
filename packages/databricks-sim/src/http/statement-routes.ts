import type { FastifyInstance } from 'fastify';
import { SimSqlError, type SqlEngine } from '../catalog.types.ts';
import { namedParams } from '../warehouse/thrift-server.ts';
import { sendError } from './errors.ts';
import { statementResponse } from './statement-response.ts';

/** SQL Statement Execution API (INLINE, JSON_ARRAY): the warehouse over REST. */
export function registerStatementRoutes(app: FastifyInstance, engine: SqlEngine, warehouseId: string): void {
  app.post<{ Body: { statement?: string; warehouse_id?: string; parameters?: { name: string; value?: string | null; type?: string }[] } }>('/api/2.0/sql/statements', async (request, reply) => {
    const { statement, warehouse_id, parameters } = request.body ?? {};
    if (!statement) return sendError(reply, 400, 'INVALID_PARAMETER_VALUE', 'statement is required');
    if (warehouse_id !== warehouseId) return sendError(reply, 404, 'RESOURCE_DOES_NOT_EXIST', `Warehouse ${warehouse_id} does not exist.`);
    try {
      // the REST API's parameters are {name, value, type}, the Thrift ones' shape with the value unwrapped
      const params = namedParams(parameters?.map((p) => ({ name: p.name, type: p.type, value: p.value === null || p.value === undefined ? undefined : { stringValue: p.value } })));
      return statementResponse(await engine.execute(statement, params ? { params } : {}));
    } catch (error) {
      if (!(error instanceof SimSqlError)) throw error;
      return { statement_id: crypto.randomUUID(), status: { state: 'FAILED', error: { error_code: error.errorClass, message: error.message, sql_state: error.sqlState } } };
    }
  });
  app.get<{ Params: { id: string } }>('/api/2.0/sql/warehouses/:id', async (request, reply) =>
    request.params.id === warehouseId ? { id: warehouseId, name: 'Simulated warehouse', state: 'RUNNING' } : sendError(reply, 404, 'RESOURCE_DOES_NOT_EXIST', 'No such warehouse.'),
  );
}
