/**
 * The servers `npm run dev` starts (the Temporal dev server, PostgreSQL's postmaster) outlive a
 * SIGKILL of the dev process and keep its ports. A PID file under the data directory records them
 * with their start times and command lines (from /proc); the next start stops those that are
 * still the same process and whose parent is gone, then checks every port it binds is free.
 * Linux only (/proc); elsewhere nothing is recorded and only the port check runs.
 */
import { existsSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const PID_FILE = 'dev.pids.json';

export interface ProcessRecord {
  role: string;
  pid: number;
  /** Field 22 of /proc/<pid>/stat: clock ticks since boot; a reused PID has another. */
  startTime: string;
  /** /proc/<pid>/cmdline, arguments joined with NUL. */
  cmdline: string;
}

export interface PidFile {
  dev: ProcessRecord;
  children: ProcessRecord[];
}

interface ProcStat {
  ppid: number;
  startTime: string;
}

function procStat(pid: number): ProcStat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces or ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): ppid is field 4, starttime field 22.
    if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
    return { ppid: Number(fields[1]), startTime: fields[19]! };
  } catch {
    return undefined;
  }
}

function procCmdline(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0$/, '');
  } catch {
    return undefined;
  }
}

export function processRecord(role: string, pid: number): ProcessRecord | undefined {
  const stat = procStat(pid);
  const cmdline = procCmdline(pid);
  if (!stat || cmdline === undefined) return undefined;
  return { role, pid, startTime: stat.startTime, cmdline };
}

/** The process the record names, still running: same PID, same start time, same command line. */
function sameProcess(record: ProcessRecord): ProcStat | undefined {
  const stat = procStat(record.pid);
  if (!stat || stat.startTime !== record.startTime || procCmdline(record.pid) !== record.cmdline) return undefined;
  return stat;
}

/** PIDs of this process's children (by parentage in /proc). */
export function childPids(parent = process.pid): number[] {
  if (!existsSync('/proc')) return [];
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    if (procStat(Number(entry))?.ppid === parent) pids.push(Number(entry));
  }
  return pids;
}

/**
 * The Temporal CLI child started between `before` (child PIDs then) and now: a new child of this
 * process whose executable is `binary` (its argv[0] or /proc/<pid>/exe), by exact path only.
 */
export function findNewChild(before: number[], binary: string | undefined): number | undefined {
  const fresh = childPids().filter((pid) => !before.includes(pid));
  if (binary === undefined) return fresh.length === 1 ? fresh[0] : undefined;
  const resolved = path.resolve(binary);
  return fresh.find((pid) => {
    const argv0 = procCmdline(pid)?.split('\0')[0];
    let exe: string | undefined;
    try {
      exe = readlinkSync(`/proc/${pid}/exe`);
    } catch {
      exe = undefined;
    }
    return (argv0 !== undefined && path.resolve(argv0) === resolved) || exe === resolved;
  });
}

/** PostgreSQL's postmaster: the first line of postmaster.pid, if it is a child of this process. */
export function postmasterPid(pgDataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(path.join(pgDataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return procStat(pid)?.ppid === process.pid ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The PID file of this dev process, rewritten as children are added; removed on orderly stop. */
export class DevPidFile {
  private readonly file: string;
  private readonly children: ProcessRecord[] = [];
  private written = false;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, PID_FILE);
  }

  add(role: string, pid: number | undefined): void {
    if (pid === undefined) return;
    const record = processRecord(role, pid);
    const dev = processRecord('dev', process.pid);
    if (!record || !dev) return;
    this.children.push(record);
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ dev, children: this.children } satisfies PidFile, null, 2)}\n`);
    renameSync(tmp, this.file);
    this.written = true;
  }

  remove(): void {
    if (this.written) rmSync(this.file, { force: true });
    this.written = false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitGone(record: ProcessRecord, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!sameProcess(record)) return true;
    await sleep(100);
  }
  return !sameProcess(record);
}

/**
 * Stops the children a previous dev process recorded that outlived it: each still the same process
 * (PID, start time, command line) and no longer that dev process's child. SIGTERM, then SIGKILL
 * after `graceMs`. A recorded dev process still running is left alone with its children.
 */
export async function stopOrphans(dataDir: string, warn: (line: string) => void, graceMs = 15_000): Promise<void> {
  const file = path.join(dataDir, PID_FILE);
  let recorded: PidFile;
  try {
    recorded = JSON.parse(readFileSync(file, 'utf8')) as PidFile;
  } catch {
    return;
  }
  if (sameProcess(recorded.dev)) return; // another `npm run dev` on this data directory: the port check says so
  for (const child of recorded.children ?? []) {
    const stat = sameProcess(child);
    if (!stat || stat.ppid === recorded.dev.pid) continue;
    warn(`stopping the ${child.role} (pid ${child.pid}) left running by an earlier npm run dev (pid ${recorded.dev.pid}) that was killed`);
    try {
      process.kill(child.pid, 'SIGTERM');
    } catch {
      continue;
    }
    if (await waitGone(child, graceMs)) continue;
    warn(`the ${child.role} (pid ${child.pid}) did not stop within ${graceMs / 1000} s; killing it`);
    if (sameProcess(child)) process.kill(child.pid, 'SIGKILL');
    if (!(await waitGone(child, 5_000))) throw new Error(`the ${child.role} (pid ${child.pid}) survived SIGKILL`);
  }
  rmSync(file, { force: true });
}

/** Who listens on a TCP port (from /proc/net/tcp{,6} and /proc/<pid>/fd), if this user may see it. */
export function portHolder(port: number): string | undefined {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // local_address is HEXIP:HEXPORT; state 0A is LISTEN.
      if (cols.length > 9 && cols[3] === '0A' && parseInt(cols[1]!.split(':')[1]!, 16) === port) inodes.add(cols[9]!);
    }
  }
  if (inodes.size === 0) return undefined;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${entry}/fd/${fd}`);
      } catch {
        continue;
      }
      const m = /^socket:\[(\d+)\]$/.exec(target);
      if (m && inodes.has(m[1]!)) {
        const cmd = (procCmdline(Number(entry)) ?? '').split('\0').join(' ');
        return `pid ${entry} (${cmd.length > 200 ? `${cmd.slice(0, 200)}…` : cmd})`;
      }
    }
  }
  return undefined;
}

function portFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** The ports that are taken on 127.0.0.1 (or `host`), each with who holds it when knowable. */
export async function takenPorts(ports: Array<{ name: string; port: number }>, host = '127.0.0.1'): Promise<string[]> {
  const taken: string[] = [];
  for (const { name, port } of ports) {
    if (await portFree(port, host)) continue;
    const holder = portHolder(port);
    taken.push(`port ${port} (${name}) on ${host} is already in use${holder ? ` by ${holder}` : ''}`);
  }
  return taken;
}
