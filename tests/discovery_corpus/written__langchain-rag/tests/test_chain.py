from langchain_openai import ChatOpenAI


def test_answerer_is_deterministic():
    llm = ChatOpenAI(model="gpt-5-nano", temperature=0)
    assert llm.temperature == 0
