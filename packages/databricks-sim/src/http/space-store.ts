import { randomBytes, randomUUID } from 'node:crypto';
import type { GenieSpace } from '@genie-enhancer/shared';

export type StoredSpace = GenieSpace & { serialized_space: string; etag: string };
export interface NewStoredSpace { warehouse_id: string; serialized_space: string; title?: string; description?: string; parent_path?: string }

/** The workspace's spaces in creation order; trashed ones are kept apart and answer as gone. */
export class SpaceStore {
  private readonly live = new Map<string, StoredSpace>();
  private readonly seqs = new Map<string, number>();
  private readonly trashed = new Map<string, StoredSpace>();
  private seq = 0;

  add(space: GenieSpace & { serialized_space: string }): StoredSpace {
    const stored = { ...space, etag: randomUUID() };
    this.live.set(space.space_id, stored);
    this.seqs.set(space.space_id, ++this.seq);
    return stored;
  }
  create(space: NewStoredSpace): StoredSpace {
    let id: string;
    do id = randomBytes(16).toString('hex');
    while (this.live.has(id) || this.trashed.has(id));
    return this.add({ ...space, space_id: id });
  }
  get(id: string): StoredSpace | undefined {
    return this.live.get(id);
  }
  /** false when there is no such live space */
  trash(id: string): boolean {
    const space = this.live.get(id);
    if (!space) return false;
    this.live.delete(id);
    this.trashed.set(id, space);
    return true;
  }
  trashedIds(): string[] {
    return [...this.trashed.keys()];
  }
  list(): StoredSpace[] {
    return [...this.live.values()];
  }
  /** Spaces created after the one numbered `afterSeq`; the numbers keep a page stable when earlier spaces are trashed. */
  page(afterSeq: number, size: number): { spaces: StoredSpace[]; lastSeq?: number; more: boolean } {
    const after = [...this.live.values()].filter((s) => this.seqs.get(s.space_id)! > afterSeq);
    const spaces = after.slice(0, size);
    const last = spaces.at(-1);
    return { spaces, lastSeq: last && this.seqs.get(last.space_id), more: after.length > size };
  }
}
