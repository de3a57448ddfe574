"""An internal assistant on Azure OpenAI (written for procurelint's tests)."""
import os

from langchain_openai import AzureChatOpenAI
from openai import AzureOpenAI

client = AzureOpenAI(
    azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
    api_version="2024-10-21",
)

DEPLOYMENT = os.environ["AZURE_OPENAI_DEPLOYMENT"]


def answer(question: str) -> str:
    result = client.chat.completions.create(
        model=DEPLOYMENT,
        messages=[{"role": "user", "content": question}],
    )
    return result.choices[0].message.content


def embed(text: str) -> list[float]:
    return client.embeddings.create(model="embeddings-prod", input=text).data[0].embedding


router_llm = AzureChatOpenAI(azure_deployment="router-small", api_version="2024-10-21")
