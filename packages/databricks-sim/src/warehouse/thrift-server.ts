import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SimSqlError, type EngineColumn, type EngineResult, type SqlEngine, type SqlParams } from '../catalog.types.ts';
import { Int64, TCLIService, thrift, ttypes } from './thrift-runtime.ts';

interface Operation { state: 'running' | 'finished' | 'failed' | 'canceled'; result?: EngineResult; error?: SimSqlError; fetched: number; abort: AbortController }

const TYPE_IDS: Record<string, string> = {
  BOOLEAN: 'BOOLEAN_TYPE', TINYINT: 'TINYINT_TYPE', SMALLINT: 'SMALLINT_TYPE', INT: 'INT_TYPE', BIGINT: 'BIGINT_TYPE', FLOAT: 'FLOAT_TYPE',
  DOUBLE: 'DOUBLE_TYPE', STRING: 'STRING_TYPE', TIMESTAMP: 'TIMESTAMP_TYPE', DECIMAL: 'DECIMAL_TYPE', DATE: 'DATE_TYPE',
};
const ok = () => ({ statusCode: ttypes.TStatusCode.SUCCESS_STATUS });
const handleId = () => {
  const bytes = Buffer.alloc(16);
  Buffer.from(randomUUID().replace(/-/g, ''), 'hex').copy(bytes);
  return { guid: bytes, secret: Buffer.from(randomUUID().replace(/-/g, ''), 'hex') };
};
const key = (handle: { operationId?: { guid: Buffer } }) => handle?.operationId?.guid.toString('hex') ?? '';

function columnDesc(column: EngineColumn, index: number) {
  const type = ttypes.TTypeId[TYPE_IDS[column.typeName] ?? 'STRING_TYPE'];
  const qualifiers = column.typeName === 'DECIMAL'
    ? { qualifiers: { precision: { i32Value: column.precision ?? 38 }, scale: { i32Value: column.scale ?? 0 } } }
    : undefined;
  return { columnName: column.name, typeDesc: { types: [{ primitiveEntry: { type, typeQualifiers: qualifiers } }] }, position: index + 1 };
}

/** One column of a page in HiveServer2's column-based row set: typed values plus a null bitmap (LSB first). */
function columnValues(column: EngineColumn, values: unknown[]) {
  const nulls = Buffer.alloc(Math.ceil(values.length / 8));
  values.forEach((v, i) => { if (v === null || v === undefined) nulls[i >> 3] |= 1 << (i & 7); });
  const filled = <T>(placeholder: T, map: (v: unknown) => T) => values.map((v) => (v === null || v === undefined ? placeholder : map(v)));
  switch (column.typeName) {
    case 'BOOLEAN': return { boolVal: { values: filled(false, Boolean), nulls } };
    case 'TINYINT': case 'SMALLINT': case 'INT': return { i32Val: { values: filled(0, Number), nulls } };
    case 'BIGINT': return { i64Val: { values: filled(new Int64(0), (v) => new Int64(Number(v))), nulls } };
    case 'FLOAT': case 'DOUBLE': return { doubleVal: { values: filled(0, Number), nulls } };
    default: return { stringVal: { values: filled('', (v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))), nulls } };
  }
}

interface SparkParameter { name?: string; type?: string; value?: { stringValue?: string; doubleValue?: number; booleanValue?: boolean } }

/** TSparkParameter (named parameters of @databricks/sql): the value as a string, typed by `type`; no value = NULL. */
export function namedParams(parameters: SparkParameter[] | undefined | null): SqlParams | undefined {
  if (!parameters?.length) return undefined;
  const params: SqlParams = {};
  for (const p of parameters) {
    if (!p.name) throw new SimSqlError('UNBOUND_SQL_PARAMETER', 'only named parameters are supported', '42P02');
    const text = p.value?.stringValue ?? (p.value?.doubleValue !== undefined ? String(p.value.doubleValue) : p.value?.booleanValue !== undefined ? String(p.value.booleanValue) : undefined);
    const type = (p.type ?? 'STRING').toUpperCase();
    params[p.name] = text === undefined ? null
      : type === 'BOOLEAN' ? text.toUpperCase() === 'TRUE'
      : ['INTEGER', 'INT', 'SMALLINT', 'TINYINT'].includes(type) ? Number(text)
      : type === 'BIGINT' ? BigInt(text)
      : ['DOUBLE', 'FLOAT'].includes(type) ? Number(text)
      : text;
  }
  return params;
}

