/**
 * Reads a file the configuration depends on (config.toml, .env) without ever hanging: only a regular
 * file of bounded size is read. A FIFO, a device such as /dev/zero or a socket is refused before a
 * byte is read, since reading one may never end.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";

/** The largest config file read, in bytes (64 MiB): far above any real config, far below exhausting memory. */
export const MAX_CONFIG_FILE_BYTES = 64 * 1024 * 1024;

/** Why a file was not read: the errno code, or what kind of file it is instead of a regular one. */
export class UnreadableFileError extends Error {
  override name = "UnreadableFileError";
  constructor(
    /** `ENOENT`, `EACCES`, `EISDIR`, `not-regular` or `too-large`. */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The bytes of a regular file of at most `maxBytes`; throws `UnreadableFileError` otherwise.
 * @example readRegularFile("config.toml").toString("utf8")
 */
export function readRegularFile(file: string, maxBytes = MAX_CONFIG_FILE_BYTES): Buffer {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO with no writer would otherwise block right here, before any check.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
    throw new UnreadableFileError(
      code,
      code === "EISDIR" ? "is a directory, not a file" : `cannot be read (${code})`,
    );
  }
  try {
    // fstat of the open descriptor, so the file checked is the file read.
    const stats = fstatSync(fd);
    if (stats.isDirectory()) throw new UnreadableFileError("EISDIR", "is a directory, not a file");
    if (!stats.isFile()) {
      throw new UnreadableFileError(
        "not-regular",
        `is ${describeKind(stats)}, not a regular file; give the path of a file`,
      );
    }
    if (stats.size > maxBytes) {
      throw new UnreadableFileError(
        "too-large",
        `is ${stats.size} bytes, larger than the ${maxBytes} bytes a config file may have`,
      );
    }
    const buffer = Buffer.alloc(stats.size);
    let read = 0;
    while (read < buffer.length) {
      const count = readSync(fd, buffer, read, buffer.length - read, read);
      if (count === 0) break;
      read += count;
    }
    return buffer.subarray(0, read);
  } catch (error) {
    if (error instanceof UnreadableFileError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
    throw new UnreadableFileError(code, `cannot be read (${code})`);
  } finally {
    closeSync(fd);
  }
}

function describeKind(stats: ReturnType<typeof fstatSync>): string {
  if (stats.isFIFO()) return "a named pipe (FIFO)";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  if (stats.isSocket()) return "a socket";
  return "not a regular file";
}
