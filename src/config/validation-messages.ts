/**
 * Validation problems in the words of this project, not of the validation library: "expected a
 * table", "must be at least 1". Nothing zod says reaches a user verbatim.
 */
import type { z } from "zod";

const TYPE_NAMES: Readonly<Record<string, string>> = {
  record: "a table",
  object: "a table",
  map: "a table",
  array: "an array",
  tuple: "an array",
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "a boolean (true or false)",
  bigint: "an integer",
  date: "a date",
  null: "nothing",
};

/** Issue fields zod sets on some codes; read defensively, as zod's issue union is wide. */
interface IssueFields {
  code: string;
  message: string;
  expected?: string;
  received?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  origin?: string;
  values?: readonly unknown[];
  options?: readonly unknown[];
  format?: string;
  note?: string;
}

/**
 * One validation problem as a lower-case phrase (`expected a table`, `must be at most 3600`); messages
 * the schema wrote itself (refinements, patterns with a message) are kept.
 * @example describeProblem({ code: "invalid_type", expected: "record", message: "…" }) // "expected a table"
 */
export function describeProblem(issue: z.core.$ZodIssue): string {
  const fields = issue as unknown as IssueFields;
  switch (fields.code) {
    case "invalid_type": {
      if (fields.received === "NaN") return "expected a number, not nan";
      if (fields.received === "Infinity") return "expected a finite number, not inf";
      if (fields.received === "-Infinity") return "expected a finite number, not -inf";
      return `expected ${TYPE_NAMES[fields.expected ?? ""] ?? fields.expected ?? "another type"}`;
    }
    case "too_small":
    case "too_big": {
      const small = fields.code === "too_small";
      const bound = small ? fields.minimum : fields.maximum;
      if (fields.origin === "array")
        return `must have ${small ? "at least" : "at most"} ${bound} item${bound === 1 ? "" : "s"}`;
      if (fields.origin === "string")
        return `must be ${small ? "at least" : "at most"} ${bound} character${bound === 1 ? "" : "s"} long`;
      if (!small && fields.origin === "int" && bound === Number.MAX_SAFE_INTEGER)
        return "is too large (above 2^53)";
      const relation = small
        ? fields.inclusive === false
          ? "greater than"
          : "at least"
        : fields.inclusive === false
          ? "less than"
          : "at most";
      return `must be ${relation} ${bound}`;
    }
    case "invalid_value":
      return `expected ${(fields.values ?? []).map((value) => JSON.stringify(value)).join(" or ")}`;
    case "invalid_union":
      return fields.options
        ? `expected one of ${fields.options.map((value) => JSON.stringify(value)).join(", ")}`
        : "is not any of the accepted forms";
    case "invalid_format":
      return fields.message.startsWith("Invalid")
        ? `does not have the expected ${fields.format ?? "form"}`
        : fields.message;
    case "not_multiple_of":
      return "is not an allowed step";
    case "unrecognized_keys":
      return "has keys it does not know";
    case "invalid_key":
      return "has an invalid key";
    case "invalid_element":
      return "has an invalid entry";
    default:
      return lowerFirst(fields.message);
  }
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
