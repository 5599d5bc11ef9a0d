/** The highest RSS of the server while something runs, sampled every 250 ms. */
import type { Server } from './server.js';

export async function peakRss<T>(server: Server, work: () => Promise<T>): Promise<{ result: T; peakMb: number }> {
  let peakMb = server.rssMb();
  const timer = setInterval(() => {
    peakMb = Math.max(peakMb, server.rssMb());
  }, 250);
  try {
    const result = await work();
    peakMb = Math.max(peakMb, server.rssMb());
    return { result, peakMb };
  } finally {
    clearInterval(timer);
  }
}
