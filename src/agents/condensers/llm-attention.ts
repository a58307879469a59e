/**
 * `llm_attention` (OpenHands' LLMAttentionCondenser): when the history grows past `max_size` events,
 * the condenser's LLM ranks the events by importance for the next step (a JSON answer `{ "ids": [...] }`);
 * the head and the best-ranked events, about `max_size / 2` in all, are kept (with their whole
 * tool-call units), the rest forgotten. Ids the answer leaves out are filled from the most recent.
 */
import type { Condenser, CondenserConfigOf, CondenserLlm } from "./condenser.ts";
import { keepView } from "./condenser.ts";
import { describeEvent } from "./event-text.ts";
import { closeOverUnits, headLength, type View } from "./view.ts";

const INSTRUCTIONS = `Below are the events of a coding agent's conversation: its actions, their results and its
thoughts, each with an id. Sort the ids by how much the agent needs each event for the next step of
its task, most needed first. Answer with JSON: {"ids": [...]}.`;

const RANKING_SCHEMA = {
  type: "object",
  properties: { ids: { type: "array", items: { type: "integer" } } },
  required: ["ids"],
  additionalProperties: false,
};

/** The ids in a ranking answer, or [] when it is not one. */
export function parseRanking(text: string): number[] {
  try {
    const value: unknown = JSON.parse(text.replace(/^\s*```(?:json)?\s*|\s*```\s*$/g, ""));
    const ids = (value as { ids?: unknown } | null)?.ids;
    return Array.isArray(ids) ? ids.filter((id): id is number => Number.isInteger(id)) : [];
  } catch {
    return [];
  }
}

/** Positions to keep: the head, then ranked events, then the most recent, `keep` beyond the head. */
export function choosePositions(
  view: View,
  head: number,
  ranked: readonly number[],
  keep: number,
): Set<number> {
  const positionOf = new Map(view.map((event, position) => [event.index, position]));
  const chosen = new Set<number>();
  for (const id of ranked) {
    if (chosen.size >= keep) break;
    const position = positionOf.get(id);
    if (position !== undefined && position >= head) chosen.add(position);
  }
  for (let position = view.length - 1; position >= head && chosen.size < keep; position -= 1)
    chosen.add(position);
  for (let position = 0; position < head; position += 1) chosen.add(position);
  return closeOverUnits(view, chosen);
}

/** Creates an `llm_attention` condenser ranking with `ranker`. */
export function createLlmAttentionCondenser(
  config: CondenserConfigOf<"llm_attention">,
  ranker: CondenserLlm,
): Condenser {
  const condenser: Condenser = {
    type: "llm_attention",
    config,
    answersRequests: true,
    async condense(view, context) {
      if (view.length <= config.max_size && !context.requested) return keepView(view);
      const head = headLength(view, config.keep_first);
      let keep = Math.max(0, Math.floor(config.max_size / 2) - head);
      if (context.requested) keep = Math.min(keep, Math.floor((view.length - head) / 2));
      const candidates = view.slice(head);
      const listing = candidates
        .map((event) => `<ID>${event.index}</ID>\n<CONTENT>${describeEvent(event)}</CONTENT>`)
        .join("\n");
      const call = await ranker.llm.complete({
        messages: [{ role: "user", content: `${INSTRUCTIONS}\n\n${listing}` }],
        responseFormat: { type: "json", schema: RANKING_SCHEMA, name: "ImportantEventSelection" },
        signal: context.signal,
      });
      const kept = choosePositions(view, head, parseRanking(call.text), keep);
      const forgotten = view.filter((_, position) => !kept.has(position));
      if (forgotten.length === 0) return keepView(view);
      return { kind: "condensation", condenser, forgotten, call };
    },
  };
  return condenser;
}
