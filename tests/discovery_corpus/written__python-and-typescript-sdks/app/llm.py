# Written for procurelint's tests: one call of each kind discovery knows in Python.
import os
import boto3
from openai import OpenAI, AzureOpenAI
from anthropic import Anthropic
import litellm
from langchain_openai import ChatOpenAI
from langchain_aws import ChatBedrockConverse

MODEL = "claude-sonnet-4-5-20250929"
client = OpenAI(base_url="https://openrouter.ai/api/v1")
plain = OpenAI()
claude = Anthropic()
bedrock = boto3.client("bedrock-runtime", region_name="us-west-2")
azure = AzureOpenAI(azure_endpoint="https://x.openai.azure.com")


class Agent:
    def __init__(self):
        self.client = Anthropic()

    def ask(self, text):
        # uses gpt-5 for now
        return self.client.messages.create(model=MODEL, max_tokens=10, messages=[])


def run():
    client.chat.completions.create(
        model="anthropic/claude-sonnet-4.6",
        messages=[],
        extra_body={"provider": {"data_collection": "deny", "allow_fallbacks": False}},
    )
    plain.chat.completions.create(model=os.environ.get("OPENAI_MODEL", "gpt-4o"), messages=[])
    claude.messages.create(model="claude-haiku-4-5", max_tokens=5, messages=[])
    bedrock.converse(modelId="us.anthropic.claude-sonnet-4-5-20250929-v1:0", messages=[])
    azure.chat.completions.create(model="prod-gpt4o", messages=[])
    litellm.completion(model="groq/llama-3.3-70b-versatile", messages=[])
    ChatOpenAI(model="gpt-5.4")
    ChatBedrockConverse(model="global.anthropic.claude-opus-4-6-v1")
    name = "x" + "y"
    plain.responses.create(model=name, input="hi")
