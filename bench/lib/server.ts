/**
 * The server under test: `waflow serve` in its own process, exactly as an operator runs it, or a
 * scaled deployment (`waflow serve --no-worker` processes taking webhooks and `waflow worker`
 * processes running conversations, on PostgreSQL and Redis). The load generator and the
 * simulator stay in the bench process, on the other side of loopback, so the server's event
 * loops, CPU time and RSS are its own and nothing else's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Store } from './store.js';

/** `build`: bin/waflow.js over dist/ (what `npm start` runs); `source`: the TypeScript through tsx. */
export type Launcher = 'build' | 'source';

export const BENCH_SECRETS = {
  appSecret: 'bench-app-secret',
  adminToken: 'bench-admin-token-0123456789abcdef',
  verifyToken: 'bench-verify-token',
  encryptionKey: '42'.repeat(32),
} as const;

/** How the server's node processes are started. */
export interface Launch {
  launcher: Launcher;
  /** node's own flags, before the script (the deploy files pass `--max-semi-space-size=8`). */
  nodeFlags: readonly string[];
  /** Write a V8 CPU profile of each server process into this folder when it stops. */
  cpuProfDir: string | null;
}

export interface ServerOptions {
  launch: Launch;
  /** A single `serve` process (with or without its worker), or a scaled deployment. */
  deployment?: Deployment;
  store: Store;
  /** More environment for the server (e.g. REDIS_URL for the roles that need it). */
  env?: Record<string, string>;
  /** The Graph API the server sends to (the simulator). */
  graphUrl: string;
  /** false: `serve --no-worker`, the ingest-only role (PostgreSQL and Redis only). */
  worker: boolean;
}

/** `serves` × `serve --no-worker` and `workers` × `worker`, sharing PostgreSQL and Redis. */
export interface ScaledDeployment {
  serves: number;
  workers: number;
}

export type Deployment = { kind: 'single' } | ({ kind: 'scaled' } & ScaledDeployment);

export const SINGLE: Deployment = { kind: 'single' };

export interface Server {
  /** The first serve process: the API, and where the simulator's status webhooks go. */
  url: string;
  /** Every serve process: inbound webhooks are spread over them, as a balancer would. */
  urls: readonly string[];
  /** From spawn to the first answered GET /health. */
  startMs: number;
  /** The command that started it (environment included, secrets shown as <…>). */
  command: string;
  /** Of the largest process (the target is per process). */
  rssMb(): number;
  /** CPU time (user + system) all its processes have used so far. */
  cpuMs(): number;
  stop(): Promise<void>;
}

export async function startServer(options: ServerOptions): Promise<Server> {
  const deployment = options.deployment ?? SINGLE;
  if (deployment.kind === 'single') return startProcess(options, ['serve', ...(options.worker ? [] : ['--no-worker'])]);
  const started = await Promise.allSettled([
    ...Array.from({ length: deployment.serves }, () => startProcess(options, ['serve', '--no-worker'])),
    ...Array.from({ length: deployment.workers }, () => startProcess(options, ['worker'])),
  ]);
  const processes = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    await Promise.all(processes.map((process) => process.stop()));
    throw failed.reason;
  }
  return combine(processes.slice(0, deployment.serves), processes);
}

/** One view of several processes: serves first. */
function combine(serves: Server[], all: Server[]): Server {
  return {
    url: serves[0]!.url,
    urls: serves.map((serve) => serve.url),
    startMs: Math.max(...all.map((process) => process.startMs)),
    command: all.map((process) => process.command).join('\n         '),
    rssMb: () => Math.max(...all.map((process) => process.rssMb())),
    cpuMs: () => all.reduce((sum, process) => sum + process.cpuMs(), 0),
    stop: async () => {
      await Promise.all(all.map((process) => process.stop()));
    },
  };
}

async function startProcess(options: ServerOptions, role: string[]): Promise<Server> {
  const port = await freePort();
  const nodeArgs = [...nodeFlags(options.launch), ...launchArgs(options.launch.launcher), ...role];
  const env = {
    PORT: String(port),
    HOST: '127.0.0.1',
    // The bench number is on Meta's top throughput tier (the targets are stated for it); the
    // default, 80 msg/s, would cap every rate above it.
    SEND_RATE_PER_NUMBER: '1000',
    ...options.store.env,
    ...options.env,
    META_GRAPH_URL: options.graphUrl,
    LOG_LEVEL: 'warn',
  };
  const started = performance.now();
  const child = spawn(process.execPath, nodeArgs, {
    env: {
      ...inheritedEnv(),
      ...env,
      WHATSAPP_APP_SECRET: BENCH_SECRETS.appSecret,
      WHATSAPP_VERIFY_TOKEN: BENCH_SECRETS.verifyToken,
      ADMIN_TOKEN: BENCH_SECRETS.adminToken,
      ENCRYPTION_KEY: BENCH_SECRETS.encryptionKey,
    },
    // The server's logs go to our stderr: stdout carries only the results.
    stdio: ['ignore', 2, 2],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  await Promise.race([
    waitForHealth(url),
    exited.then((code) => {
      throw new Error(`waflow ${role.join(' ')} exited with code ${code} before it was ready`);
    }),
  ]);
  const startMs = performance.now() - started;
  const pid = child.pid!;
  const shownEnv = Object.entries(env).map(([key, value]) => `${key}=${value}`);
  return {
    url,
    urls: [url],
    startMs,
    command: [...shownEnv, 'WHATSAPP_APP_SECRET=<…> ADMIN_TOKEN=<…>', 'node', ...nodeArgs].join(' '),
    rssMb: () => rssMb(pid),
    cpuMs: () => cpuMs(pid),
    stop: () => stop(child, exited),
  };
}

function nodeFlags({ nodeFlags, cpuProfDir }: Launch): string[] {
  return cpuProfDir ? [...nodeFlags, '--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [...nodeFlags];
}

function launchArgs(launcher: Launcher): string[] {
  if (launcher === 'source') return ['--import', 'tsx', 'src/cli/bin.ts'];
  if (!existsSync('dist/cli/main.js')) throw new Error('no build: run `npm run build` first (or pass --launcher source)');
  return ['bin/waflow.js'];
}

/** Only what a shell gives a program: no test-runner or loader settings leak into the server. */
function inheritedEnv(): Record<string, string> {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG'];
  return Object.fromEntries(keep.flatMap((key) => (process.env[key] ? [[key, process.env[key]]] : [])));
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return address.port;
}

async function waitForHealth(url: string, timeoutMs = 120_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const status = await new Promise<number>((resolve) => {
      get(`${url}/health`, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', () => resolve(0));
    });
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`waflow did not answer ${url}/health within ${timeoutMs} ms`);
}

/** Linux /proc: the whole process (every thread, PGlite's WebAssembly memory included). */
function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Math.round(Number(match[1]) / 1024) : Number.NaN;
}

const CLOCK_TICKS_PER_SECOND = 100;

function cpuMs(pid: number): number {
  // Fields after the parenthesised command name; utime and stime are the 12th and 13th of them.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

async function stop(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(killer);
}
