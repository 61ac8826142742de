"""Step read: sources opened and checked against the rules before anything is streamed."""

from __future__ import annotations

from pathlib import Path

import pytest
from ingest_fixtures import context, make_spec

from oncorwd.errors import ConfigError, DataError
from oncorwd.ingest.spec import MappingSpec
from oncorwd.ingest.steps import read

PATIENT = {"from": "p", "fields": {"patient_id": "NUM_PAT", "sex": "Sexe"}}


def _spec(tmp_path: Path, header: str, **extra: dict[str, object]) -> MappingSpec:
    (tmp_path / "p.csv").write_text(header + "\n", "utf-8")
    return make_spec(tmp_path, {"p": {"format": "csv", "path": "p.csv"}, **extra},
                     {"patient": PATIENT})


def test_columns_the_rules_need_are_checked_with_a_did_you_mean(tmp_path: Path) -> None:
    ctx = context(_spec(tmp_path, "NUM_PAT;SEXE"))
    with pytest.raises(DataError, match=r"'Sexe' \(used by tables\.patient\.fields\.sex\)") as e:
        read.run(ctx)
    assert "did you mean 'Sexe' → 'SEXE'" in str(e.value)


def test_ok_sources_are_opened_and_accounted(tmp_path: Path) -> None:
    ctx = context(_spec(tmp_path, "NUM_PAT;Sexe"))
    read.run(ctx)
    assert list(ctx.readers) == ["p"]
    assert list(ctx.accounting.sources) == ["p"] and list(ctx.accounting.tables) == ["patient"]


def test_unused_sources_are_noted_not_read(tmp_path: Path) -> None:
    (tmp_path / "other.csv").write_text("A\n", "utf-8")
    ctx = context(_spec(tmp_path, "NUM_PAT;Sexe",
                        other={"format": "csv", "path": "other.csv"}))
    read.run(ctx)
    assert ctx.notes == ["source other is not used by any table: not read"]
    assert "other" not in ctx.readers


@pytest.mark.parametrize(("rule", "message"), [
    ({"column": "Sexe", "formats": ["%d %b %Y"]}, "not supported"),
    ({"column": "Sexe", "map": "m"}, "a date field takes `formats`"),
])
def test_rules_are_checked(tmp_path: Path, rule: dict[str, object], message: str) -> None:
    tables = {"patient": {"from": "p", "fields": {"patient_id": "NUM_PAT", "birth_date": rule}}}
    spec = make_spec(tmp_path, {"p": {"format": "csv", "path": "p.csv"}}, tables,
                     {"m": {"values": {"1": "M"}}})
    (tmp_path / "p.csv").write_text("NUM_PAT;Sexe\n", "utf-8")
    with pytest.raises(ConfigError, match=message):
        read.run(context(spec))
