import { openai } from "@ai-sdk/openai";

test("the route uses a chat model", () => {
  expect(openai("gpt-5").modelId).toBe("gpt-5");
});
