/** Where the CLI writes and what environment it reads; injected so tests run it in-process. */
export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  env: Record<string, string | undefined>;
}

/** The real process streams and environment. */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}

/** Bad user input; the CLI prints the message as one line and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Colour and cursor codes only on a terminal, and never with NO_COLOR set (https://no-color.org). */
export function colourAllowed(io: CliIo, stream: 'stdout' | 'stderr'): boolean {
  return io[stream].isTTY === true && !io.env.NO_COLOR;
}
