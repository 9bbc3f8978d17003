import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const deps = (path: string) => Object.keys((JSON.parse(readFileSync(join(root, path), 'utf8')) as { dependencies?: Record<string, string> }).dependencies ?? {});

// The packed CLI bundles the workspace packages and leaves npm packages external: each must be its own dependency.
describe('the CLI package', () => {
  it('declares every npm dependency of the workspace packages it bundles', () => {
    const bundled = ['packages/shared/package.json', 'prompts/package.json'].flatMap(deps).filter((d) => !d.startsWith('@genie-enhancer/'));
    expect(bundled.filter((d) => !deps('packages/cli/package.json').includes(d))).toEqual([]);
  });
});
