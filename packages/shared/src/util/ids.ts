import { createHash, randomBytes } from 'node:crypto';

/** A fresh 32-lowercase-hex id, the format serialized_space requires. */
export function newSpaceItemId(): string {
  return randomBytes(16).toString('hex');
}

/** A deterministic 32-hex id derived from content, so the same fix always gets the same id. */
export function contentId(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}
