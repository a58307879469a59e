/**
 * `delegate`: runs another agent on a sub-task — with its own named LLM config, agent config and
 * metrics — and returns its final message as the observation. The run decides how (depth bound, caps).
 */
import { z } from "zod";
import { defineTool, ToolError } from "./tool.ts";

/** The delegation tool (OpenHands' `AgentDelegateAction`: `agent`, `task`). */
export const delegateTool = defineTool({
  name: "delegate",
  description:
    "Hands a sub-task to another agent (the agents available are listed in your instructions) and returns its final message. The other agent starts fresh: state the task completely, with every path and fact it needs.",
  parameters: z.object({
    agent: z.string().describe("Name of the agent to delegate to."),
    task: z.string().describe("The complete sub-task for that agent."),
  }),
  async execute({ agent, task }, context) {
    if (context.delegate === undefined) throw new ToolError("Delegation is not available to this agent.");
    return context.delegate(agent, task);
  },
});
