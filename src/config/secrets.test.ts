import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  findSecretValues,
  formatMaskedValue,
  isCredentialName,
  isSecretPath,
  MASK,
  maskSecrets,
  redactSecrets,
} from "./secrets.ts";

const SECRET = "sk-unit-secret-4242";

describe("maskSecrets", () => {
  const cases: [string, unknown, readonly (string | number)[], unknown][] = [
    ["a declared secret field", { api_key: SECRET, model: "m" }, [], { api_key: MASK, model: "m" }],
    [
      "a declared secret deep inside any value",
      { a: [{ b: { api_key: SECRET } }] },
      [],
      { a: [{ b: { api_key: MASK } }] },
    ],
    ["an unset secret stays null", { api_key: null }, [], { api_key: null }],
    ["an empty secret stays empty, so it never looks set", { api_key: "" }, [], { api_key: "" }],
    [
      "an Authorization header in completion_kwargs",
      { completion_kwargs: { extra_headers: { Authorization: `Bearer ${SECRET}`, "X-Trace": "1" } } },
      ["llm"],
      { completion_kwargs: { extra_headers: { Authorization: MASK, "X-Trace": "1" } } },
    ],
    [
      "a webhook header map, whatever the header is called, when the value is a bearer credential",
      { file_store_web_hook_headers: { "X-Auth": `Bearer ${SECRET}`, Accept: "json" } },
      ["core"],
      { file_store_web_hook_headers: { "X-Auth": MASK, Accept: "json" } },
    ],
    [
      "a stdio MCP server's env credential, and its --token argument",
      {
        stdio_servers: [
          { name: "gh", args: ["--token", SECRET, "-v"], env: { GITHUB_TOKEN: SECRET, DEBUG: "1" } },
        ],
      },
      ["mcp"],
      {
        stdio_servers: [
          { name: "gh", args: ["--token", MASK, "-v"], env: { GITHUB_TOKEN: MASK, DEBUG: "1" } },
        ],
      },
    ],
    [
      "an --api-key=… argument",
      { args: [`--api-key=${SECRET}`] },
      ["mcp", "stdio_servers", 0],
      { args: [`--api-key=${MASK}`] },
    ],
    [
      "credential-named keys of MCP entries in any spelling",
      [{ url: "http://h", apikey: SECRET, Password: SECRET }],
      ["mcp", "sse_servers"],
      [{ url: "http://h", apikey: MASK, Password: MASK }],
    ],
    [
      "a whole env string that assigns a credential",
      "GITHUB_TOKEN=ghp_x,FOO=bar",
      ["mcp", "stdio_servers", 0, "env"],
      MASK,
    ],
    [
      "a URL's password",
      { base_url: `https://user:${SECRET}@proxy.example/v1` },
      ["llm"],
      { base_url: `https://user:${MASK}@proxy.example/v1` },
    ],
    [
      "a credential in a URL's query",
      { url: `https://h.example/sse?api_key=${SECRET}&x=1` },
      ["mcp", "sse_servers", 0],
      { url: `https://h.example/sse?api_key=${MASK}&x=1` },
    ],
    [
      "token counts in completion_kwargs are no credentials",
      { completion_kwargs: { max_tokens: 100, top_k: 3 } },
      ["llm"],
      { completion_kwargs: { max_tokens: 100, top_k: 3 } },
    ],
    [
      "credential-like names outside header/env maps are plain fields",
      { node_selector_key: "zone", image_pull_secret: "regcred", max_output_tokens: 5 },
      ["kubernetes"],
      { node_selector_key: "zone", image_pull_secret: "regcred", max_output_tokens: 5 },
    ],
    [
      "[extended] is the user's free-form table, shown as written",
      { token: SECRET, api_key: SECRET },
      ["extended"],
      { token: SECRET, api_key: SECRET },
    ],
  ];
  for (const [name, value, path, expected] of cases) {
    test(`masks ${name}`, () => {
      assert.deepEqual(maskSecrets(value, path), expected);
    });
  }

  test("masks [extended] only as a top-level section, not a config that happens to be called extended", () => {
    const shown = maskSecrets({ extended: { note: "x" }, llms: { extended: { api_key: SECRET } } });
    assert.deepEqual(shown, { extended: { note: "x" }, llms: { extended: { api_key: MASK } } });
  });

  test("leaves the input untouched", () => {
    const value = { api_key: SECRET };
    maskSecrets(value);
    assert.equal(value.api_key, SECRET);
  });
});

describe("isSecretPath and isCredentialName", () => {
  test("a credential name is *key*, *token*, *secret*, *password* or authorization, in any case", () => {
    for (const name of [
      "api_key",
      "APIKEY",
      "x-api-key",
      "GITHUB_TOKEN",
      "client_secret",
      "PASSWORD",
      "Authorization",
    ])
      assert.ok(isCredentialName(name), name);
    for (const name of ["url", "max_tokens", "name", "timeout"]) assert.ok(!isCredentialName(name), name);
  });

  test("a declared secret is secret anywhere; a credential name only inside a header, env or MCP map", () => {
    assert.ok(isSecretPath(["llm", "api_key"]));
    assert.ok(isSecretPath(["agent", "condenser", "llm_config", "api_key"]));
    assert.ok(isSecretPath(["mcp", "stdio_servers", 0, "env", "GITHUB_TOKEN"]));
    assert.ok(isSecretPath(["core", "file_store_web_hook_headers", "authorization"]));
    assert.ok(!isSecretPath(["kubernetes", "node_selector_key"]));
    assert.ok(!isSecretPath(["extended", "api_key"]));
  });
});

describe("findSecretValues", () => {
  test("lists every value maskSecrets hides, a bearer credential both whole and bare", () => {
    const found = findSecretValues(
      {
        api_key: "sk-declared",
        completion_kwargs: { extra_headers: { Authorization: `Bearer ${SECRET}` } },
        base_url: "https://u:url-password@h.example",
      },
      ["llm"],
    );
    assert.deepEqual(new Set(found), new Set(["sk-declared", `Bearer ${SECRET}`, SECRET, "url-password"]));
  });

  test("finds nothing in a config without secrets", () => {
    assert.deepEqual(findSecretValues({ model: "gpt-4o", api_key: null }, ["llm"]), []);
  });
});

describe("formatMaskedValue", () => {
  test("shows a value as JSON with its secrets masked", () => {
    assert.equal(
      formatMaskedValue({ url: "http://x", api_key: SECRET }, ["mcp", "sse_servers"]),
      `{"url":"http://x","api_key":"${MASK}"}`,
    );
  });

  test("cuts long values after masking, so no half secret is left", () => {
    const text = formatMaskedValue({ filler: "x".repeat(40), api_key: SECRET }, [], 60);
    assert.equal(text.length, 60);
    assert.ok(!text.includes("sk-unit"));
  });
});

describe("redactSecrets", () => {
  test("replaces every occurrence, a longer secret before one it contains", () => {
    assert.equal(redactSecrets(`a ${SECRET} b ${SECRET}-x`, [SECRET, `${SECRET}-x`]), `a ${MASK} b ${MASK}`);
  });

  test("leaves values shorter than four characters alone", () => {
    assert.equal(redactSecrets("a b c", ["a"]), "a b c");
  });
});
