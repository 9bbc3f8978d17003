import { Config, ConfigError, type AuthType } from '@databricks/sdk-experimental';
import { DatabricksApiError, InputError } from '../errors/index.ts';

/**
 * Credentials as the official SDK resolves them: flags, then DATABRICKS_* variables, then a ~/.databrickscfg profile
 * (DATABRICKS_CONFIG_PROFILE, DATABRICKS_CONFIG_FILE); PAT, OAuth M2M, the Databricks CLI's U2M token cache, Azure
 * and Google credentials. The SDK refreshes OAuth tokens; every client asks for fresh headers per request.
 */
export interface DatabricksAuth {
  /** workspace origin, e.g. https://adb-1.2.azuredatabricks.net */
  readonly host: string;
  /** the SDK's name of the credential in use: pat, oauth-m2m, databricks-cli, azure-cli, ... */
  readonly authType: string;
  /** headers for one request; an OAuth token is refreshed by the SDK when it is about to expire */
  headers(): Promise<Record<string, string>>;
  /** the bearer token alone, for clients that take a token (the openai package) */
  token(): Promise<string>;
}

export interface DatabricksAuthInput {
  host?: string;
  token?: string;
  profile?: string;
  configFile?: string;
  clientId?: string;
  clientSecret?: string;
  /** force one credential type (DATABRICKS_AUTH_TYPE), e.g. oauth-m2m or databricks-cli */
  authType?: string;
  env: Record<string, string | undefined>;
}

const firstLine = (error: unknown) => ((error as ConfigError).baseMessage ?? (error as Error).message ?? String(error)).split('\n')[0];

function fromConfig(config: Config, host: string): DatabricksAuth {
  async function headers(): Promise<Record<string, string>> {
    const h = new Headers();
    try {
      await config.authenticate(h);
    } catch (error) {
      throw new DatabricksApiError(`authentication (${config.authType ?? 'default'}): ${firstLine(error)}`, 401, 'UNAUTHENTICATED', { cause: error });
    }
    return Object.fromEntries(h.entries());
  }
  return {
    host,
    get authType() {
      return config.authType ?? 'default';
    },
    headers,
    async token() {
      const authorization = (await headers()).authorization ?? '';
      const match = /^Bearer\s+(.+)$/i.exec(authorization);
      if (!match) throw new DatabricksApiError(`authentication (${config.authType}): the credential gives no bearer token`, 401, 'UNAUTHENTICATED');
      return match[1];
    },
  };
}

const withoutUndefined = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as Partial<T>;

/**
 * Resolves host and credentials and proves them once (an M2M client gets its first token here).
 * A bad or missing setting (an unknown profile, no host, no credential at all) is an InputError naming it;
 * a credential the workspace refuses is a DatabricksApiError (401).
 */
export async function resolveDatabricksAuth(input: DatabricksAuthInput): Promise<DatabricksAuth> {
  const config = new Config({
    ...withoutUndefined({ host: input.host, token: input.token, profile: input.profile, configFile: input.configFile, clientId: input.clientId, clientSecret: input.clientSecret }),
    ...(input.authType ? { authType: input.authType as AuthType } : {}),
    env: input.env,
  });
  let host: URL;
  try {
    host = await config.getHost();
  } catch (error) {
    const message = firstLine(error);
    throw new InputError(/host is not set/.test(message) ? 'no workspace host: pass --host, set DATABRICKS_HOST or a host in the ~/.databrickscfg profile' : message);
  }
  const auth = fromConfig(config, host.origin);
  try {
    await config.authenticate(new Headers());
  } catch (error) {
    const message = firstLine(error);
    if (/cannot configure default credentials/.test(message)) {
      throw new InputError('no credentials: pass --token, set DATABRICKS_TOKEN or DATABRICKS_CLIENT_ID/DATABRICKS_CLIENT_SECRET, or use a ~/.databrickscfg profile');
    }
    throw new DatabricksApiError(`authentication (${config.authType ?? input.authType ?? 'default'}): ${message}`, 401, 'UNAUTHENTICATED', { cause: error });
  }
  return auth;
}

/** A personal access token for a known host, through the SDK's PAT credential (no environment, no profile). */
export function patAuth(host: string, token: string): DatabricksAuth {
  const origin = new URL(/^https?:\/\//.test(host) ? host : `https://${host}`).origin;
  return fromConfig(new Config({ host: origin, token, authType: 'pat', env: {} }), origin);
}
