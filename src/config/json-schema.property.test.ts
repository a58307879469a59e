import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { Ajv } from "ajv";
import fc from "fast-check";
import { parse, stringify } from "smol-toml";
import { ConfigError } from "./issues.ts";
import { createConfigJsonSchema, type JsonSchema } from "./json-schema.ts";
import { loadConfig } from "./load.ts";

const schema = createConfigJsonSchema();
const validate = new Ajv({ allErrors: false, strict: true }).compile(schema);
const sections = schema.properties as Record<string, JsonSchema>;
const definitions = schema.definitions as Record<string, JsonSchema>;
const directory = mkdtempSync(join(tmpdir(), "llmconf-property-"));
after(() => rmSync(directory, { recursive: true, force: true }));

type Table = Record<string, unknown>;

/** `${` would reference the (empty) environment: a loader error the schema cannot know about. */
const text = fc.string({ maxLength: 8 }).filter((value) => !value.includes("${"));
const anyValue = fc.oneof(fc.integer({ min: -5, max: 5 }), text, fc.boolean());

/** A correctly typed value for a sub-schema; names of LLM configs are ones that exist. */
function arbitraryFor(field: JsonSchema, key: string): fc.Arbitrary<unknown> {
  // Cross-references the schema cannot express: they must name a config that exists.
  if (key === "llm_config") return fc.constant("llm");
  if (key === "fallbacks") return fc.constant([]);
  // retry_min_wait ≤ retry_max_wait is a rule between two fields the schema cannot express: keep
  // the minimum at 0 and the maximum at or above the minimum's default (8).
  if (key === "retry_min_wait") return fc.constant(0);
  if (key === "retry_max_wait") return fc.integer({ min: 8, max: 1000 });
  // keep_first < max_size / 2 is another such rule (OpenHands' own condenser check): keep_first stays
  // at 0 and max_size at 4 or more, so even a mutation to 1 keeps it.
  if (key === "keep_first") return fc.constant(0);
  if (key === "max_size") return fc.integer({ min: 4, max: 1000 });
  if (field.$ref === "#/definitions/llm") return tableOf(definitions.llm as JsonSchema);
  if (field.const !== undefined) return fc.constant(field.const);
  if (Array.isArray(field.enum)) return fc.constantFrom(...(field.enum as unknown[]));
  const options = (field.anyOf ?? field.oneOf) as JsonSchema[] | undefined;
  if (options) return fc.oneof(...options.map((option) => arbitraryFor(option, key)));
  switch (field.type) {
    case "string":
      return typeof field.pattern === "string"
        ? fc.stringMatching(new RegExp(field.pattern)).filter((value) => !value.includes("${"))
        : text;
    case "integer":
      return fc.integer({ min: (field.minimum as number) ?? -1000, max: (field.maximum as number) ?? 1000 });
    case "number":
      return fc.double({
        min: (field.minimum as number) ?? (field.exclusiveMinimum as number) ?? -1e6,
        minExcluded: field.exclusiveMinimum !== undefined,
        max: (field.maximum as number) ?? 1e6,
        noNaN: true,
        noDefaultInfinity: true,
      });
    case "boolean":
      return fc.boolean();
    case "array":
      return fc.array(arbitraryFor(field.items as JsonSchema, ""), { maxLength: 2 });
    case "object": {
      if (field.properties) return tableOf(field);
      const values = field.additionalProperties as JsonSchema | undefined;
      return fc.dictionary(
        fc.constantFrom("a", "b_c", "X"),
        values && Object.keys(values).length > 0 ? arbitraryFor(values, "") : anyValue,
        { maxKeys: 2 },
      );
    }
    default:
      return anyValue;
  }
}

/** Some of a table's fields (always its required ones), each correctly typed. */
function tableOf(table: JsonSchema): fc.Arbitrary<Table> {
  const properties = Object.entries((table.properties ?? {}) as Record<string, JsonSchema | false>).filter(
    (entry): entry is [string, JsonSchema] => entry[1] !== false,
  );
  const required = new Set((table.required as string[] | undefined) ?? []);
  return fc.record(Object.fromEntries(properties.map(([key, field]) => [key, arbitraryFor(field, key)])), {
    requiredKeys: properties.map(([key]) => key).filter((key) => required.has(key)),
  }) as fc.Arbitrary<Table>;
}

