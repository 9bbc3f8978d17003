import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../errors/index.ts';

/** Host and token from flags, then DATABRICKS_HOST / DATABRICKS_TOKEN, then a ~/.databrickscfg profile. */
export async function resolveDatabricksConfig(input: { host?: string; token?: string; profile?: string; env: Record<string, string | undefined> }): Promise<{ host: string; token: string }> {
  const env = input.env;
  let host = input.host ?? env.DATABRICKS_HOST;
  let token = input.token ?? env.DATABRICKS_TOKEN;
  const profileName = input.profile ?? env.DATABRICKS_CONFIG_PROFILE ?? 'DEFAULT';
  const file = env.DATABRICKS_CONFIG_FILE ?? join(homedir(), '.databrickscfg');
  if ((!host || !token) && existsSync(file)) {
    const profile = readProfile(readFileSync(file, 'utf8'), profileName);
    host ??= profile.host;
    token ??= profile.token;
  }
  if (!host) throw new InputError('no workspace host: pass --host, set DATABRICKS_HOST or a host in ~/.databrickscfg');
  if (!token) throw new InputError('no access token: pass --token, set DATABRICKS_TOKEN or a token in ~/.databrickscfg');
  return { host: (/^https?:\/\//.test(host) ? host : `https://${host}`).replace(/\/+$/, ''), token };
}

function readProfile(ini: string, name: string): Record<string, string> {
  const values: Record<string, string> = {};
  let current = '';
  for (const line of ini.split(/\r?\n/)) {
    const section = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (section) current = section[1].trim();
    const pair = /^\s*([\w-]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (pair && current === name) values[pair[1]] = pair[2];
  }
  return values;
}
