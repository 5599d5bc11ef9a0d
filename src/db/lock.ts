/**
 * One process per embedded data folder. Two processes opening the same PGlite folder silently
 * lose rows, so the first takes DATA_DIR/waflow.lock (holding its pid) and any other refuses to
 * start. A lock left by a dead process is taken over.
 */
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError';
}

/** Folders this process holds: a lock file naming our own pid is ours only if listed here. */
const heldHere = new Set<string>();

export interface DataDirLock {
  release(): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function lockDataDir(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'waflow.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      heldHere.add(file);
      return {
        release: () => {
          heldHere.delete(file);
          try {
            if (readFileSync(file, 'utf8') === String(process.pid)) unlinkSync(file);
          } catch {
            // already gone: nothing to release
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(readFileSync(file, 'utf8'), 10);
      // Our own pid without our own hold is a pid reused after a restart (containers): stale.
      const held = holder === process.pid ? heldHere.has(file) : Number.isInteger(holder) && isAlive(holder);
      if (held) {
        throw new DataDirLockedError(
          `DATA_DIR ${dataDir} is in use by process ${holder}. The embedded database allows one process; ` +
            'stop the other one, use another DATA_DIR, or run several processes on PostgreSQL (DATABASE_URL).',
        );
      }
      unlinkSync(file);
    }
  }
  throw new DataDirLockedError(`could not lock DATA_DIR ${dataDir}`);
}