function namedTables(names: readonly string[], table: JsonSchema): fc.Arbitrary<Table> {
  return fc.dictionary(fc.constantFrom(...names), tableOf(table), { maxKeys: 2 });
}

const plainSections = ["core", "security", "model_routing", "sandbox", "kubernetes"] as const;

/** A valid-looking configuration: some sections, some fields, named configs and agents. */
const configuration: fc.Arbitrary<Table> = fc
  .record(
    {
      ...Object.fromEntries(plainSections.map((name) => [name, tableOf(sections[name] as JsonSchema)])),
      llm: fc
        .tuple(
          tableOf(definitions.llm as JsonSchema),
          namedTables(["fast", "gpt3", "code-gen"], definitions.llm as JsonSchema),
        )
        .map(([base, named]) => ({ ...base, ...named })),
      agent: fc
        .tuple(
          tableOf(definitions.agent as JsonSchema),
          namedTables(["CodeActAgent", "RepoExplorerAgent"], definitions.agent as JsonSchema),
        )
        .map(([base, named]) => ({ ...base, ...named })),
      condenser: arbitraryFor(definitions.condenser as JsonSchema, "condenser"),
      extended: fc.dictionary(fc.constantFrom("tool", "level"), anyValue, { maxKeys: 2 }),
    },
    { requiredKeys: [] },
  )
  .map((document) => ({ ...document }) as Table);

const wrongValues = [123, 1.5, "text", "yes", true, 1, [1], ["a"], { a: 1 }];

