import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// Use the Thrift runtime and generated TCLIService code the driver itself ships, so instances match.
const requireHere = createRequire(import.meta.url);
const driverDir = dirname(requireHere.resolve('@databricks/sql/package.json'));
const requireDriver = createRequire(join(driverDir, 'package.json'));

/* eslint-disable @typescript-eslint/no-explicit-any */
export const thrift: any = requireDriver('thrift');
export const TCLIService: any = requireDriver('./thrift/TCLIService.js');
export const ttypes: any = requireDriver('./thrift/TCLIService_types.js');
export const Int64: any = requireDriver('node-int64');
