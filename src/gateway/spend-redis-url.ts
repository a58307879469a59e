/**
 * How a Redis URL may be shown (notices, errors): everything between the scheme and the host's `@`,
 * user and password, masked, even when a password holds an unencoded `@` or `/`.
 */
import { MASK } from "../config/secrets.ts";

/**
 * The URL with its credentials masked.
 * @example describeRedisUrl("redis://:hunter2@cache:6379/1") // "redis://**********@cache:6379/1"
 */
export function describeRedisUrl(url: string): string {
  const scheme = url.indexOf("://");
  const at = url.lastIndexOf("@");
  if (scheme < 0 || at < scheme) return url;
  return `${url.slice(0, scheme + 3)}${MASK}${url.slice(at)}`;
}
