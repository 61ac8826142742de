"""The language: errors point at the JSON path and say what is expected; limits; hostile values
stay values; golden SQL per engine; unsupported engines refused; explain in FR/EN; examples."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from sqlglot import exp

from oncorwd.cohort import compile_cohort, load_definition, parse_definition
from oncorwd.cohort.conditions import literal
from oncorwd.cohort.execute import run_cohort
from oncorwd.cohort.explain import explain
from oncorwd.cohort.limits import LIMITS
from oncorwd.cohort.support import ENGINES, support_markdown
from oncorwd.errors import CohortDefinitionError, UnsupportedCriterion
from oncorwd.store import Store

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
EXAMPLES = sorted((ROOT / "examples" / "cohorts").glob("*.yaml"))

HOSTILE = ["O'Brien", "'; DROP TABLE cohort_variables; --", "back\\slash\\", "é😀 ünï",
           "\\'; SELECT 1; --", "%_*"[:2], "line\nbreak", '"quoted"']


def _error(data: dict[str, Any]) -> CohortDefinitionError:
    with pytest.raises(CohortDefinitionError) as info:
        parse_definition(data)
    return info.value


@pytest.mark.parametrize(("data", "path", "words"), [
    ({"name": "x", "inclusion": [{"name": "a", "criterion": {"variable": "nope", "op": "eq",
                                                               "value": 1}}]},
     "$.inclusion[0].criterion.variable", "unknown cohort variable"),
    ({"name": "x", "inclusion": [{"name": "a", "criterion": {"variable": "sex", "op": "eq",
                                                               "value": "X"}}]},
     "$.inclusion[0].criterion.value", "not in value set sex"),
    ({"name": "x", "inclusion": [{"name": "a", "criterion": {"variable": "sex", "op": "between",
                                                               "min": 1}}]},
     "$.inclusion[0].criterion.op", "expected one of eq, ne, in"),
    ({"name": "x", "inclusion": [{"name": "a", "criterion": {"all": [
        {"variable": "age_at_diagnosis", "op": "ge", "value": "old"}]}}]},
     "$.inclusion[0].criterion.all[0].value", "expected a number"),
    ({"name": "x", "exclusion": [{"name": "a", "criterion": {"event": "drug", "where": [
        {"field": "colour", "op": "eq", "value": "red"}]}}]},
     "$.exclusion[0].criterion.where[0].field", "expected one of atc, line"),
    ({"name": "x", "inclusion": [{"name": "a", "criterion": {"event": "drug", "window": {
        "relative_to": {"event": "missing"}}}}]},
     "$.inclusion[0].criterion.window.relative_to.event", "no event criterion has id"),
    ({"name": "x", "inclusion": [{"name": "a", "criterion": {"any": [{"colour": "red"}]}}]},
     "$.inclusion[0].criterion.any[0]", "expected a criterion"),
    ({"name": "x", "inclusion": [{"name": "a", "criterion": {"event": "comorbidity",
                                                               "scope": "cancer"}}]},
     "$.inclusion[0].criterion.scope", "expected scope 'patient'"),
    ({"name": "x", "inclusion": [{"name": "a", "criterion": {
        "variable": "topography", "op": "matches", "values": ["C*3*"]}}]},
     "$.inclusion[0].criterion.values[0]", "prefix ending with one '*'"),
    ({"name": "x", "inclusion": [{"name": "a", "criterion": {
        "variable": "first_surgery_group", "op": "eq", "value": "a\x00b"}}]},
     "$.inclusion[0].criterion.value", "NUL"),
    ({"name": "x", "index_date": {"kind": "line_start"}}, "$.index_date", "'line' is required"),
])
def test_errors_point_at_the_json_path(data: dict[str, Any], path: str, words: str) -> None:
    e = _error(data)
    assert e.context["path"] == path, e.message
    assert words in e.message


def test_every_problem_is_listed() -> None:
    e = _error({"name": "x", "inclusion": [
        {"name": "a", "criterion": {"variable": "nope", "op": "eq", "value": 1}},
        {"name": "b", "criterion": {"variable": "sex", "op": "eq", "value": "Z"}}]})
    assert [p["path"] for p in e.context["problems"]] == [
        "$.inclusion[0].criterion.variable", "$.inclusion[1].criterion.value"]


def test_cycles_and_duplicate_ids_are_refused() -> None:
    win = {"relative_to": {"event": "b"}}
    e = _error({"name": "x", "inclusion": [
        {"name": "a", "criterion": {"event": "drug", "id": "a", "window": win}},
        {"name": "b", "criterion": {"event": "drug", "id": "b",
                                    "window": {"relative_to": {"event": "a"}}}},
        {"name": "c", "criterion": {"event": "drug", "id": "b"}}]})
    messages = " ".join(p["message"] for p in e.context["problems"])
    assert "already used" in messages and "cycle" in messages


def test_depth_size_and_text_limits() -> None:
    node: dict[str, Any] = {"variable": "sex", "op": "eq", "value": "F"}
    for _ in range(LIMITS.max_depth + 1):
        node = {"not": node}
    assert "nesting deeper" in _error({"name": "x", "inclusion": [
        {"name": "a", "criterion": node}]}).message
    many = [{"name": f"r{i}", "criterion": {"variable": "sex", "op": "eq", "value": "F"}}
            for i in range(LIMITS.max_rules + 1)]
    assert "at most" in _error({"name": "x", "inclusion": many}).message
    with pytest.raises(CohortDefinitionError, match="bytes"):
        load_definition("name: x\n" + "#" * LIMITS.max_bytes + "\n")
    with pytest.raises(CohortDefinitionError, match="not valid JSON or YAML"):
        load_definition("name: [unclosed\n")


def test_unknown_engine_is_unsupported() -> None:
    d = parse_definition({"name": "x"})
    with pytest.raises(UnsupportedCriterion) as info:
        compile_cohort(d).sql("sqlite")
    assert info.value.context["engine"] == "sqlite"
    assert "| `op:matches` | yes | yes | yes |" in support_markdown()


def _hostile_definition() -> dict[str, Any]:
    return {"name": "hostile", "inclusion": [
        {"name": "any of the hostile values", "criterion": {"any": [
            {"variable": "first_surgery_group", "op": "in", "values": HOSTILE},
            {"variable": "topography", "op": "matches", "values": [v + "*" for v in HOSTILE]},
            {"variable": "first_line_regimen", "op": "contains_any", "values": HOSTILE},
            {"event": "biomarker", "where": [{"field": "detail", "op": "eq", "value": v}]
             } if (v := HOSTILE[1]) else {}]}}]}


def test_hostile_values_are_literals_on_every_engine(cohort_store: Store) -> None:
    """Each hostile string, rendered by sqlglot as a literal for the engine, comes back
    unchanged; a definition full of them runs and selects nobody; the table survives."""
    for value in HOSTILE:
        sql = exp.select(exp.alias_(literal(value), "v")).sql(cohort_store.engine)
        assert cohort_store.query(sql).column("v")[0].as_py() == value
    d = parse_definition(_hostile_definition())
    assert run_cohort(cohort_store, d).count == 0
    assert cohort_store.query("SELECT count(*) AS n FROM cohort_variables").column("n")[0]\
        .as_py() > 0


GOLDEN = {"progression_after_line1": "progression within 12 months after line 1",
          "exclusion_rules": "exclusion rules",
          "index_first_drug": "index at first drug of a class",
          "at_least_of": "boolean at least 2 of 3"}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden_sql(engine: str, name: str) -> None:
    import yaml

    defs = {d["name"]: d for d in yaml.safe_load((HERE / "conformance.yaml").read_text())}
    compiled = compile_cohort(parse_definition(defs[GOLDEN[name]]))
    text = "".join(f"-- {q}\n{compiled.sql(engine, q, pretty=True)};\n"
                   for q in ("members", "count", "attrition"))
    path = HERE / "golden" / engine / f"{name}.sql"
    if os.environ.get("ONCORWD_UPDATE_GOLDEN") or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    assert text == path.read_text(), f"regenerate with ONCORWD_UPDATE_GOLDEN=1 ({path})"


def test_explain_says_what_runs_in_both_languages() -> None:
    d = load_definition(ROOT / "examples" / "cohorts" / "her2_early_breast_neoadjuvant.yaml")
    en, fr = explain(d, "en"), explain(d, "fr")
    assert "object to reuse are excluded" in en and "opposés à la réutilisation" in fr
    assert "between day -240 and day -1 relative to the first event 'surgery'" in en
    assert "entre J-240 et J-1" in fr and "Statut HER2" in fr
    assert "(rows that satisfy the criterion are excluded)" in en


def test_definitions_round_trip_through_json() -> None:
    for path in EXAMPLES:
        d = load_definition(path)
        again = load_definition(d.model_dump_json(by_alias=True, exclude_none=True))
        assert again == d


def test_examples_run_and_most_select_patients(duckdb_store: Store) -> None:
    assert len(EXAMPLES) >= 12
    counts = {p.stem: run_cohort(duckdb_store, load_definition(p)).count for p in EXAMPLES}
    assert sum(n > 0 for n in counts.values()) >= 8, counts


def test_characterisation_matches_pandas(duckdb_store: Store, reference: Any) -> None:
    import math

    import pandas as pd

    from oncorwd.cohort.characterise import characterise, smd

    d = load_definition(ROOT / "examples" / "cohorts" / "msi_high_colorectal.yaml")
    members, _ = reference.evaluate(d)
    cv = reference.cv[reference.cv.cancer_id.isin({c for _, c in members})]
    table1 = characterise(duckdb_store, d, ["age_at_diagnosis", "stage_group", "sex"],
                          by="sex")
    for sex, group in cv.groupby("sex"):
        age = table1.groups[str(sex)]["age_at_diagnosis"]
        assert age.n == len(group) and age.missing == int(group.age_at_diagnosis.isna().sum())
        assert age.median == pytest.approx(group.age_at_diagnosis.median())
        assert age.q1 == pytest.approx(group.age_at_diagnosis.quantile(0.25))
        stage = table1.groups[str(sex)]["stage_group"]
        assert stage.levels == group.stage_group.value_counts().sort_index().to_dict()
    f, m = table1.groups["F"]["age_at_diagnosis"], table1.groups["M"]["age_at_diagnosis"]
    a, b = cv[cv.sex == "F"].age_at_diagnosis, cv[cv.sex == "M"].age_at_diagnosis
    expected = (a.mean() - b.mean()) / math.sqrt((a.var() + b.var()) / 2)
    assert smd(f, m) == pytest.approx(expected)
    assert isinstance(pd.Series(list(table1.groups)), pd.Series)


def test_cli_validate_explain_run(duckdb_store: Store, tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from oncorwd.cli import app

    example = ROOT / "examples" / "cohorts" / "msi_high_colorectal.yaml"
    runner = CliRunner()
    out = runner.invoke(app, ["cohort", "validate", str(example)])
    assert out.exit_code == 0 and "valid: MSI-high" in out.output
    out = runner.invoke(app, ["cohort", "explain", str(example), "--lang", "fr",
                              "--engine", "spark"])
    assert out.exit_code == 0 and "Critères d'inclusion" in out.output and "SUBSTRING" in out.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ninclusion: [{name: a, criterion: {variable: nope, op: known}}]\n")
    out = runner.invoke(app, ["cohort", "validate", str(bad)])
    assert out.exit_code != 0 and "$.inclusion[0].criterion.variable" in out.output
    url = f"duckdb://{duckdb_store.url.path}"
    out = runner.invoke(app, ["cohort", "run", str(example), "--site", "test", "--store", url,
                              "--format", "json"])
    assert out.exit_code == 0, out.output
    result = json.loads(out.output)
    assert result["count"] > 0 and result["attrition"][-1]["patients"] == result["count"]
    assert result["characterisation"]["groups"]["all"]["sex"]["n"] == result["rows"]


def test_docs_support_table_and_schema_are_current() -> None:
    from oncorwd.cohort.schema import cohort_schema

    doc = (ROOT / "docs" / "cohort.md").read_text()
    table = doc.split("<!-- support-table:start -->\n")[1].split("<!-- support-table:end -->")[0]
    assert table == support_markdown()
    assert (ROOT / "schema" / "cohort.schema.json").read_text() == cohort_schema()
