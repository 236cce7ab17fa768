"""`mockroom doctor` and model selection, against the loopback server."""

from __future__ import annotations

from rich.console import Console
from typer.testing import CliRunner

from bot.bootstrap import build
from bot.settings import Settings
from bot.terminal.cli import make_app
from interviewer.llm.choice import DEFAULT_OPENAI_MODEL, choose_model
from tests.interviewer.llm.openai_server import FakeOpenAIServer, Reply

runner = CliRunner()


def doctor(settings: Settings) -> tuple[int, str]:
    console = Console(width=200, force_terminal=False, color_system=None)
    app = make_app(build, console=console, settings_factory=lambda: settings)
    with console.capture() as captured:
        result = runner.invoke(app, ["doctor"])
    return result.exit_code, captured.get()


def test_model_selection() -> None:
    assert choose_model(None, False, None).spec is None
    assert choose_model(None, True, None).spec == DEFAULT_OPENAI_MODEL
    assert choose_model("offline", True, None).spec is None
    local = choose_model("openai:llama3.1", False, "http://127.0.0.1:11434/v1")
    assert local.label == "openai:llama3.1 at http://127.0.0.1:11434/v1"
    assert choose_model("gpt-4.1-mini", True, None).spec == "openai:gpt-4.1-mini"
    assert "MOCKROOM_LLM_MODEL is not" in choose_model(None, False, "http://x/v1").reason


def test_doctor_passes_against_a_live_server() -> None:
    with FakeOpenAIServer() as server:
        code, out = doctor(Settings(llm_model="openai:fake", llm_base_url=server.url))
        assert len(server.requests) == 1 and server.requests[0]["max_completion_tokens"] == 5
    assert code == 0, out
    assert "interviewer: openai:fake at http://127.0.0.1" in out and "model: answers" in out


def test_doctor_says_what_is_wrong() -> None:
    with FakeOpenAIServer() as server:
        server.queue(Reply.error(401))
        code, out = doctor(Settings(llm_model="openai:fake", llm_base_url=server.url))
    assert code == 1 and "API key was refused" in out
    code, out = doctor(Settings(llm_model="openai:gpt-4o-mini", openai_api_key=None))
    assert code == 1 and "set OPENAI_API_KEY" in out


def test_doctor_names_the_wrong_model_or_the_wrong_url() -> None:
    with FakeOpenAIServer() as server:
        server.queue(Reply.error(404))
        code, out = doctor(Settings(llm_model="ollama:llama3.9", llm_base_url=server.url))
        assert code == 1
        assert "MOCKROOM_LLM_MODEL=ollama:llama3.9: the server has no model 'llama3.9'" in out
        assert "(it has: fake)" in out
        wrong = server.url.removesuffix("/v1") + "/api"
        code, out = doctor(Settings(llm_model="ollama:llama3.1", llm_base_url=wrong))
    assert code == 1 and "MOCKROOM_LLM_BASE_URL=" in out and "ends in /v1" in out


def test_doctor_names_the_missing_variable_per_provider() -> None:
    code, out = doctor(Settings(llm_model="azure:my-deployment"))
    assert code == 1 and "needs MOCKROOM_LLM_BASE_URL" in out
    code, out = doctor(Settings(llm_model="anthropic:claude-sonnet-4-5", openai_api_key=None))
    assert code == 1 and "anthropic needs a key: set MOCKROOM_LLM_API_KEY" in out
    code, out = doctor(Settings(llm_model="mystery:model"))
    assert code == 1 and "set MOCKROOM_LLM_BASE_URL" in out


def test_ollama_vllm_and_anthropic_models_reach_an_openai_compatible_server() -> None:
    for spec, model in (
        ("ollama:llama3.1", "llama3.1"),
        ("vllm:Qwen/Qwen2.5-7B-Instruct", "Qwen/Qwen2.5-7B-Instruct"),
        ("anthropic:claude-x", "claude-x"),
    ):
        # A server each: langchain-openai keeps one HTTP client per URL, bound to its loop.
        with FakeOpenAIServer() as server:
            code, out = doctor(Settings(llm_model=spec, llm_base_url=server.url))
            assert code == 0, out
            assert server.requests[0]["model"] == model
