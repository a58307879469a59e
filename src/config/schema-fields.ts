/**
 * The field builders every section's schema shares: OpenHands' lax coercions (`"5"` is 5, `"true"` is
 * true) in front of zod's checks, so a value reads the same from TOML, the environment or a flag.
 */
import { z } from "zod";
import { toLaxBool, toLaxFloat, toLaxInt } from "./coerce.ts";

/** An integer, coerced laxly from strings and floats without a fraction. */
export const laxInt = () => z.preprocess(toLaxInt, z.int());
/** A number, coerced laxly from strings. */
export const laxFloat = () => z.preprocess(toLaxFloat, z.number());
/** An integer of at least `min` (0 included where 0 means "unset", as in OpenHands). */
export const intAtLeast = (min: number) => laxInt().pipe(z.int().min(min));
/** A float of at least `min`. */
export const floatAtLeast = (min: number) => laxFloat().pipe(z.number().min(min));
/** A float within `min`..`max`. */
export const floatBetween = (min: number, max: number) => laxFloat().pipe(z.number().min(min).max(max));
/** A boolean, coerced laxly from strings such as `"true"` and `"0"`. */
export const laxBool = () => z.preprocess(toLaxBool, z.boolean());
/** A table of strings (headers, environment variables). */
export const stringMap = () => z.record(z.string(), z.string());
/** A free-form table. */
export const anyMap = () => z.record(z.string(), z.unknown());
