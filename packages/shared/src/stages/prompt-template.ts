import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PROMPTS_DIR } from '@genie-enhancer/prompts';

export const DEFAULT_PROMPTS_DIR = PROMPTS_DIR;

/** Replaces every `{{name}}` with `vars[name]`; a placeholder without a value is an error, not an empty string. */
export function renderTemplate(template: string, vars: Record<string, string>): string {
  return template.replace(/\{\{\s*([A-Za-z_][\w]*)\s*\}\}/g, (_match, name: string) => {
    if (!Object.hasOwn(vars, name)) throw new Error(`prompt template: unknown placeholder {{${name}}}`);
    return vars[name];
  });
}

/** Reads `<promptsDir>/<name>`, e.g. `planner.system.md`. */
export async function loadPromptTemplate(name: string, promptsDir = DEFAULT_PROMPTS_DIR): Promise<string> {
  return readFile(join(promptsDir, name), 'utf8');
}
