/**
 * Custom agents: `[agent.<Name>] classpath = "./agents/my-agent.js#MyAgent"` names a module (a path
 * relative to the config file that sets it, or a package specifier) and an export (`default` without
 * `#`) holding an agent written against the Agent API. The agent registers under its section name.
 * Anything that stops the agent from loading is a config issue located at the `classpath` line, so
 * `config check` and `run` report it the same way.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { ConfigIssue } from "../config/issues.ts";
import type { Config } from "../config/load.ts";
import type { AgentDefinition } from "./agent.ts";

/** The custom agents a config declares, and why any of them cannot be loaded. */
export interface ClasspathAgents {
  /** Loaded agents, each named after its `[agent.<Name>]` section. */
  agents: AgentDefinition[];
  /** One error per `classpath` that could not be loaded, located at its line. */
  issues: ConfigIssue[];
}

/** Why a classpath failed, in words meant for the user. */
class ClasspathProblem extends Error {}

/** Whether a value has the shape of an `AgentDefinition` (what `defineAgent` returns). */
function isAgentDefinition(value: unknown): value is AgentDefinition {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.description === "string" &&
    typeof candidate.tools === "function" &&
    typeof candidate.systemPrompt === "function"
  );
}

/** The module's URL: a path relative to `base`, or a package resolved from `base` (then from llmconf). */
function moduleUrl(specifier: string, base: string): string {
  if (specifier.startsWith(".") || isAbsolute(specifier)) {
    const path = resolve(base, specifier);
    if (!existsSync(path)) throw new ClasspathProblem(`file not found: ${path}`);
    return pathToFileURL(path).href;
  }
  if (specifier.startsWith("file:")) return specifier;
  try {
    return pathToFileURL(createRequire(join(base, "noop.js")).resolve(specifier)).href;
  } catch {
    // ESM-only packages do not resolve through require; import() from here still finds installed ones.
    return specifier;
  }
}

async function importAgent(module: string, exportName: string, base: string): Promise<AgentDefinition> {
  const url = moduleUrl(module, base);
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ERR_MODULE_NOT_FOUND" && url === module)
      throw new ClasspathProblem(`cannot find package "${module}" (install it, or use a ./relative path)`);
    const firstLine = String((error as Error).message ?? error).split("\n")[0];
    throw new ClasspathProblem(`cannot import ${module}: ${firstLine}`);
  }
  if (!(exportName in namespace)) {
    const names = Object.keys(namespace);
    throw new ClasspathProblem(
      `${module} has no export "${exportName}" (it exports: ${names.length > 0 ? names.join(", ") : "nothing"})`,
    );
  }
  let value = namespace[exportName];
  // An exported class (as OpenHands' classpath names a class) is instantiated without arguments.
  if (typeof value === "function" && isAgentDefinition(value.prototype))
    value = new (value as new () => unknown)();
  if (!isAgentDefinition(value)) {
    throw new ClasspathProblem(
      `export "${exportName}" of ${module} is not an agent: it needs description, tools() and systemPrompt() (write it with defineAgent from "llmconf")`,
    );
  }
  return value;
}

/** The definition registered under the section name, whatever name the module gave it. */
function named(name: string, definition: AgentDefinition): AgentDefinition {
  return {
    name,
    description: definition.description,
    tools: (setup) => definition.tools(setup),
    systemPrompt: (setup) => definition.systemPrompt(setup),
  };
}

/**
 * Imports every custom agent the config declares (`[agent.<Name>] classpath`). A section without its
 * own `classpath` (or `[agent]` itself) declares none. Problems come back as located issues.
 * @example
 * const { agents, issues } = await loadClasspathAgents(config, { reserved: ["CodeActAgent"] });
 * if (issues.length > 0) throw new ConfigError(issues);
 */
export async function loadClasspathAgents(
  config: Config,
  options: { reserved?: readonly string[]; cwd?: string } = {},
): Promise<ClasspathAgents> {
  const agents: AgentDefinition[] = [];
  const issues: ConfigIssue[] = [];
  for (const [name, agentConfig] of Object.entries(config.agents)) {
    const classpath = agentConfig.classpath;
    const provenance = config.provenance.agents[name]?.classpath;
    if (name === "agent" || classpath === null || provenance === undefined || provenance.inherited) continue;
    const { source } = provenance;
    const base = source.kind === "file" ? dirname(source.file) : (options.cwd ?? process.cwd());
    const hash = classpath.lastIndexOf("#");
    const module = hash === -1 ? classpath : classpath.slice(0, hash);
    const exportName = hash === -1 ? "default" : classpath.slice(hash + 1);
    try {
      if (options.reserved?.includes(name))
        throw new ClasspathProblem(`${name} is a built-in agent; give the custom agent its own section name`);
      if (module === "" || exportName === "")
        throw new ClasspathProblem('write it as "MODULE#EXPORT", e.g. "./agents/my-agent.js#MyAgent"');
      agents.push(named(name, await importAgent(module, exportName, base)));
    } catch (error) {
      if (!(error instanceof ClasspathProblem)) throw error;
      const position = await config.locate(source);
      issues.push({
        severity: "error",
        code: "agent_classpath",
        message: `[agent.${name}] classpath "${classpath}": ${error.message}`,
        file:
          source.kind === "file" ? source.file : source.kind === "env" ? `<env ${source.env}>` : "<defaults>",
        line: position?.line ?? 0,
        column: position?.column ?? 0,
        section: `agent.${name}`,
        key: "classpath",
        suggestion: null,
      });
    }
  }
  return { agents, issues };
}
