"""Record real traffic through the proxy, then replay the file: the same answers come back."""

from __future__ import annotations

from pathlib import Path

from langchain_core.messages import HumanMessage

from bench.replay import RecordingProxy, ReplayServer, load_recordings
from interviewer.llm.factory import make_chat_model
from tests.interviewer.llm.openai_server import FakeOpenAIServer, Reply


async def test_a_recorded_run_replays_through_the_real_client(tmp_path: Path) -> None:
    path = tmp_path / "run.json"
    with FakeOpenAIServer() as upstream:
        upstream.queue(Reply.say("Which part fails first?"), Reply.say("What does it cost?"))
        with RecordingProxy(upstream=upstream.url, api_key="key") as proxy:
            model = make_chat_model("openai:m", base_url=proxy.url, api_key="k", max_retries=0)
            first = await model.ainvoke([HumanMessage("Question one, please.")])
            streamed = "".join(
                [c.text async for c in model.astream([HumanMessage("Question two, please.")])]
            )
            proxy.save(path, "openai:m")
        assert upstream.headers[0]["Authorization"] == "Bearer key"
        assert upstream.requests[1]["stream"] is False  # recorded whole, replayed as asked
    assert first.text == "Which part fails first?" and streamed == "What does it cost?"
    with ReplayServer(exchanges=load_recordings([path])) as replay:
        model = make_chat_model("openai:m", base_url=replay.url, max_retries=0)
        again = await model.ainvoke([HumanMessage("Question two, please.")])
        assert again.text == "What does it cost?"
        first_again = await model.ainvoke([HumanMessage("Question one, please.")])
        assert first_again.text == "Which part fails first?"
        assert replay.unmatched == []
