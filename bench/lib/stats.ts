/** Latency samples and their percentiles (nearest-rank on the sorted samples). */

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export class Samples {
  #values: number[] = [];
  #sorted: Float64Array | null = null;

  add(value: number): void {
    this.#values.push(value);
    this.#sorted = null;
  }

  get count(): number {
    return this.#values.length;
  }

  /** p in [0, 100]; NaN when there are no samples. */
  percentile(p: number): number {
    const sorted = this.#sort();
    if (sorted.length === 0) return Number.NaN;
    const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
    return sorted[rank]!;
  }

  summary(): LatencySummary {
    return {
      count: this.count,
      p50: round(this.percentile(50)),
      p95: round(this.percentile(95)),
      p99: round(this.percentile(99)),
      max: round(this.percentile(100)),
    };
  }

  #sort(): Float64Array {
    this.#sorted ??= Float64Array.from(this.#values).sort();
    return this.#sorted;
  }
}

/** Two decimals are plenty for milliseconds and rates. */
export function round(value: number, decimals = 2): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}
