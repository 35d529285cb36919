"""The command line reads the same with only the parsers it needs as with all of them, and help
and errors still name every command."""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout

import pytest

from tws_companion.cli import COMMANDS, build_parser, commands_parsed

INVOCATIONS = [
    [],
    ["gui"],
    ["gui", "--server", "https://sls.example.com", "--language", "zh_CN"],
    ["serve", "--port", "0", "--workers", "2"],
    ["demo", "--port", "0"],
    ["login", "--server", "https://sls.example.com", "--user", "demo"],
    ["settings", "--user", "demo", "show"],
    ["settings", "--user", "demo", "save-as", "/tmp/layout.xml", "--decrypted"],
    ["doctor"],
    ["--language", "en", "gui"],
    ["--server", "https://sls.example.com"],
]


@pytest.mark.parametrize("argv", INVOCATIONS, ids=lambda argv: " ".join(argv) or "(none)")
def test_only_the_parsers_needed_read_the_same_arguments(argv: list[str]) -> None:
    assert vars(build_parser(commands_parsed(argv)).parse_args(argv)) == vars(
        build_parser().parse_args(argv)
    )


def test_the_login_window_and_each_command_make_only_their_own_parser() -> None:
    assert commands_parsed([]) == ()
    assert commands_parsed(["gui", "--server", "https://x"]) == ("gui",)
    assert commands_parsed(["settings", "show"]) == ("settings",)
    assert commands_parsed(["--help"]) is None
    assert commands_parsed(["no-such-command"]) is None


def test_help_lists_every_command() -> None:
    out = io.StringIO()
    with redirect_stdout(out), pytest.raises(SystemExit) as exited:
        build_parser(commands_parsed(["--help"])).parse_args(["--help"])
    assert exited.value.code == 0
    shown = " ".join(out.getvalue().split())  # argparse wraps the lines
    for name, summary, _add in COMMANDS:
        assert f"{name} {summary}" in shown


def test_an_unknown_command_is_refused_with_the_choices() -> None:
    err = io.StringIO()
    with redirect_stderr(err), pytest.raises(SystemExit) as exited:
        build_parser(commands_parsed(["sevre"])).parse_args(["sevre"])
    assert exited.value.code == 2
    assert "invalid choice: 'sevre'" in err.getvalue()
    assert "'serve'" in err.getvalue()
