import os

from openai import OpenAI

client = OpenAI()


def summarise(text):
    return client.chat.completions.create(model=os.getenv("SUMMARY_MODEL"), messages=[])
