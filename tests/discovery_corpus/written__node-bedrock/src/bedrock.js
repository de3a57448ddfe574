// Written for procurelint's tests in the shape of the AWS SDK for JavaScript Bedrock examples.
const {
  BedrockRuntimeClient,
  ConverseCommand,
  InvokeModelCommand,
} = require("@aws-sdk/client-bedrock-runtime");

const client = new BedrockRuntimeClient({ region: "eu-central-1" });

async function converse(prompt) {
  const command = new ConverseCommand({
    modelId: "eu.anthropic.claude-sonnet-4-5-20250929-v1:0",
    messages: [{ role: "user", content: [{ text: prompt }] }],
  });
  return client.send(command);
}

async function invoke(prompt) {
  const command = new InvokeModelCommand({
    modelId: process.env.BEDROCK_MODEL ?? "meta.llama3-3-70b-instruct-v1:0",
    body: JSON.stringify({ prompt, max_gen_len: 512 }),
  });
  return client.send(command);
}

module.exports = { converse, invoke };
