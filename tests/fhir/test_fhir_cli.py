"""``oncorwd validate mcode``: files, folders, NDJSON, JSON output, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

import oncorwd.cli.mcode_validate  # noqa: F401  (registers `validate mcode`)
from oncorwd.cli import app
from oncorwd.fhir import FhirPackage

runner = CliRunner()


def test_official_examples_folder_passes(mcode_package: FhirPackage) -> None:
    result = runner.invoke(app, ["validate", "mcode", str(mcode_package.example_dir),
                                 "--max-issues", "2"])
    assert result.exit_code == 0, result.output
    assert "179 resources" in result.output
    assert "0 error(s)" in result.output


def test_ndjson_with_errors_exits_1_and_reports_json(tmp_path: Path,
                                                      mcode_package: FhirPackage) -> None:
    good = json.loads((mcode_package.example_dir
                       / "Observation-tumor-size-jenny-m.json").read_bytes())
    bad = dict(good, id="broken")
    del bad["subject"]
    nd = tmp_path / "Observation.ndjson"
    nd.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n{not json\n")
    result = runner.invoke(app, ["validate", "mcode", str(nd), "--format", "json"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["resources"] == 2
    paths = {(i["resource_id"], i["path"], i["source"]) for i in data["issues"]}
    assert ("broken", "Observation.subject", f"{nd}:2") in paths
    assert any(i["message"].startswith("not valid JSON") and i["source"] == f"{nd}:3"
               for i in data["issues"])


def test_layers_option(tmp_path: Path, mcode_package: FhirPackage) -> None:
    obs = json.loads((mcode_package.example_dir
                      / "Observation-tumor-size-jenny-m.json").read_bytes())
    del obs["subject"]
    f = tmp_path / "obs.json"
    f.write_text(json.dumps(obs))
    result = runner.invoke(app, ["validate", "mcode", str(f), "--layers", "invariants"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["validate", "mcode", str(f), "--layers", "bogus"])
    assert result.exit_code != 0
