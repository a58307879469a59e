import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { Ajv } from "ajv";
import { parse } from "smol-toml";
import { formatConfigReference } from "./docs.ts";
import { ConfigError } from "./issues.ts";
import { createConfigJsonSchema, formatJsonSchema } from "./json-schema.ts";
import { loadConfig } from "./load.ts";

const root = new URL("../../", import.meta.url);
const schema = createConfigJsonSchema();
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);

function tomlFiles(directory: URL): string[] {
  return readdirSync(directory)
    .filter((name) => name.endsWith(".toml"))
    .map((name) => new URL(name, directory).pathname);
}

async function loads(file: string): Promise<boolean> {
  try {
    await loadConfig({
      configFile: file,
      env: {},
      userFiles: false,
      cwd: mkdtempSync(join(tmpdir(), "llmconf-")),
    });
    return true;
  } catch (error) {
    if (error instanceof ConfigError) return false;
    throw error;
  }
}

describe("config.schema.json", () => {
  test("the committed config.schema.json is what scripts/generate-docs.ts writes", () => {
    const committed = readFileSync(new URL("config.schema.json", root), "utf8");
    assert.equal(
      committed,
      formatJsonSchema(schema),
      "stale: run node --import tsx scripts/generate-docs.ts",
    );
  });

  test("the committed docs/config.md is what scripts/generate-docs.ts writes", () => {
    const committed = readFileSync(new URL("docs/config.md", root), "utf8");
    assert.equal(
      committed,
      formatConfigReference(schema),
      "stale: run node --import tsx scripts/generate-docs.ts",
    );
  });

  test("is a draft-07 schema that rejects unknown sections and names every section", () => {
    assert.equal(schema.$schema, "http://json-schema.org/draft-07/schema#");
    assert.equal(schema.additionalProperties, false);
    assert.deepEqual(Object.keys(schema.properties as object), [
      "core",
      "llm",
      "agent",
      "condenser",
      "security",
      "model_routing",
      "sandbox",
      "mcp",
      "kubernetes",
      "extended",
      "gateway",
    ]);
  });

  test("gives every field its declared type, default and description, also for lax-coerced fields", () => {
    const llm = (schema.properties as Record<string, { properties: Record<string, unknown> }>).llm;
    assert.deepEqual(llm?.properties.num_retries, {
      default: 5,
      description: "Total attempts per call, the first included.",
      minimum: 0,
      type: "integer",
    });
    assert.deepEqual(llm?.properties.temperature, {
      default: 0,
      description: "Sampling temperature.",
      maximum: 2,
      minimum: 0,
      type: "number",
    });
    assert.deepEqual(llm?.properties.drop_params, {
      default: true,
      description: "Drop parameters the model does not accept instead of failing.",
      type: "boolean",
    });
    assert.deepEqual(llm?.properties.top_k, {
      description: "Top-k sampling (sent only when set).",
      minimum: 0,
      type: "number",
    });
  });

  test("describes named sections as additionalProperties of [llm] and [agent] with the field schema", () => {
    const properties = schema.properties as Record<string, Record<string, unknown>>;
    assert.deepEqual(properties.llm?.additionalProperties, { $ref: "#/definitions/llm" });
    assert.deepEqual(properties.agent?.additionalProperties, { $ref: "#/definitions/agent" });
    const definitions = schema.definitions as Record<string, Record<string, unknown>>;
    assert.equal(definitions.llm?.additionalProperties, false);
    assert.deepEqual(
      Object.keys(definitions.llm?.properties as object),
      Object.keys(properties.llm?.properties as object),
    );
  });

  test("leaves out defaults that depend on the machine, so the committed file is the same everywhere", () => {
    const sandbox = (schema.properties as Record<string, { properties: Record<string, object> }>).sandbox;
    assert.equal("default" in (sandbox?.properties.user_id ?? {}), false);
  });
});

describe("validating config files against the schema", () => {
  for (const file of tomlFiles(new URL("examples/", root))) {
    test(`the example ${file.split("/").pop()} validates and loads`, async () => {
      const valid = validate(parse(readFileSync(file, "utf8")));
      assert.equal(valid, true, JSON.stringify(validate.errors, null, 2));
      assert.equal(await loads(file), true);
    });
  }

  for (const file of tomlFiles(new URL("test/fixtures/schema/", root))) {
    const name = file.split("/").pop() ?? file;
    const expected = name.startsWith("valid-");
    test(`the fixture ${name} is ${expected ? "accepted" : "rejected"} by the schema and by the loader`, async () => {
      const valid = validate(parse(readFileSync(file, "utf8")));
      assert.equal(valid, expected, JSON.stringify(validate.errors, null, 2));
      assert.equal(await loads(file), expected);
    });
  }

  test("an unknown key is reported at its path", () => {
    assert.equal(validate(parse('[llm.fast]\nmodel = "x"\ntemprature = 1\n')), false);
    assert.ok(
      validate.errors?.some(
        (error) => error.instancePath === "/llm/fast" && error.params.additionalProperty === "temprature",
      ),
    );
  });

  test("a file written for the schema can still be loaded after writing it to disk", async () => {
    const directory = mkdtempSync(join(tmpdir(), "llmconf-"));
    const file = join(directory, "config.toml");
    writeFileSync(file, '[llm]\nmodel = "gpt-4o"\n[condenser]\n');
    assert.equal(validate(parse(readFileSync(file, "utf8"))), true);
    assert.equal(await loads(file), true);
  });
});
