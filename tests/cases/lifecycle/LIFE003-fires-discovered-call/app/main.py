from openai import OpenAI

client = OpenAI()
client.responses.create(model="gpt-5", input="hi")
client.responses.create(model="gpt-5.4", input="hi")
