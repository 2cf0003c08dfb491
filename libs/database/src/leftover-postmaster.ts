import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { basename, join } from 'node:path';

const FAST_SHUTDOWN_MS = 30_000;
const IMMEDIATE_SHUTDOWN_MS = 10_000;

/** Whether a process with this pid exists, whoever owns it. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user (the server's own user, when we run as root).
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether a live process runs Node (whatever its title); false where /proc cannot tell (gone, or another user's). */
function runsNode(pid: number): boolean {
  try {
    return basename(readlinkSync(`/proc/${pid}/exe`)).startsWith('node');
  } catch {
    return false;
  }
}

/** The command name and parent of a process, from /proc; undefined where there is no /proc or no such process. */
function processInfo(pid: number): { name: string; parentPid: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The name is in parentheses and may itself hold spaces or parentheses.
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const parentPid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return { name, parentPid };
  } catch {
    return undefined;
  }
}

async function exitOf(pid: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/**
 * The server of a process that was killed outright (SIGKILL, the OOM killer) outlives it, holding
 * the cluster's lock file, so the next start would fail. A postmaster on this cluster whose parent
 * is not a Node process (init, or whichever process adopted it) is such a leftover: it is shut down
 * (fast, then immediate), and the start goes on. One whose parent runs Node belongs to a running service.
 */
export async function stopLeftoverPostmaster(clusterDir: string, log: (line: string) => void): Promise<void> {
  const lockFile = join(clusterDir, 'postmaster.pid');
  if (!existsSync(lockFile)) return;
  const pid = Number(readFileSync(lockFile, 'utf8').split('\n')[0]);
  // A stale lock file (its process gone, or its pid reused by something else) PostgreSQL handles itself.
  const server = Number.isInteger(pid) && pid > 0 && isAlive(pid) ? processInfo(pid) : undefined;
  if (!server || server.name !== 'postgres') return;
  if (server.parentPid > 1 && runsNode(server.parentPid)) {
    throw new Error(
      `The embedded PostgreSQL in ${clusterDir} (pid ${pid}) belongs to another running process (pid ${server.parentPid}): stop it, or give this one its own DATA_DIR`,
    );
  }
  log(`stopping PostgreSQL (pid ${pid}) left running by a process that did not shut down`);
  process.kill(pid, 'SIGINT');
  if (await exitOf(pid, FAST_SHUTDOWN_MS)) return;
  process.kill(pid, 'SIGQUIT');
  if (!(await exitOf(pid, IMMEDIATE_SHUTDOWN_MS))) throw new Error(`PostgreSQL (pid ${pid}) left running in ${clusterDir} did not stop; stop it by hand`);
}
