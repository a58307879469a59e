/**
 * The workspace path guard: every path a file tool touches is resolved against the workspace and must
 * stay inside it — after `..` segments, for absolute paths, and after following symlinks (realpath).
 */
import { realpathSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";

/** A path outside the workspace, refused with the reason the agent sees as its observation. */
export class WorkspaceEscapeError extends Error {
  override name = "WorkspaceEscapeError";
}

/** The directory an agent works in; `root` is its real path (symlinks resolved). */
export interface Workspace {
  readonly root: string;
  /**
   * The real absolute path of `path` (relative to the root, or absolute inside it). A path that does not
   * exist yet is checked through its nearest existing parent, so `create` cannot escape through a
   * symlinked directory either. Throws `WorkspaceEscapeError` for anything outside.
   */
  resolvePath(path: string): string;
  /** `path` relative to the root, for observations (`.` for the root itself). */
  display(absolutePath: string): string;
}

function isInside(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

/** The real path of the longest existing prefix of `path`, with the missing rest appended. */
function realPathOfNearest(path: string): string {
  const missing: string[] = [];
  let current = path;
  for (;;) {
    try {
      return resolve(realpathSync(current), ...missing.reverse());
    } catch {
      const parent = dirname(current);
      if (parent === current) return path;
      missing.push(current.slice(parent.length).replace(/^[\\/]+/, ""));
      current = parent;
    }
  }
}

/**
 * Creates the guard for a workspace directory (which must exist).
 * @example
 * const workspace = createWorkspace("/home/me/repo");
 * workspace.resolvePath("src/index.ts"); // "/home/me/repo/src/index.ts"
 * workspace.resolvePath("../etc/passwd"); // throws WorkspaceEscapeError
 */
export function createWorkspace(directory: string): Workspace {
  const root = realpathSync(directory);
  return {
    root,
    resolvePath(path) {
      if (path.includes("\0")) throw new WorkspaceEscapeError(`invalid path ${JSON.stringify(path)}`);
      const lexical = resolve(root, path);
      if (!isInside(root, lexical)) {
        throw new WorkspaceEscapeError(
          `${path} is outside the workspace ${root}; use a path inside it (relative paths are resolved against it)`,
        );
      }
      const real = realPathOfNearest(lexical);
      if (!isInside(root, real)) {
        throw new WorkspaceEscapeError(
          `${path} leads outside the workspace ${root} through a symbolic link (to ${real}); refused`,
        );
      }
      return real;
    },
    display(absolutePath) {
      return relative(root, absolutePath) || ".";
    },
  };
}
