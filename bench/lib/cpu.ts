/** CPU use over a window, for the server process and for this (load generator) process. */
import { performance } from 'node:perf_hooks';
import type { Server } from './server.js';
import { round } from './stats.js';

export interface CpuWindow {
  /**
   * Percent of one core used by the server and by the load side since the window opened, and the
   * server's CPU milliseconds (a cost that does not depend on what else runs on the machine).
   */
  stop(): { serverCpu: number; loadCpu: number; serverCpuMs: number };
}

export function cpuWindow(server: Server): CpuWindow {
  const wall = performance.now();
  const serverStart = server.cpuMs();
  const loadStart = process.cpuUsage();
  return {
    stop() {
      const elapsed = performance.now() - wall;
      const load = process.cpuUsage(loadStart);
      const serverCpuMs = server.cpuMs() - serverStart;
      return {
        serverCpuMs,
        serverCpu: round((serverCpuMs / elapsed) * 100, 0),
        loadCpu: round(((load.user + load.system) / 1000 / elapsed) * 100, 0),
      };
    },
  };
}
