"""Summarise support tickets with Claude on Amazon Bedrock (written for procurelint's tests)."""
import json
import os

import boto3
from langchain_aws import ChatBedrockConverse

MODEL_ID = "anthropic.claude-3-7-sonnet-20250219-v1:0"
REGION = os.environ.get("AWS_REGION", "us-west-2")

session = boto3.Session()
runtime = session.client("bedrock-runtime", region_name="us-west-2")


def summarise(ticket: str) -> str:
    response = runtime.converse(
        modelId=MODEL_ID,
        messages=[{"role": "user", "content": [{"text": ticket}]}],
        inferenceConfig={"maxTokens": 512},
    )
    return response["output"]["message"]["content"][0]["text"]


def classify(ticket: str) -> dict:
    body = json.dumps({"anthropic_version": "bedrock-2023-05-31", "max_tokens": 64,
                       "messages": [{"role": "user", "content": ticket}]})
    response = runtime.invoke_model(
        modelId=os.environ.get("CLASSIFIER_MODEL_ID", "us.anthropic.claude-haiku-4-5-20251001-v1:0"),
        body=body,
    )
    return json.loads(response["body"].read())


# The agent framework variant: a global inference profile.
agent_llm = ChatBedrockConverse(model="global.anthropic.claude-opus-4-6-v1", region_name=REGION)