/** How long ExecuteStatement waits for a statement to end before it answers with only the handle. */
const DIRECT_RESULTS_WAIT_MS = 250;

function statusOf(operation: Operation) {
  const { TOperationState } = ttypes;
  switch (operation.state) {
    case 'running':
      return new ttypes.TGetOperationStatusResp({ status: ok(), operationState: TOperationState.RUNNING_STATE });
    case 'canceled':
      return new ttypes.TGetOperationStatusResp({ status: ok(), operationState: TOperationState.CANCELED_STATE });
    case 'failed':
      return new ttypes.TGetOperationStatusResp({ status: ok(), operationState: TOperationState.ERROR_STATE, errorMessage: operation.error!.message, sqlState: operation.error!.sqlState, displayMessage: operation.error!.message });
    case 'finished':
      // a statement without columns (DDL) has no result set; the driver would otherwise ask for rows forever
      return new ttypes.TGetOperationStatusResp({ status: ok(), operationState: TOperationState.FINISHED_STATE, hasResultSet: (operation.result?.columns.length ?? 0) > 0 });
  }
}

type MaxRows = { toNumber?: () => number } | number | undefined;

function metadataOf(operation: Operation | undefined) {
  const result = operation?.result ?? { columns: [], rows: [] };
  return new ttypes.TGetResultSetMetadataResp({ status: ok(), schema: { columns: result.columns.map(columnDesc) }, resultFormat: ttypes.TSparkRowSetType.COLUMN_BASED_SET });
}

/** The next page of at most maxRows rows (the driver's default when it names none), from where the last one ended. */
function fetchPage(operation: Operation | undefined, maxRows: MaxRows) {
  const result = operation?.result ?? { columns: [], rows: [] };
  const max = typeof maxRows === 'number' ? maxRows : Number(maxRows?.toNumber?.() ?? 10_000);
  const start = operation?.fetched ?? 0;
  const page = result.rows.slice(start, start + Math.max(1, max));
  if (operation) operation.fetched = start + page.length;
  const columns = result.columns.map((c, i) => columnValues(c, page.map((row) => row[i])));
  return new ttypes.TFetchResultsResp({ status: ok(), hasMoreRows: start + page.length < result.rows.length, results: { startRowOffset: new Int64(start), rows: [], columns } });
}

/**
 * Direct results of a finished statement, as Databricks sends them when the driver asks (getDirectResults): status,
 * metadata and the first page in the ExecuteStatement answer; when that page holds every row the operation is closed
 * there too. One round trip instead of five (execute, metadata, two fetches, close) for a small result.
 */
function direct(operation: Operation, wanted: { maxRows: MaxRows } | undefined): { operationStatus: unknown; resultSetMetadata?: unknown; resultSet?: unknown; closeOperation?: unknown } {
  const operationStatus = statusOf(operation);
  if (!wanted || !operationStatus.hasResultSet) return { operationStatus };
  const resultSet = fetchPage(operation, wanted.maxRows);
  const complete = !resultSet.hasMoreRows;
  return { operationStatus, resultSetMetadata: metadataOf(operation), resultSet, ...(complete ? { closeOperation: new ttypes.TCloseOperationResp({ status: ok() }) } : {}) };
}

