/**
 * `loadConfig`: the layers (files, environment, CLI flags) → one validated, immutable `Config`, or one
 * `ConfigError` carrying every problem found, each located at file:line:column.
 */
import { resolve } from "node:path";
import { parseEnv } from "node:util";
import { applyCliFlags, type CliOverrides } from "./cli-flags.ts";
import { collectLayers, type FileLayer } from "./collect.ts";
import { describeBlockedUse } from "./describe-issue.ts";
import { applyEnvironment } from "./environment.ts";
import { ConfigError, type ConfigIssue, type IssueFact, sortIssues } from "./issues.ts";
import { findLayerFiles } from "./layers.ts";
import { checkLoadOptions } from "./load-options.ts";
import { findPosition, locateKeys, type Position, readTomlFile } from "./parse.ts";
import { readRegularFile } from "./read-file.ts";
import { type Resolution, resolveCollected } from "./resolve.ts";
import type {
  ResolvedAgentConfig,
  ResolvedCondenserConfig,
  ResolvedCoreConfig,
  ResolvedGatewayConfig,
  ResolvedKubernetesConfig,
  ResolvedLlmConfig,
  ResolvedMcpConfig,
  ResolvedModelRoutingConfig,
  ResolvedSandboxConfig,
  ResolvedSecurityConfig,
} from "./schema.ts";
import { type PendingIssue, pendingIssue, type ValueSource } from "./sources.ts";
import { didYouMean } from "./suggest.ts";

/** Options of `loadConfig`. */
export interface LoadConfigOptions {
  /** The project file; a missing explicit file is an error. @default "./config.toml" (missing: defaults) */
  configFile?: string | undefined;
  /** Directory that relative paths resolve against. @default process.cwd() */
  cwd?: string | undefined;
  /** Environment for `LLM_*` overrides and `${VAR}` references. @default process.env plus `./.env` */
  env?: Readonly<Record<string, string | undefined>> | undefined;
  /** CLI flags (`-l`, `-c`, `-i`, `-b`). */
  cli?: CliOverrides | undefined;
  /** Read the user-level files (`~/.config/llmconf/config.toml`, `~/.openhands/config.toml`). @default true */
  userFiles?: boolean | undefined;
}

/** Why an agent uses the LLM config it uses. */
export type LlmConfigReason = "agent" | "base-agent" | "cli" | "default";

/** A resolved configuration: every section validated, every named config inherited. Immutable. */
export interface Config {
  readonly core: Readonly<ResolvedCoreConfig>;
  /** Every LLM config by name; `llm` is the default (the `-l` choice when one was given). */
  readonly llms: Readonly<Record<string, Readonly<ResolvedLlmConfig>>>;
  /** Every agent config by name; `agent` is the base `[agent]`. */
  readonly agents: Readonly<Record<string, Readonly<ResolvedAgentConfig>>>;
  readonly condenser: Readonly<ResolvedCondenserConfig> | null;
  readonly condensers: Readonly<Record<string, Readonly<ResolvedCondenserConfig>>>;
  readonly sandbox: Readonly<ResolvedSandboxConfig>;
  readonly security: Readonly<ResolvedSecurityConfig>;
  readonly mcp: Readonly<ResolvedMcpConfig>;
  readonly kubernetes: Readonly<ResolvedKubernetesConfig>;
  readonly model_routing: Readonly<ResolvedModelRoutingConfig>;
  /** `[gateway]`: the settings of `llmconf serve`. */
  readonly gateway: Readonly<ResolvedGatewayConfig>;
  readonly extended: Readonly<Record<string, unknown>>;
  /** The name of the config agents without `llm_config` use: `llm`, or the `-l` choice. */
  readonly defaultLlmName: string;
  /** The files read, lowest layer first. */
  readonly files: readonly string[];
  /** Warnings (e.g. coerced values); errors never reach a `Config`. */
  readonly warnings: readonly ConfigIssue[];
  /** Where every field of every section came from. */
  readonly provenance: Resolution["provenance"];
  /** The LLM config of that name; an unknown name throws a `ConfigError` with a did-you-mean. */
  getLlmConfig(name?: string): Readonly<ResolvedLlmConfig>;
  /**
   * The LLM config of that name, ready to call. Throws a `ConfigError` located at the reference when
   * the config, a config it inherits from, or one of its fallbacks needs an unset `${VAR}` (H8): the
   * load only warned, so that configs that do not need the variable stay usable.
   * @example createLlm(config.usableLlmConfig("cheap"))
   */
  usableLlmConfig(name?: string): Readonly<ResolvedLlmConfig>;
  /** Throws a located `ConfigError` when an `[mcp]` server entry needs an unset `${VAR}` (H8). */
  assertMcpServerUsable(list: "sse_servers" | "shttp_servers" | "stdio_servers", index: number): void;
  /** The agent config of that name, or the base `[agent]` when the agent has no section. */
  getAgentConfig(name?: string): Readonly<ResolvedAgentConfig>;
  /** The LLM config an agent uses: its `llm_config`, else `[agent]`'s, else the default. */
  getLlmConfigForAgent(name?: string): Readonly<ResolvedLlmConfig>;
  /** The name of the LLM config an agent uses, and why. */
  llmConfigNameForAgent(name?: string): { name: string; reason: LlmConfigReason };
  /** The file position of a value's source (parses positions on first use). */
  locate(source: ValueSource): Promise<Position | undefined>;
}

