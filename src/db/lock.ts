import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export class DatabaseInUseError extends Error {
  /** Who holds it ('gateway', 'cli'), when known. */
  holder?: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The embedded database belongs to one process. Takes `<dataDir>/gateway.pid` (a stale file of a
 * dead process is taken over) and returns its release; throws DatabaseInUseError when held.
 */
export function lockDataDir(dataDir: string, holder: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'gateway.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, `${process.pid}\n${holder}\n`);
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(file, 'utf8').startsWith(`${process.pid}\n`)) unlinkSync(file);
        } catch {
          // already gone
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const [pid, other] = readFileSync(file, 'utf8').split('\n');
      if (Number(pid) && alive(Number(pid)) && Number(pid) !== process.pid) {
        const error = new DatabaseInUseError(
          `The embedded database in ${dataDir} is in use by the ${other || 'gateway'} (pid ${pid}); stop it first, or use DATABASE_URL with PostgreSQL.`,
        );
        error.holder = other || 'gateway';
        throw error;
      }
      unlinkSync(file);
    }
  }
  throw new DatabaseInUseError(`Could not lock the embedded database in ${dataDir}`);
}