/** HiveServer2 Thrift over HTTP POST, as the official @databricks/sql driver speaks it (column-based results). */
export function createWarehouseHandler(options: { engine: SqlEngine; authorized: (authorization: string | undefined) => boolean; warehouseIds: string[] }) {
  const operations = new Map<string, Operation>();
  const handler = {
    OpenSession: (_req: unknown, cb: (e: null, r: unknown) => void) =>
      cb(null, new ttypes.TOpenSessionResp({ status: ok(), serverProtocolVersion: ttypes.TProtocolVersion.SPARK_CLI_SERVICE_PROTOCOL_V8, sessionHandle: { sessionId: handleId() } })),
    CloseSession: (_req: unknown, cb: (e: null, r: unknown) => void) => cb(null, new ttypes.TCloseSessionResp({ status: ok() })),
    GetInfo: (_req: unknown, cb: (e: null, r: unknown) => void) => cb(null, new ttypes.TGetInfoResp({ status: ok(), infoValue: { stringValue: 'Simulated Databricks SQL' } })),
    // runAsync as on Databricks: a statement that ends within DIRECT_RESULTS_WAIT_MS comes back with its final
    // status in directResults (no status poll); a longer one returns its handle and the driver polls while it runs
    ExecuteStatement: (req: { statement: string; parameters?: SparkParameter[]; getDirectResults?: { maxRows: MaxRows } }, cb: (e: null, r: unknown) => void) => {
      const operationHandle = { operationId: handleId(), operationType: ttypes.TOperationType.EXECUTE_STATEMENT, hasResultSet: true };
      const operation: Operation = { state: 'running', fetched: 0, abort: new AbortController() };
      operations.set(key(operationHandle), operation);
      const done = Promise.resolve().then(() => options.engine.execute(req.statement, { signal: operation.abort.signal, params: namedParams(req.parameters) })).then(
        (result) => {
          if (operation.state !== 'running') return;
          operation.result = result;
          operation.state = 'finished';
        },
        (error: unknown) => {
          if (operation.state !== 'running') return;
          operation.error = error instanceof SimSqlError ? error : new SimSqlError('INTERNAL_ERROR', String(error), 'XX000');
          operation.state = 'failed';
        },
      );
      const waited = new Promise((resolve) => setTimeout(resolve, DIRECT_RESULTS_WAIT_MS).unref());
      void Promise.race([done, waited]).then(() => {
        const directResults = operation.state === 'finished' ? direct(operation, req.getDirectResults) : undefined;
        if (directResults?.closeOperation) operations.delete(key(operationHandle));
        cb(null, new ttypes.TExecuteStatementResp({ status: ok(), operationHandle, ...(directResults ? { directResults } : {}) }));
      });
    },
    GetOperationStatus: (req: { operationHandle: { operationId: { guid: Buffer } } }, cb: (e: null, r: unknown) => void) => {
      const operation = operations.get(key(req.operationHandle));
      if (!operation) return cb(null, new ttypes.TGetOperationStatusResp({ status: { statusCode: ttypes.TStatusCode.INVALID_HANDLE_STATUS, errorMessage: 'unknown operation' } }));
      cb(null, statusOf(operation));
    },
    GetResultSetMetadata: (req: { operationHandle: { operationId: { guid: Buffer } } }, cb: (e: null, r: unknown) => void) => {
      cb(null, metadataOf(operations.get(key(req.operationHandle))));
    },
    FetchResults: (req: { operationHandle: { operationId: { guid: Buffer } }; maxRows: MaxRows; orientation: number }, cb: (e: null, r: unknown) => void) => {
      const operation = operations.get(key(req.operationHandle));
      if (operation && req.orientation === ttypes.TFetchOrientation.FETCH_FIRST) operation.fetched = 0;
      cb(null, fetchPage(operation, req.maxRows));
    },
    CancelOperation: (req: { operationHandle: { operationId: { guid: Buffer } } }, cb: (e: null, r: unknown) => void) => {
      const operation = operations.get(key(req.operationHandle));
      if (operation?.state === 'running') {
        operation.state = 'canceled';
        operation.abort.abort();
      }
      cb(null, new ttypes.TCancelOperationResp({ status: ok() }));
    },
    CloseOperation: (req: { operationHandle: { operationId: { guid: Buffer } } }, cb: (e: null, r: unknown) => void) => {
      operations.get(key(req.operationHandle))?.abort.abort();
      operations.delete(key(req.operationHandle));
      cb(null, new ttypes.TCloseOperationResp({ status: ok() }));
    },
  };
  const processor = new TCLIService.Processor(handler);

  return (request: IncomingMessage, response: ServerResponse): void => {
    const warehouse = /^\/sql\/1\.0\/warehouses\/([^/?]+)/.exec(request.url ?? '');
    if (request.method !== 'POST' || !warehouse || !options.warehouseIds.includes(warehouse[1])) {
      response.writeHead(404).end();
      return;
    }
    if (!options.authorized(request.headers.authorization)) {
      response.writeHead(401).end('Invalid access token.');
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const receive = thrift.TBufferedTransport.receiver((transport: { commitPosition(): void }) => {
        const input = new thrift.TBinaryProtocol(transport);
        const output = new thrift.TBinaryProtocol(new thrift.TBufferedTransport(undefined, (buffer: Buffer) => {
          response.writeHead(200, { 'content-type': 'application/x-thrift' });
          response.end(buffer);
        }));
        processor.process(input, output);
        transport.commitPosition();
      });
      receive(Buffer.concat(chunks));
    });
  };
}
