"""tinyllm: builds chat messages; the caller sends them with a client and model of its own."""


def messages(system: str, user: str) -> list[dict[str, str]]:
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]
