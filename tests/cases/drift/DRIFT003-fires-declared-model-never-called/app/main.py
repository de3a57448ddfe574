from anthropic import Anthropic

claude = Anthropic()
claude.messages.create(model="claude-haiku-4-5", max_tokens=300, messages=[])
