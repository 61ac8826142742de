"""The CLI as a user runs it: help everywhere, JSON export, clear errors."""

from __future__ import annotations

import subprocess
import sys

import orjson
import pytest
from typer.testing import CliRunner

from oncorwd.cli import app
from oncorwd.dictionary import load_dictionary

runner = CliRunner()


@pytest.mark.parametrize("args", [[], ["dictionary"], ["store"], ["terminology"], ["synth"],
                                  ["dictionary", "export"], ["dictionary", "show"],
                                  ["store", "load"], ["store", "versions"], ["store", "info"],
                                  ["store", "init"], ["terminology", "check"]])
def test_help_everywhere(args: list[str]) -> None:
    result = runner.invoke(app, [*args, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_dictionary_export_json() -> None:
    result = runner.invoke(app, ["dictionary", "export", "--format", "json"])
    assert result.exit_code == 0
    data = orjson.loads(result.stdout)
    assert {"entities", "variables"} <= set(data)
    items = {f["item"] for e in data["entities"] for f in e["fields"] if f["item"]}
    assert items == set(load_dictionary().items)
    assert len(data["variables"]) == len(load_dictionary().variables)


def test_dictionary_show_table_and_value_set() -> None:
    result = runner.invoke(app, ["dictionary", "show", "cancer", "--lang", "fr"])
    assert result.exit_code == 0
    assert "Latéralité" in result.output
    result = runner.invoke(app, ["dictionary", "show", "encr_basis"])
    assert "Histology" in result.output


def test_errors_are_messages_not_tracebacks() -> None:
    proc = subprocess.run([sys.executable, "-m", "oncorwd", "dictionary", "show", "nope"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 1
    assert "unknown table or value set 'nope'" in proc.stderr
    assert "hint" in proc.stderr
    assert "Traceback" not in proc.stderr
