from anthropic import Anthropic
from openai import OpenAI

client = OpenAI()
claude = Anthropic()


def summarise(text, model_name):
    client.chat.completions.create(model="gpt-5-mini", messages=[{"role": "user", "content": text}])
    claude.messages.create(model="claude-haiku-4-5", max_tokens=300, messages=[])
    client.responses.create(model=model_name, input=text)
