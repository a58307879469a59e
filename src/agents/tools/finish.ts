/** `finish`: the agent is done; its message is the agent's final answer (to the user or the delegator). */
import { z } from "zod";
import { defineTool } from "./tool.ts";

/** OpenHands' `finish` tool. */
export const finishTool = defineTool({
  name: "finish",
  description:
    "Signals that the task is complete. Give a concise summary of what was done (or the answer asked for) in `message`.",
  parameters: z.object({ message: z.string().describe("Final message: the result, summary or answer.") }),
  finishes: true,
  async execute({ message }) {
    return message;
  },
});
