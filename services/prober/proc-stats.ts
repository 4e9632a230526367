import { readFile } from 'node:fs/promises';

// Resource figures of a child process from /proc (Linux). Reads fail once the process is gone;
// callers treat undefined as "no longer measurable".

/** Clock ticks per second of /proc/<pid>/stat times; 100 on every Linux the prober targets. */
const TICKS_PER_SECOND = 100;

/** Resident set size in bytes (VmRSS). */
export async function readRssBytes(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${String(pid)}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

/** User + system CPU time the process has used so far, in seconds. */
export async function readCpuSeconds(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${String(pid)}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at state; utime/stime are 14/15.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(rest[11]);
    const stime = Number(rest[12]);
    return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) / TICKS_PER_SECOND : undefined;
  } catch {
    return undefined;
  }
}

/** Direct children of a process (its main thread's `children` list). */
export async function readChildPids(pid: number): Promise<number[]> {
  try {
    const text = await readFile(`/proc/${String(pid)}/task/${String(pid)}/children`, 'utf8');
    return text
      .split(' ')
      .map((s) => Number(s))
      .filter((n) => Number.isInteger(n) && n > 0);
  } catch {
    return [];
  }
}

/** Whether a process with this pid exists (and is not a zombie). */
export async function processAlive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${String(pid)}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
