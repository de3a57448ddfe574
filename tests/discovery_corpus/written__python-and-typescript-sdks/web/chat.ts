// Written for procurelint's tests: one call of each kind discovery knows in TypeScript.
import OpenAI from "openai";
import { openai, createOpenAI } from "@ai-sdk/openai";
import { anthropic } from "@ai-sdk/anthropic";
import { generateText } from "ai";
import { BedrockRuntimeClient, ConverseCommand } from "@aws-sdk/client-bedrock-runtime";
import { ChatAnthropic } from "@langchain/anthropic";

const MODEL = "gpt-5-mini";
const client = new OpenAI({ baseURL: "https://api.deepseek.com" });
const router = createOpenAI({ baseURL: process.env.ROUTER_URL });

export async function go() {
  await client.chat.completions.create({ model: "deepseek-chat", messages: [] });
  await generateText({ model: openai(MODEL), prompt: "x" });
  await generateText({ model: anthropic("claude-sonnet-4-6"), prompt: "x" });
  await generateText({ model: router("anthropic/claude-opus-4.6"), prompt: "x" });
  await generateText({ model: "openai/gpt-5", prompt: "x" });
  const br = new BedrockRuntimeClient({ region: "us-east-1" });
  await br.send(new ConverseCommand({ modelId: "eu.anthropic.claude-sonnet-4-5-20250929-v1:0", messages: [] }));
  const m = new ChatAnthropic({ model: process.env.OPENAI_MODEL });
  // "gpt-5.4" in a comment
}
