from openai import OpenAI

router = OpenAI(base_url="https://openrouter.ai/api/v1")


def extract(note):
    return router.chat.completions.create(
        model="anthropic/claude-sonnet-4.6",
        messages=[{"role": "user", "content": note}],
        extra_body={"provider": {"data_collection": "allow"}},
    )
