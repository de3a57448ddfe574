// Written for procurelint's tests in the shape of a Next.js app on the Vercel AI SDK.
import { anthropic } from "@ai-sdk/anthropic";
import { google } from "@ai-sdk/google";
import { createOpenAI } from "@ai-sdk/openai";

const groq = createOpenAI({
  baseURL: "https://api.groq.com/openai/v1",
  apiKey: process.env.GROQ_API_KEY,
});

export const fast = groq("llama-3.3-70b-versatile");
export const smart = anthropic("claude-sonnet-4-5");
export const cheap = google("gemini-2.5-flash");