/**
 * Loads, validates and resolves the configuration.
 * @example
 * const config = await loadConfig({ configFile: "config.toml" });
 * config.getLlmConfigForAgent("RepoExplorerAgent").model; // "gpt-4o-mini"
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<Config> {
  const gathered = gatherConfig(options);
  const positions = new Map<string, Map<string, Position>>();
  for (const file of filesToLocate(gathered)) {
    positions.set(file, locateKeys(gathered.texts.get(file) as string));
  }
  return finishConfig(gathered, (file) => positions.get(file));
}

/** Everything a load found before problems are located: the resolution, the texts read, the issues. */
export interface GatheredConfig {
  resolution: Resolution;
  texts: Map<string, string>;
  early: ConfigIssue[];
  pending: PendingIssue[];
}

/** The files, layers, environment and resolution of a load: every step that needs no key positions. */
export function gatherConfig(options: LoadConfigOptions = {}): GatheredConfig {
  const invalid = checkLoadOptions(options);
  if (invalid.length > 0) throw new ConfigError(invalid);
  const cwd = resolve(options.cwd ?? process.cwd());
  const env = options.env ?? withDotEnv(process.env, cwd);
  const texts = new Map<string, string>();
  const layers: FileLayer[] = [];
  const pending: PendingIssue[] = [];
  const early: ConfigIssue[] = [];
  for (const layer of findLayerFiles({
    cwd,
    env,
    configFile: options.configFile,
    userFiles: options.userFiles,
  })) {
    const read = readTomlFile(layer.file);
    if (read.ok) {
      texts.set(layer.file, read.text);
      layers.push({ file: layer.file, data: read.data });
    } else if (layer.required || read.issue.code !== "file_not_found") {
      early.push(read.issue);
    }
  }
  // Layers in order, lowest first: defaults, files, environment, CLI flags.
  const collected = collectLayers(layers, env);
  pending.push(...applyEnvironment(collected, env));
  applyCliFlags(collected, options.cli ?? {});
  const resolution = resolveCollected(collected, cwd, options.cli?.llmConfig);
  pending.push(...resolution.issues);
  return { resolution, texts, early, pending };
}

/** The files whose key positions the pending issues need. */
export function filesToLocate(gathered: GatheredConfig): string[] {
  const files = gathered.pending
    .filter((issue) => issue.path.length > 0 && gathered.texts.has(issue.file))
    .map((issue) => issue.file);
  return [...new Set(files)];
}

/** Locates the pending issues, then throws one `ConfigError` or returns the `Config`. */
export function finishConfig(
  gathered: GatheredConfig,
  positionsOf: (file: string) => ReadonlyMap<string, Position> | undefined,
): Config {
  const located = gathered.pending.map((issue): ConfigIssue => {
    const positions = issue.path.length > 0 ? positionsOf(issue.file) : undefined;
    const position = positions === undefined ? undefined : findPosition(positions, issue.path);
    const { path: _path, ...rest } = issue;
    return { ...rest, line: position?.line ?? 0, column: position?.column ?? 0 };
  });
  const issues = sortIssues([...gathered.early, ...located]);
  if (issues.some((issue) => issue.severity === "error")) throw new ConfigError(issues);
  const unset = gathered.pending
    .map((issue, index) => ({ path: issue.path, issue: located[index] as ConfigIssue }))
    .filter(({ issue }) => issue.code === "unset_variable");
  return createConfig(gathered.resolution, [...gathered.texts.keys()], issues, gathered.texts, unset);
}

/** `process.env` over the variables of `./.env`, as OpenHands loads them (real variables win). */
function withDotEnv(env: NodeJS.ProcessEnv, cwd: string): Record<string, string | undefined> {
  try {
    return { ...parseEnv(readRegularFile(resolve(cwd, ".env")).toString("utf8")), ...env };
  } catch {
    return env;
  }
}

