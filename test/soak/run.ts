/**
 * One soak: start the processes, drive load, kill -9 random processes at random moments and
 * restart them, wait until everything acknowledged is answered, then measure the invariants.
 */
import { randomBytes } from 'node:crypto';
import { startSimulator } from '../../src/simulator/index.js';
import { echoFlow } from '../fixtures/flows.js';
import { ACCESS_TOKEN, APP_SECRET, PHONE_NUMBER_ID, adminClient, apiClient, eventually } from '../support/harness.js';
import { driveLoad, type LoadResult } from './driver.js';
import { measure, violations, type SoakFigures } from './invariants.js';
import { between, pick, seededRandom, type Random } from './random.js';
import { Topology, type KillRecord, type SoakMode } from './topology.js';

export interface SoakOptions {
  mode: SoakMode;
  durationMs: number;
  contacts: number;
  roundIntervalMs: number;
  /** Messages per webhook POST (several POSTs per round are in flight at once). */
  batchSize?: number;
  kills: number;
  seed: number;
  serves?: number;
  workers?: number;
  /** Progress lines (kills, restarts); silent by default. */
  log?: (line: string) => void;
}

export interface SoakResult extends SoakFigures {
  mode: SoakMode;
  seed: number;
  processes: number;
  loadSeconds: number;
  kills: number;
  killed: string[];
  posts: number;
  redeliveries: number;
  violations: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Kills at random moments of the load (never two at once), each process restarted after a random downtime. */
async function killAtRandom(topology: Topology, options: SoakOptions, random: Random, log: (line: string) => void): Promise<KillRecord[]> {
  const started = Date.now();
  const moments = Array.from({ length: options.kills }, () => between(random, 0.1, 0.8) * options.durationMs).sort((a, b) => a - b);
  const kills: KillRecord[] = [];
  for (const moment of moments) {
    await sleep(Math.max(0, started + moment - Date.now()));
    const slot = pick(random, topology.liveSlots());
    const kill = await topology.kill(slot);
    kills.push(kill);
    log(`kill -9 ${slot.name} (pid ${kill.pid}) at ${((Date.now() - started) / 1000).toFixed(1)} s: ${kill.inFlightSends} sends in flight`);
    await sleep(between(random, 300, 2_000));
    await topology.restart(slot);
    log(`restarted ${slot.name}`);
  }
  return kills;
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  return line === undefined ? Number.NaN : Number(line.slice(name.length + 1));
}

/** Every acknowledged message answered, nothing left in the inbox or the outbox. */
async function drained(topology: Topology, sentTexts: () => Set<string>, load: LoadResult): Promise<void> {
  const expected = [...load.acknowledged.values()].flat();
  await eventually(async () => {
    const sent = sentTexts();
    if (!expected.every((text) => sent.has(text))) return false;
    const [live] = topology.liveSlots();
    if (!live?.process) return false;
    return (await metric(live.process.url, 'waflow_inbox_pending')) === 0 && (await metric(live.process.url, 'waflow_outbox_queued')) === 0;
  }, 300_000);
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const log = options.log ?? (() => {});
  const random = seededRandom(options.seed);
  const simulator = await startSimulator({
    appSecret: APP_SECRET,
    phoneNumbers: { [PHONE_NUMBER_ID]: { accessToken: ACCESS_TOKEN } },
    statuses: [],
    historyLimit: 10_000_000,
  });
  const topology = await Topology.create({ mode: options.mode, simulatorUrl: simulator.url, serves: options.serves, workers: options.workers });
  try {
    await topology.startAll();
    const admin = adminClient(apiClient(topology.apiUrl()));
    const { apiKey } = await admin.createUser();
    await admin.createFlow(apiKey, { trigger: 'default', definition: echoFlow('{{input}}') });

    const rounds = Math.max(1, Math.round(options.durationMs / options.roundIntervalMs));
    const loadStarted = Date.now();
    const loading = driveLoad(
      { contacts: options.contacts, rounds, roundIntervalMs: options.roundIntervalMs, batchSize: options.batchSize ?? 10, runId: randomBytes(4).toString('hex') },
      () => topology.ingressUrls(),
      random,
    );
    const [load, kills] = await Promise.all([loading, killAtRandom(topology, options, random, log)]);
    const loadSeconds = (Date.now() - loadStarted) / 1000;
    log(`load done: ${[...load.acknowledged.values()].flat().length} messages acknowledged in ${loadSeconds.toFixed(1)} s; draining`);

    await drained(topology, () => new Set(simulator.sent.map((message) => (message.body.text as { body?: string } | undefined)?.body ?? '')), load);
    await topology.stopAll();
    const figures = await topology.query((db) => measure(db, load, simulator, kills));
    return {
      mode: options.mode,
      seed: options.seed,
      processes: topology.slots.length,
      loadSeconds: Math.round(loadSeconds),
      kills: kills.length,
      killed: kills.map((kill) => kill.slot),
      posts: load.posts,
      redeliveries: load.redeliveries,
      ...figures,
      violations: violations(figures),
    };
  } catch (error) {
    throw new Error(`soak ${options.mode} (seed ${options.seed}) failed: ${error instanceof Error ? error.message : String(error)}\n${topology.diagnostics()}`);
  } finally {
    await topology.cleanup();
    await simulator.close();
  }
}
