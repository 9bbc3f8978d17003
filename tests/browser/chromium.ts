import { execFileSync } from 'node:child_process';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium (`apt-get install chromium`; `.ci/run` installs it), or CHROMIUM_PATH. */
export function chromiumPath(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      return execFileSync('which', [name], { encoding: 'utf8' }).trim();
    } catch {
      // next name
    }
  }
  throw new Error('no chromium on PATH: apt-get install -y chromium (or set CHROMIUM_PATH)');
}

export function launchChromium(): Promise<Browser> {
  // root in a container has no user namespace for Chromium's sandbox
  const args = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args, timeout: 60_000 });
}
