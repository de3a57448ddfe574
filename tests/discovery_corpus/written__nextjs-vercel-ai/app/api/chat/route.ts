import { openai } from "@ai-sdk/openai";
import { streamText } from "ai";

const CHAT_MODEL = process.env.CHAT_MODEL ?? "gpt-5-mini";

export async function POST(req: Request) {
  const { messages } = await req.json();
  const result = streamText({
    model: openai(CHAT_MODEL),
    messages,
  });
  return result.toDataStreamResponse();
}
