/** Timing helpers shared by the benchmarks: medians after a warm-up, in milliseconds. */

/** The median of a list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Median time of a synchronous function over `runs` runs, after `runs / 5` warm-up runs. */
export function timeSync(run: () => unknown, runs: number): number {
  for (let i = 0; i < Math.ceil(runs / 5); i++) run();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  return median(times);
}

/** Median time of an async function over `runs` sequential runs, after `runs / 5` warm-up runs. */
export async function timeAsync(run: () => Promise<unknown>, runs: number): Promise<number> {
  for (let i = 0; i < Math.ceil(runs / 5); i++) await run();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return median(times);
}
