#!/usr/bin/env node
// The CLI ships as TypeScript (no build step): register tsx, then run main.ts.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/main.ts');
process.exitCode = await runCli(process.argv.slice(2));
