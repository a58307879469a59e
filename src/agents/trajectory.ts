/**
 * The trajectory file (`save_trajectory_path`): the run's events as one JSON array, written as they
 * happen. The file is valid JSON after every event: each event is written with one positioned write
 * that replaces the closing `]` with `,<event>\n]`, so the cost per event is the event's own size (no
 * rewrite of what came before) and a run killed at any moment leaves a readable file.
 */
import { closeSync, mkdirSync, openSync, statSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { redactSecrets } from "../config/secrets.ts";
import type { RunEvent } from "./events.ts";

/** Writes a run's events to its trajectory file. */
export interface TrajectoryWriter {
  /** The file written. */
  readonly file: string;
  write(event: RunEvent): void;
  close(): void;
}

const closing = "\n]\n";

/**
 * Where a run's trajectory goes: `save_trajectory_path` itself, or `<it>/<run id>.json` when it names
 * an existing directory (as OpenHands does).
 */
export function trajectoryFileFor(savePath: string, runId: string): string {
  try {
    if (statSync(savePath).isDirectory()) return join(savePath, `${runId}.json`);
  } catch {
    // Not there yet: it names the file.
  }
  return savePath;
}

/**
 * Opens (truncating) a trajectory file; every secret in `secrets` is masked in what is written.
 * @example
 * const writer = openTrajectory("run.json", [apiKey]);
 * history listeners: (event) => writer.write(event)
 */
export function openTrajectory(file: string, secrets: readonly string[]): TrajectoryWriter {
  mkdirSync(dirname(file), { recursive: true });
  const descriptor = openSync(file, "w");
  writeSync(descriptor, `[${closing}`);
  // Where the closing bracket starts: the next event overwrites it.
  let end = 1;
  let first = true;
  let closed = false;
  return {
    file,
    write(event) {
      if (closed) return;
      const text = redactSecrets(JSON.stringify(event), secrets);
      const chunk = `${first ? "\n" : ",\n"}${text}${closing}`;
      writeSync(descriptor, chunk, end);
      end += Buffer.byteLength(chunk) - Buffer.byteLength(closing);
      first = false;
    },
    close() {
      if (closed) return;
      closed = true;
      closeSync(descriptor);
    },
  };
}
