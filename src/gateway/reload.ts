/**
 * Hot reload: the directories of the config files are watched (fs.watch, event-based; directories so
 * an editor's save-by-rename is seen), a burst of events is settled for a moment, then the
 * configuration is loaded again. A valid edit replaces the snapshot for new requests; an invalid one
 * keeps the last good configuration and reports the located diagnostics.
 */
import { type FSWatcher, watch } from "node:fs";
import { basename, dirname } from "node:path";
import type { Config } from "../config/load.ts";

/** Names of the LLM configs added, removed or changed between two configurations, and whether [gateway] changed. */
export function describeChanges(before: Config, after: Config): { configs: string[]; gateway: boolean } {
  const names = new Set([...Object.keys(before.llms), ...Object.keys(after.llms)]);
  const configs = [...names].filter(
    (name) => JSON.stringify(before.llms[name]) !== JSON.stringify(after.llms[name]),
  );
  return { configs, gateway: JSON.stringify(before.gateway) !== JSON.stringify(after.gateway) };
}

/** A running watch. */
export interface ConfigWatch {
  close(): void;
}

/**
 * Calls `onChange` once a burst of changes to any of `files` has settled.
 * @example const watcher = watchConfigFiles(config.files, () => reload());
 */
export function watchConfigFiles(files: readonly string[], onChange: () => void, settleMs = 50): ConfigWatch {
  const byDirectory = new Map<string, Set<string>>();
  for (const file of files) {
    const names = byDirectory.get(dirname(file)) ?? new Set<string>();
    names.add(basename(file));
    byDirectory.set(dirname(file), names);
  }
  let timer: NodeJS.Timeout | undefined;
  const watchers: FSWatcher[] = [];
  for (const [directory, names] of byDirectory) {
    try {
      const watcher = watch(directory, { persistent: false }, (_event, name) => {
        if (name !== null && !names.has(name.toString())) return;
        clearTimeout(timer);
        timer = setTimeout(onChange, settleMs);
      });
      // A directory that disappears ends its watch; the gateway keeps serving the last configuration.
      watcher.on("error", () => watcher.close());
      watchers.push(watcher);
    } catch {
      // An unwatchable directory (removed meanwhile): nothing to reload from.
    }
  }
  return {
    close() {
      clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
    },
  };
}
