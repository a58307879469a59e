/** `[condenser]` and the `condenser` field of an agent: how history is shortened. */
import { z } from "zod";
import { toRecord } from "./records.ts";
import { anyMap, laxInt } from "./schema-fields.ts";

const condenserLlm = z
  .union([z.string(), anyMap()])
  .describe("Name of an LLM config, or an inline LLM config table.");
const keepFirst = () =>
  laxInt()
    .pipe(z.int().min(0))
    .default(1)
    .describe(
      "Events at the start of history always kept, the system prompt first (the task is always kept).",
    );
const maxSize = () =>
  laxInt().pipe(z.int().min(2)).default(100).describe("History size (events) that triggers condensation.");
const maxEventLength = () =>
  laxInt().default(10000).describe("Longer events are truncated before they are summarized.");
const attentionWindow = (fallback: number) =>
  laxInt()
    .pipe(z.int().min(1))
    .default(fallback)
    .describe("Most recent events whose observations are kept whole.");

/** Every condenser type but `pipeline`: what a pipeline's entries may be. */
const leafCondenserVariants = [
  z.strictObject({ type: z.literal("noop").describe("Keep the full history.") }),
  z.strictObject({
    type: z.literal("conversation_window").describe("Drop the oldest events when the context is full."),
  }),
  z.strictObject({
    type: z.literal("observation_masking").describe("Mask observations older than the attention window."),
    attention_window: attentionWindow(100),
  }),
  z.looseObject({
    type: z
      .literal("browser_output_masking")
      .describe("Mask browser output older than the attention window."),
    attention_window: attentionWindow(1),
  }),
  z.strictObject({
    type: z.literal("recent").describe("Keep only the first and the most recent events."),
    keep_first: keepFirst(),
    max_events: laxInt().pipe(z.int().min(1)).default(100).describe("Most recent events kept."),
  }),
  z.strictObject({
    type: z.literal("llm").describe("Summarize forgotten events with an LLM."),
    llm_config: condenserLlm,
    keep_first: keepFirst(),
    max_size: maxSize(),
    max_event_length: maxEventLength(),
  }),
  z.strictObject({
    type: z.literal("amortized").describe("Forget the middle half of history when it grows too long."),
    max_size: maxSize(),
    keep_first: keepFirst(),
  }),
  z.strictObject({
    type: z.literal("llm_attention").describe("Let an LLM choose which events to keep."),
    llm_config: condenserLlm,
    max_size: maxSize(),
    keep_first: keepFirst(),
  }),
  z.strictObject({
    type: z.literal("structured").describe("Summarize forgotten events into a structured state with an LLM."),
    llm_config: condenserLlm,
    keep_first: keepFirst(),
    max_size: maxSize(),
    max_event_length: maxEventLength(),
  }),
] as const;

const condenserVariants = [
  ...leafCondenserVariants,
  z.strictObject({
    type: z.literal("pipeline").describe("Apply several condensers in turn."),
    condensers: z
      .array(z.discriminatedUnion("type", leafCondenserVariants))
      .default([])
      .describe("The condensers to apply, in order: each a condenser table with its `type`."),
  }),
] as const;

/** Every condenser type, keyed by its `type`. */
export const condenserSchemas: Readonly<Record<string, z.ZodObject>> = toRecord(
  condenserVariants.map((schema) => [schema.shape.type.value, schema] as const),
);

/** A condenser config: a union discriminated by `type`. */
export const condenserSchema = z.discriminatedUnion("type", condenserVariants);
