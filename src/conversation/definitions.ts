/**
 * Flow definitions by version. The current version is read from `Flow.definition` and cached
 * under its `updatedAt`, so an edit made directly in the shared database (by the flow-builder
 * app, which does not bump versions) is seen at once; older versions, kept for the sessions
 * pinned to them, never change. The cache is bounded (least recently used goes first).
 */
import type { Db } from '../db/client.js';
import { findFlowDefinition, findFlowVersion, type FlowCandidate } from '../db/repositories/flows.js';
import { parseDefinition, type FlowDefinition } from '../flows/definition.js';

export type LoadedDefinition = { ok: true; definition: FlowDefinition } | { ok: false; reason: string };

export interface DefinitionCache {
  /** The definition of `flow` at `version` (a session's pinned version, or the current one). */
  get(db: Db, flow: FlowCandidate, version: number): Promise<LoadedDefinition>;
}

export function createDefinitionCache(maxEntries = 1_000): DefinitionCache {
  const entries = new Map<string, LoadedDefinition>();

  const remember = (key: string, loaded: LoadedDefinition) => {
    entries.set(key, loaded);
    if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
  };

  return {
    async get(db, flow, version) {
      const current = version >= flow.version;
      const key = current ? `${flow.id}@${flow.version}@${flow.updatedAt.getTime()}` : `${flow.id}@${version}`;
      const hit = entries.get(key);
      if (hit) {
        entries.delete(key);
        entries.set(key, hit);
        return hit;
      }
      const stored = current ? await findFlowDefinition(db, flow.id) : await findFlowVersion(db, flow.id, version);
      if (stored === undefined) return { ok: false, reason: `flow ${flow.id} has no version ${version}` };
      const parsed = parseDefinition(stored);
      const loaded: LoadedDefinition = parsed.ok
        ? { ok: true, definition: parsed.definition }
        : { ok: false, reason: `invalid definition: ${parsed.issues.map((issue) => issue.message).join('; ')}` };
      remember(key, loaded);
      return loaded;
    },
  };
}