/** A change that may or may not make the file invalid: the schema and the loader must agree either way. */
const mutation = fc.oneof(
  fc.record({
    kind: fc.constant("unknown-key" as const),
    key: fc.constantFrom("temprature", "modle", "zzz"),
  }),
  fc.record({
    kind: fc.constant("wrong-type" as const),
    value: fc.constantFrom(...wrongValues),
    pick: fc.nat(),
  }),
  fc.record({
    kind: fc.constant("misspelt-section" as const),
    name: fc.constantFrom("llms", "LLM", "Agent", "sandbx", "lm"),
  }),
  fc.record({ kind: fc.constant("drop-key" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("nested-section" as const) }),
  fc.record({ kind: fc.constant("reserved-name" as const) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

/** Fields whose string values name other configs (checked by the loader, not expressible in the schema). */
const CROSS_REFERENCES = new Set(["llm_config", "fallbacks"]);

/** A string or a list of strings: in a cross-reference field, names of configs. */
function namesConfigs(value: unknown): boolean {
  return (
    typeof value === "string" || (Array.isArray(value) && value.every((item) => typeof item === "string"))
  );
}

function isTable(value: unknown): value is Table {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The tables a key may be added to: sections and named sections (not free-form `[extended]`). */
function tablesOf(document: Table): Table[] {
  const tables: Table[] = [];
  for (const [name, section] of Object.entries(document)) {
    if (!isTable(section) || name === "extended") continue;
    tables.push(section);
    if (name === "llm" || name === "agent") {
      for (const [key, inner] of Object.entries(section))
        if (isTable(inner) && key !== "condenser" && key !== "model_routing" && key !== "completion_kwargs")
          tables.push(inner);
    }
  }
  return tables;
}

function mutate(document: Table, change: Mutation): Table {
  const copy = structuredClone(document);
  const tables = tablesOf(copy);
  switch (change.kind) {
    case "unknown-key": {
      const table = tables[0] ?? {};
      if (tables.length === 0) copy.llm = table;
      table[change.key] = 1;
      break;
    }
    case "wrong-type": {
      const fields = tables.flatMap((table) =>
        Object.keys(table)
          // A string in llm_config or fallbacks is a config name: whether it exists is a cross-reference
          // the schema cannot express, so only non-string wrong values are fair there.
          .filter((key) => !isTable(table[key]) || key === "condenser")
          .filter((key) => !(CROSS_REFERENCES.has(key) && namesConfigs(change.value)))
          // The retry waits bound each other, a cross-field rule the schema cannot express.
          .filter((key) => key !== "retry_min_wait" && key !== "retry_max_wait")
          .map((key) => [table, key] as const),
      );
      const chosen = fields[change.pick % Math.max(fields.length, 1)];
      if (chosen) chosen[0][chosen[1]] = change.value;
      break;
    }
    case "misspelt-section": {
      const name = Object.keys(copy)[0] ?? "llm";
      copy[change.name] = copy[name] ?? {};
      delete copy[name];
      break;
    }
    case "drop-key": {
      // Also from inline tables (an agent's condenser), where required keys live.
      const nested = tables.flatMap((table) => Object.values(table).filter(isTable));
      const keys = [...tables, ...nested].flatMap((table) =>
        Object.keys(table).map((key) => [table, key] as const),
      );
      const chosen = keys[change.pick % Math.max(keys.length, 1)];
      if (chosen) delete chosen[0][chosen[1]];
      break;
    }
    case "nested-section":
      copy.llm = { ...(isTable(copy.llm) ? copy.llm : {}), fast: { model: "a", inner: { model: "b" } } };
      break;
    case "reserved-name":
      copy.agent = { ...(isTable(copy.agent) ? copy.agent : {}), agent: { cli_mode: true } };
      break;
  }
  return copy;
}

let counter = 0;

/** The loader accepts a file when it loads, and loads it without converting a value's type (H2 warnings). */
async function loaderAccepts(toml: string): Promise<boolean> {
  return (await loaderVerdict(toml)).accepted;
}

async function loaderVerdict(toml: string): Promise<{ accepted: boolean; issues: string[] }> {
  const configFile = join(directory, `config-${counter++}.toml`);
  writeFileSync(configFile, toml);
  try {
    const config = await loadConfig({ configFile, env: {}, userFiles: false, cwd: directory });
    const coerced = config.warnings.filter((warning) => warning.code === "coerced_value");
    return { accepted: coerced.length === 0, issues: coerced.map((issue) => issue.message) };
  } catch (error) {
    if (error instanceof ConfigError)
      return { accepted: false, issues: error.issues.map((issue) => issue.message) };
    throw error;
  } finally {
    rmSync(configFile, { force: true });
  }
}

test("random configurations are accepted by the schema exactly when the loader accepts them", async () => {
  await fc.assert(
    fc.asyncProperty(configuration, fc.option(mutation, { freq: 2 }), async (document, change) => {
      const toml = stringify(change ? mutate(document, change) : document);
      const bySchema = validate(parse(toml));
      const { accepted: byLoader, issues } = await loaderVerdict(toml);
      assert.equal(
        bySchema,
        byLoader,
        `schema ${bySchema ? "accepts" : "rejects"} but the loader ${byLoader ? "accepts" : "rejects"}: ${JSON.stringify(validate.errors)} ${issues.join("; ")}\n${toml}`,
      );
    }),
    { numRuns: 300, includeErrorInReport: true },
  );
});

test("unmutated random configurations are valid for both", async () => {
  await fc.assert(
    fc.asyncProperty(configuration, async (document) => {
      const toml = stringify(document);
      assert.equal(validate(parse(toml)), true, `${toml}\n${JSON.stringify(validate.errors)}`);
      assert.equal(await loaderAccepts(toml), true, toml);
    }),
    { numRuns: 100, includeErrorInReport: true },
  );
});

/** Cases where the loader was once more lenient than the schema (and H1): both must reject them. */
const KNOWN_DISAGREEMENTS: readonly { toml: string; why: string }[] = [
  {
    toml: '[agent.X]\ncondenser = { type = "noop", bogus = 1 }\n',
    why: "an unknown key in an agent's inline condenser is an error",
  },
  {
    toml: '[agent.X]\nmodel_routing = { router_name = "noop_router", bogus = 1 }\n',
    why: "an unknown key in an agent's model_routing is an error",
  },
  {
    toml: '[condenser]\ntype = "llm"\nllm_config = { model = 123 }\n',
    why: "an inline llm_config table has its value types checked",
  },
];

for (const { toml, why } of KNOWN_DISAGREEMENTS) {
  test(`the loader rejects what the schema rejects: ${why}`, {}, async () => {
    assert.equal(validate(parse(toml)), false);
    assert.equal(await loaderAccepts(toml), false);
  });
}
