import OpenAI from "openai";

describe("the guide's example", () => {
  it("names a model", async () => {
    const client = new OpenAI({ apiKey: "test" });
    await client.chat.completions.create({ model: "gpt-5-mini", messages: [] });
  });
});
