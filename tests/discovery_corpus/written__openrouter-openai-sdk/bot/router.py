"""Ask several models the same question through OpenRouter (written for procurelint's tests)."""
from openai import OpenAI

OPENROUTER = "https://openrouter.ai/api/v1"
CANDIDATES = ["openai/gpt-5-mini", "google/gemini-2.5-flash", "deepseek/deepseek-v3.2"]

client = OpenAI(base_url=OPENROUTER, api_key="unused")


def ask_all(question: str) -> dict[str, str]:
    answers = {}
    for model in CANDIDATES:
        reply = client.chat.completions.create(
            model=model,
            messages=[{"role": "user", "content": question}],
        )
        answers[model] = reply.choices[0].message.content
    return answers


def ask_private(question: str) -> str:
    reply = client.chat.completions.create(
        model="anthropic/claude-sonnet-4.6",
        messages=[{"role": "user", "content": question}],
        extra_body={"provider": {"data_collection": "deny", "zdr": True, "order": ["anthropic"]}},
    )
    return reply.choices[0].message.content
