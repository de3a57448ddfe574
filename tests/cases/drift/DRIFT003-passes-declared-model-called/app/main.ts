import { openai } from "@ai-sdk/openai";
import { generateText } from "ai";

export const run = () => generateText({ model: openai("gpt-5-mini"), prompt: "hi" });
