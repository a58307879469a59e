/** `think`: a place for the model to reason; nothing happens and the observation says so. */
import { z } from "zod";
import { defineTool } from "./tool.ts";

/** OpenHands' `think` tool. */
export const thinkTool = defineTool({
  name: "think",
  description:
    "Use the tool to think about something. It will not obtain new information or make any changes; it just logs the thought. Use it for complex reasoning or planning.",
  parameters: z.object({ thought: z.string().describe("The thought to log.") }),
  async execute() {
    return "Your thought has been logged.";
  },
});
