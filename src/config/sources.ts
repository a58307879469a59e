/** Where each configured value came from: the data behind `config explain` and located errors. */
import { describeIssue, severityOf } from "./describe-issue.ts";
import type { IssueCode, IssueFact } from "./issues.ts";

/** The origin of one resolved value. */
export type ValueSource =
  | { kind: "default" }
  | { kind: "derived"; rule: string }
  | {
      kind: "file";
      file: string;
      /** Section in TOML spelling, e.g. `llm.gpt3`. */
      section: string;
      /** Key path inside the file, e.g. `["llm", "gpt3", "model"]`. */
      path: readonly (string | number)[];
      /** The `${VAR}` text as written, when the value referenced the environment. */
      reference?: string;
      /** Variables the reference needs that are unset: the value is kept as written and its config cannot be used (H8). */
      unset?: readonly string[];
    }
  | { kind: "env"; env: string }
  | { kind: "cli"; flag: string };

/** A value as assigned by one layer, before validation. */
export interface Assigned {
  value: unknown;
  source: ValueSource;
}

/** Keys of one section (or named section) as assigned across layers; the last layer wins. */
export type Assignments = Map<string, Assigned>;

/** A problem found before locations are known: `path` is looked up in `file` afterwards. */
export interface PendingIssue {
  severity: "error" | "warning";
  code: IssueCode;
  message: string;
  file: string;
  path: readonly (string | number)[];
  section: string | null;
  key: string | null;
  suggestion: string | null;
}

/** Where a pending issue about an assigned value points: its file and key path, or its variable/flag. */
export function issueOrigin(source: ValueSource): IssueOrigin {
  if (source.kind === "file") return { file: source.file, path: source.path };
  if (source.kind === "env") return { file: `<env ${source.env}>`, path: [] };
  if (source.kind === "cli") return { file: `<cli ${source.flag}>`, path: [] };
  return { file: "<defaults>", path: [] };
}

/** Where a pending issue points before positions are known: a file (or `<env …>`) and a key path. */
export interface IssueOrigin {
  file: string;
  path: readonly (string | number)[];
}

/** A pending issue stating a fact at an origin, as serious as `severityOf` says. */
export function pendingIssue(fact: IssueFact, origin: IssueOrigin): PendingIssue {
  return {
    severity: severityOf(fact),
    code: fact.code,
    message: describeIssue(fact),
    file: origin.file,
    path: origin.path,
    section: fact.section,
    key: fact.key,
    suggestion: fact.suggestion ?? null,
  };
}
