/**
 * What a condenser is to the agent loop: given the view of an agent's conversation, it returns the view
 * to send (masked or cut, recomputed every step), or a condensation — events forgotten for good, and a
 * summary of them when the condenser writes one. OpenHands' two kinds map onto these: its plain
 * condensers return views, its rolling ones (`llm`, `amortized`, ...) return condensations.
 */
import type { ResolvedCondenserConfig } from "../../config/schema.ts";
import type { Completion, Llm } from "../../llm/client.ts";
import type { View, ViewEvent } from "./view.ts";

/** The condenser config of one type. */
export type CondenserConfigOf<Type extends ResolvedCondenserConfig["type"]> = Extract<
  ResolvedCondenserConfig,
  { type: Type }
>;

/** A condenser's own LLM (a summariser), from its `llm_config`: the client and the name it bills under. */
export interface CondenserLlm {
  /** The named config (or `condenser (inline)` for an inline table). */
  readonly llmConfig: string;
  readonly llm: Llm;
}

/** Events forgotten for good, and what stands in for them. */
export interface Condensation {
  readonly kind: "condensation";
  /** The condenser that decided (in a pipeline, the member). */
  readonly condenser: Condenser;
  readonly forgotten: readonly ViewEvent[];
  /** The new summary of everything forgotten so far; undefined keeps the previous one. */
  readonly summary?: string | undefined;
  /** Where the summary goes in the view: right after the head. */
  readonly summaryOffset?: number | undefined;
  /** The summariser's call, when there was one. */
  readonly call?: Completion | undefined;
}

/** The view to send this step. */
export interface ViewResult {
  readonly kind: "view";
  readonly view: View;
}

/** What a condenser returns. */
export type CondenseResult = ViewResult | Condensation;

/** What a condenser is told besides the view. */
export interface CondenseContext {
  /**
   * The provider answered that the prompt is too long: a condenser that can shorten the history does
   * so now, whatever its size threshold (OpenHands' condensation request).
   */
  readonly requested: boolean;
  readonly signal?: AbortSignal | undefined;
}

/** A condenser of one configured type. */
export interface Condenser {
  readonly type: ResolvedCondenserConfig["type"];
  readonly config: Readonly<ResolvedCondenserConfig>;
  /** Whether it can shorten a history when asked to (a context-too-long answer). */
  readonly answersRequests: boolean;
  condense(view: View, context: CondenseContext): Promise<CondenseResult>;
}

/** A view result. */
export function keepView(view: View): ViewResult {
  return { kind: "view", view };
}
