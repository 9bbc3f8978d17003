/**
 * Scrubbing of recorded exchanges: nothing that identifies a workspace or a person, and no credential, may land in
 * a cassette. Applied to every string of a recorded request and response before it is written, and by the replay to
 * what it is asked before it looks it up, so that both sides compute their keys from the same text.
 */

export const PLACEHOLDER = { host: '<host>', token: '<token>', email: '<email>', user: '<user>', secret: '<redacted>' } as const;

export interface ScrubberOptions {
  /** workspace URLs or host names (e.g. https://adb-1.2.azuredatabricks.net, 127.0.0.1:8080) to replace by <host> */
  hosts?: readonly string[];
  /** exact credential values (a PAT, a client secret) to replace by <token> */
  secrets?: readonly string[];
}

export type Scrubber = {
  (text: string): string;
  /** the same for every string of a JSON-like value; credential and user-id keys lose their value */
  value<T>(value: T): T;
  /** one more host or credential learnt after creation (the simulator's own address once it listens) */
  learn(more: ScrubberOptions): void;
};

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Credentials by shape, whatever the workspace: Databricks PATs and OAuth secrets, JWTs, bearer headers. */
const TOKEN_SHAPES: [RegExp, string][] = [
  [/\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/gi, `Bearer ${PLACEHOLDER.token}`],
  [/\b(?:dapi|dkea|dose|dsapi)[0-9a-f]{16,}(?:-\d+)?\b/gi, PLACEHOLDER.token],
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, PLACEHOLDER.token],
];
/** Databricks workspace host names, on every cloud */
const WORKSPACE_HOST = /\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:cloud\.databricks\.com|azuredatabricks\.net|gcp\.databricks\.com|databricks\.azure\.cn|cloud\.databricks\.us)\b/gi;
const EMAIL = /\b[A-Za-z0-9._%+-]+(?:@|%40)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/g;
/** keys whose value is a credential or names a person, wherever they appear in a recorded object */
const SECRET_KEY = /^(?:access_token|refresh_token|id_token|token|client_secret|secret|password|authorization|api_key|apikey)$/i;
const USER_KEY = /^(?:user_id|user_name|username|creator|creator_id|creator_user_name|owner|owner_id|owner_user_name|created_by|updated_by|last_updated_by|run_as|principal|email)$/i;

/** Host variants to look for: the origin, host:port and the bare host name, longest first. */
function hostForms(host: string): string[] {
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(host) ? host : `https://${host}`;
  try {
    const parsed = new URL(url);
    const forms = [parsed.origin, ...(/^[a-z][a-z0-9+.-]*:\/\//i.test(host) ? [] : [host]), parsed.host, parsed.hostname];
    return [...new Set(forms.filter(Boolean))].sort((a, b) => b.length - a.length);
  } catch {
    return [host];
  }
}

export function createScrubber(options: ScrubberOptions = {}): Scrubber {
  let hosts: RegExp | undefined;
  let secrets: RegExp | undefined;
  const hostList: string[] = [];
  const secretList: string[] = [];
  const learn = (more: ScrubberOptions) => {
    for (const h of more.hosts ?? []) if (h) hostList.push(...hostForms(h));
    // a very short "secret" would shred ordinary text; real credentials are long
    for (const s of more.secrets ?? []) if (s && s.length >= 8) secretList.push(s);
    const alternation = (list: string[]) => [...new Set(list)].sort((a, b) => b.length - a.length).map(escape).join('|');
    hosts = hostList.length ? new RegExp(alternation(hostList), 'gi') : undefined;
    secrets = secretList.length ? new RegExp(alternation(secretList), 'g') : undefined;
  };
  learn(options);

  const scrub = ((text: string) => {
    let out = text;
    if (secrets) out = out.replace(secrets, PLACEHOLDER.token);
    for (const [shape, replacement] of TOKEN_SHAPES) out = out.replace(shape, replacement);
    out = out.replace(EMAIL, PLACEHOLDER.email);
    if (hosts) out = out.replace(hosts, PLACEHOLDER.host);
    return out.replace(WORKSPACE_HOST, PLACEHOLDER.host);
  }) as Scrubber;

  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return scrub(value);
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, v === null || v === undefined ? v : SECRET_KEY.test(k) ? PLACEHOLDER.secret : USER_KEY.test(k) ? PLACEHOLDER.user : walk(v)]));
    }
    return value;
  };
  scrub.value = <T>(value: T) => walk(value) as T;
  scrub.learn = learn;
  return scrub;
}
