// Written for procurelint's tests: the same through the OpenAI Node SDK.
import OpenAI from "openai";

const openrouter = new OpenAI({
  baseURL: "https://openrouter.ai/api/v1",
  apiKey: process.env.OPENROUTER_API_KEY,
});

export async function ask(question: string) {
  const reply = await openrouter.chat.completions.create({
    model: "moonshotai/kimi-k2.5",
    messages: [{ role: "user", content: question }],
    provider: { only: ["moonshotai"], allow_fallbacks: false },
  } as any);
  return reply.choices[0].message.content;
}
