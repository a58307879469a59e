/**
 * The last line of defence against orphaned MCP servers: the process groups of servers still running
 * are killed when llmconf exits by any path (a second Ctrl-C's `process.exit`, an uncaught error), since
 * a server in its own group would otherwise outlive it. Normal runs close their servers before this.
 */

const groups = new Set<number>();
let installed = false;

function killAll(): void {
  for (const pid of groups) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // ESRCH: gone already.
    }
  }
  groups.clear();
}

/** The process groups to kill at exit: add a server's pid when it starts, delete it when it has ended. */
export const killGroupsAtExit = {
  add(pid: number): void {
    if (!installed) {
      // `exit` listeners run synchronously on every exit path, so the kill cannot be skipped.
      process.on("exit", killAll);
      installed = true;
    }
    groups.add(pid);
  },
  delete(pid: number): void {
    groups.delete(pid);
  },
};
