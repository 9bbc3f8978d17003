#!/usr/bin/env node
// The built CLI's entry (dist/genie-enhance.js); main.ts stays importable without running anything.
import { runCli } from './main.ts';

// `genie-enhance ... | head` closes the pipe early: that is not an error worth a stack trace
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});
process.exitCode = await runCli(process.argv.slice(2));
