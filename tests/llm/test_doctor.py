"""`factcheck doctor` against the OpenAI stand-in over HTTP: what the server supports, and what a
checklist of the bundled example would look like, before editors see one."""

from __future__ import annotations

import pytest

from bot import cli
from standins.openai_server import OpenAIStandIn


def doctor(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], **env: str) -> tuple[int, str, str]:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "FACTCHECK_MODEL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code = cli.main(["doctor"])
    out, err = capsys.readouterr()
    return code, out, err


def env_for(server: OpenAIStandIn, **extra: str) -> dict[str, str]:
    return {"OPENAI_API_KEY": server.api_key, "OPENAI_BASE_URL": server.base_url, **extra}


def test_a_good_endpoint(monkeypatch, capsys):
    with OpenAIStandIn() as server:
        code, out, err = doctor(monkeypatch, capsys, **env_for(server))
    assert code == 0 and not err
    assert "structured output (strict json_schema): accepted, answer valid" in out
    assert "model:      gpt-4o-mini\n" in out
    assert "finish_reason stop" in out and "prompt +" in out and "tokens/s" in out
    assert "example:    harbour-strike.txt" in out and "analyzer llm" in out
    assert "quotes not in the article: 0 of" in out and "(dropped share 0%)" in out
    assert "  offline:  19 items" in out
    assert "verdict:    usable" in out
    assert "server:" not in out  # no /props: not llama.cpp, nothing said


def test_a_small_local_model_as_llama_cpp_served_it(monkeypatch, capsys):
    with OpenAIStandIn.like_llama_cpp(invent=True) as server:
        code, out, _ = doctor(monkeypatch, capsys, **env_for(server))
    assert code == 0
    assert "model:      SmolLM2-135M-Instruct  <- not the configured 'gpt-4o-mini'" in out
    assert "server:     1 slot(s) (llama.cpp /props); FACTCHECK_LLM_CONCURRENCY is 2" in out and "set it to 1" in out
    assert "0 quoting the text verbatim" in out
    assert "(dropped share 100%)" in out and "ungrounded:" in out
    assert "verdict:    the LLM's answers were all replaced by the offline analyzer" in out


def test_a_looping_model(monkeypatch, capsys):
    with OpenAIStandIn.like_llama_cpp(loop=True) as server:
        code, out, _ = doctor(monkeypatch, capsys, **env_for(server))
    assert code == 0
    assert "accepted, but the answer was cut off at its output limit" in out and "finish_reason length" in out
    assert "truncated:" in out


def test_a_server_that_refuses_the_schema(monkeypatch, capsys):
    with OpenAIStandIn(json_schema=False) as server:
        code, out, _ = doctor(monkeypatch, capsys, **env_for(server))
    assert code == 0
    assert "structured output (strict json_schema): rejected: HTTP 400 (response_format type json_schema" in out
    assert "do not use this model" in out


@pytest.mark.parametrize(
    ("setup", "line"),
    [
        ("wrong-path", "answered HTTP 404 for /chat/completions: the base URL is wrong"),
        ("wrong-key", "refused the credentials: HTTP 401"),
        ("unreachable", "Could not reach http://127.0.0.1:"),
        ("no-key", "OPENAI_API_KEY is not set"),
    ],
)
def test_an_endpoint_that_fails_is_one_line_and_exit_1(monkeypatch, capsys, setup: str, line: str):
    with OpenAIStandIn() as server:
        env = env_for(server)
    if setup != "unreachable":
        server = OpenAIStandIn().start()
        env = env_for(server)
    try:
        if setup == "wrong-path":
            env["OPENAI_BASE_URL"] = server.base_url.removesuffix("/v1")
        elif setup == "wrong-key":
            env["OPENAI_API_KEY"] = "sk-wrong"
        elif setup == "no-key":
            env.pop("OPENAI_API_KEY")
        code, _, err = doctor(monkeypatch, capsys, **env)
    finally:
        server.stop()
    assert code == 1
    assert len(err.splitlines()) == 1 and line in err, err
