from openai import OpenAI

from tinyllm import Chat


def test_say_passes_the_model():
    chat = Chat(OpenAI(api_key="test"), model="gpt-5-mini")
    assert chat.model == "gpt-5-mini"
    OpenAI(api_key="test").chat.completions.create(model="gpt-5-mini", messages=[])
