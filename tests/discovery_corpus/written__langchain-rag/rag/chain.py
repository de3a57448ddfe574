"""A retrieval chain with LangChain (written for procurelint's tests)."""
from langchain.chat_models import init_chat_model
from langchain_anthropic import ChatAnthropic
from langchain_groq import ChatGroq
from langchain_ollama import ChatOllama
from langchain_openai import ChatOpenAI, OpenAIEmbeddings

embeddings = OpenAIEmbeddings(model="text-embedding-3-small")
answerer = ChatOpenAI(model="gpt-5-mini", temperature=0)
reviewer = ChatAnthropic(model_name="claude-sonnet-4-5-20250929", max_tokens=1024)
router = init_chat_model("anthropic:claude-haiku-4-5")
planner = init_chat_model("gpt-5", model_provider="openai")
fast = ChatGroq(model="llama-3.3-70b-versatile")
local = ChatOllama(model="llama3.1")  # runs on the developer's machine, not a hosted model


def build(retriever):
    return retriever | answerer