function unknownName(kind: "LLM" | "agent", name: string, known: readonly string[]): ConfigError {
  const suggestion = didYouMean(name, known) ?? null;
  const fact: IssueFact = {
    code: "unknown_llm_config",
    kind,
    name,
    defined: known,
    section: null,
    key: null,
    suggestion,
  };
  const { severity, code, message, file } = pendingIssue(fact, { file: "<lookup>", path: [] });
  return new ConfigError([
    { severity, code, message, file, line: 0, column: 0, section: null, key: null, suggestion },
  ]);
}

function createConfig(
  resolution: Resolution,
  files: string[],
  warnings: ConfigIssue[],
  texts: ReadonlyMap<string, string>,
  unset: readonly UnsetReference[],
): Config {
  const { llms, agents, provenance, defaultLlmName } = resolution;
  const llmConfigNameForAgent = (name = "agent"): { name: string; reason: LlmConfigReason } => {
    const agentName = Object.hasOwn(agents, name) ? name : "agent";
    const agent = agents[agentName] as ResolvedAgentConfig;
    if (agent.llm_config !== null) {
      const origin = provenance.agents[agentName]?.llm_config;
      const own = agentName !== "agent" && origin !== undefined && !origin.inherited;
      return { name: agent.llm_config, reason: own ? "agent" : "base-agent" };
    }
    return { name: defaultLlmName, reason: defaultLlmName === "llm" ? "default" : "cli" };
  };
  const getLlmConfig = (name = "llm") => {
    if (!Object.hasOwn(llms, name)) throw unknownName("LLM", String(name), Object.keys(llms));
    return llms[name] as ResolvedLlmConfig;
  };
  const usableLlmConfig = (name = "llm") => {
    const found = getLlmConfig(name);
    const blocking: ConfigIssue[] = [];
    const seen = new Set<string>();
    const visit = (configName: string) => {
      if (seen.has(configName)) return;
      seen.add(configName);
      for (const { source } of Object.values(provenance.llms[configName] ?? {})) {
        if (source.kind !== "file" || !source.unset) continue;
        for (const reference of unset) {
          if (reference.issue.file !== source.file || !startsWith(reference.path, source.path)) continue;
          const shown = configName === "llm" && defaultLlmName !== "llm" ? defaultLlmName : configName;
          blocking.push({
            ...reference.issue,
            severity: "error",
            message: describeBlockedUse({ llm: shown }, reference.issue),
          });
        }
      }
      for (const fallback of llms[configName]?.fallbacks ?? []) visit(fallback);
    };
    visit(name);
    if (blocking.length > 0) throw new ConfigError(dedupe(blocking));
    return found;
  };
  const assertMcpServerUsable = (list: string, index: number) => {
    const blocking = unset
      .filter(({ path }) => path[0] === "mcp" && path[1] === list && path[2] === index)
      .map(({ issue }) => ({
        ...issue,
        severity: "error" as const,
        message: describeBlockedUse({ mcp: `${list}[${index}]` }, issue),
      }));
    if (blocking.length > 0) throw new ConfigError(blocking);
  };
  const config: Config = {
    core: resolution.core,
    llms,
    agents,
    condenser: resolution.condenser,
    condensers: resolution.condensers,
    sandbox: resolution.sandbox,
    security: resolution.security,
    mcp: resolution.mcp,
    kubernetes: resolution.kubernetes,
    model_routing: resolution.model_routing,
    gateway: resolution.gateway,
    extended: resolution.extended,
    defaultLlmName,
    files,
    warnings,
    provenance,
    getLlmConfig,
    usableLlmConfig,
    assertMcpServerUsable,
    getAgentConfig: (name = "agent") =>
      (Object.hasOwn(agents, name) ? agents[name] : agents.agent) as ResolvedAgentConfig,
    getLlmConfigForAgent: (name = "agent") => getLlmConfig(llmConfigNameForAgent(name).name),
    llmConfigNameForAgent,
    locate: async (source) => {
      if (source.kind !== "file") return undefined;
      const text = texts.get(source.file);
      return text === undefined ? undefined : findPosition(locateKeys(text), source.path);
    },
  };
  return deepFreeze(config);
}

/** An unset `${VAR}` warning and the key path it was found at, for the configs it blocks. */
interface UnsetReference {
  path: readonly (string | number)[];
  issue: ConfigIssue;
}

function startsWith(path: readonly (string | number)[], prefix: readonly (string | number)[]): boolean {
  return prefix.length <= path.length && prefix.every((part, index) => path[index] === part);
}

function dedupe(issues: readonly ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.file}:${issue.line}:${issue.column}:${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
