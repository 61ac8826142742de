"""The pieces of ``new-mapping``: sampling sources, proposing fields, writing commented YAML.

:mod:`oncorwd.ingest.new_mapping` decides *what* to guess; this module samples the sources with
the same readers ``ingest run`` uses, turns guesses into field rules (date formats tried on the
sampled values, value maps from the distinct values seen) and renders the spec with comments.
YAML is written by hand because comments are the point; every scalar is JSON-quoted, which
YAML reads as a double-quoted string.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from oncorwd.dictionary import load_dictionary
from oncorwd.dictionary.model import FieldDef
from oncorwd.errors import ConfigError
from oncorwd.ingest.partial_dates import parse_dates
from oncorwd.ingest.spec import MappingSpec, SiteInfo

__all__ = ["FieldProposal", "Proposal", "SourceSample", "TableProposal", "read_sample",
           "render", "table_proposal"]

_FORMATS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx",
            ".parquet": "parquet"}
_SAMPLE = 1000


@dataclass
class SourceSample:
    name: str
    config: dict[str, Any]
    columns: list[str]
    values: dict[str, list[str | None]]


@dataclass
class FieldProposal:
    rule: dict[str, Any]
    comment: str | None = None
    commented: bool = False


@dataclass
class TableProposal:
    source: str
    fields: dict[str, FieldProposal] = field(default_factory=dict)
    todos: list[str] = field(default_factory=list)


@dataclass
class Proposal:
    samples: list[SourceSample]
    site_id: str | None = None
    tables: dict[str, TableProposal] = field(default_factory=dict)
    value_maps: dict[str, tuple[str, dict[str, str], list[str]]] = field(default_factory=dict)


def _source_name(stem: str) -> str:
    name = re.sub(r"[^a-z0-9]+", "_", stem.lower()).strip("_") or "source"
    return name if name[0].isalpha() else f"s_{name}"


def _config(path: Path | None, base: Path, url: str | None, query: str | None) -> dict[str, Any]:
    if path is None:
        return {"format": "sql", "url": url, "query": query}
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ConfigError(f"{path}: cannot tell the format from the extension",
                          hint="new-mapping reads .csv, .txt, .tsv, .xlsx and .parquet files")
    if not path.is_file():
        raise ConfigError(f"{path} not found")
    return {"format": fmt, "path": os.path.relpath(path.resolve(), base.resolve())}


def read_sample(path: Path | None, base: Path, *, sql_url: str | None = None,
                sql_query: str | None = None) -> SourceSample:
    """Columns and the first rows' values of one source."""
    from oncorwd.ingest.sources import open_reader

    config = _config(path, base, sql_url, sql_query)
    name = _source_name(path.stem if path is not None else "warehouse")
    spec = MappingSpec(site=SiteInfo(site_id="000000000", name="sample"),
                       sources={name: config}, tables={}, base_dir=base.resolve())
    reader = open_reader(name, spec.sources[name], spec)
    columns = next(iter(reader.columns().values()), [])
    first = next(iter(reader.batches()), None)
    data = first.data.slice(0, _SAMPLE) if first is not None else pa.table({})
    values = {c: (data.column(c).to_pylist() if c in data.column_names else []) for c in columns}
    if config["format"] == "csv":
        details: dict[str, Any] = next(iter(reader.account.details.values()), {})
        config["sep"] = details.get("sep", ";")
    return SourceSample(name, config, columns, values)


def _distinct(values: list[str | None], n: int = 30) -> list[str]:
    seen = dict.fromkeys(v.strip() for v in values if v and v.strip())
    return list(seen)[:n]


def _formats(values: list[str | None]) -> tuple[list[str], list[str]]:
    """Formats that read the sampled dates (greedy, in a usual order) and what none reads."""
    from oncorwd.ingest.new_mapping import _DATE_CANDIDATES

    remaining = _distinct(values, 200)
    chosen: list[str] = []
    for fmt in _DATE_CANDIDATES:
        if not remaining:
            break
        parsed = parse_dates(pa.array(remaining, pa.string()), (fmt,))
        ok = [v for v, bad in zip(remaining, parsed.unparsed.to_pylist(), strict=True)
              if not bad]
        if ok:
            chosen.append(fmt)
            remaining = [v for v in remaining if v not in ok]
    return chosen, remaining


def _coded(proposal: Proposal, sample: SourceSample, fdef: FieldDef, column: str,
           rule: dict[str, Any]) -> str | None:
    from oncorwd.ingest.new_mapping import KNOWN_VALUES

    assert fdef.value_set is not None
    codes = set(load_dictionary().value_set(fdef.value_set).codes)
    seen = _distinct(sample.values.get(column, []))
    if seen and all(v in codes for v in seen):
        return None
    known = KNOWN_VALUES.get(fdef.value_set, {})
    mapped = {v: known[v.upper()] for v in seen if v.upper() in known}
    unknown = [v for v in seen if v.upper() not in known]
    name = fdef.name if fdef.name not in proposal.value_maps else f"{fdef.name}_{sample.name}"
    proposal.value_maps[name] = (f"{sample.name}.{column}", mapped, unknown)
    rule["map"] = name
    return f"TODO: complete value map {name}" if unknown or not seen else None


def _column_rule(proposal: Proposal, sample: SourceSample, fdef: FieldDef, column: str,
                 transcode: str | None, note: str | None) -> FieldProposal:
    rule: dict[str, Any] = {"column": column}
    comments = [note] if note else []
    values = sample.values.get(column, [])
    if fdef.type in ("date", "datetime"):
        formats, unread = _formats(values)
        rule["formats"] = formats or ["%d/%m/%Y", "%Y"]
        if unread:
            comments.append("TODO: no format reads " + ", ".join(map(repr, unread[:3])))
    elif fdef.type == "decimal" and any(v and "," in v for v in values):
        rule["decimal"] = ","
    elif fdef.type == "enum" and fdef.value_set and transcode is None:
        todo = _coded(proposal, sample, fdef, column, rule)
        comments += [todo] if todo else []
    if transcode:
        rule["transcode"] = transcode
    return FieldProposal(rule, "; ".join(comments) or None)


_CONSTANTS: dict[tuple[str, str], tuple[Any, str]] = {
    ("cancer", "cancer_order"): (1, "TODO: 1 if one cancer per patient (derive recomputes it)"),
    ("cancer", "care_in_facility"): ("Y", "TODO: treated in the facility?"),
    ("cancer", "diagnosis_method"): ("7", "TODO: basis of diagnosis (7 = histology)"),
    ("cancer", "laterality"): ("NA", "TODO: laterality (R, L, NA, UN)"),
    ("drug_administration", "in_facility"): ("IN", "TODO: administered in the facility?"),
    ("surgery", "in_facility"): ("IN", "TODO: operated in the facility?"),
    ("general_status", "measure_type"): ("PS", "performance status (WEIGHT, HEIGHT otherwise)"),
    ("vital_status", "vital_status_source"): ("FACILITY", "TODO: INSEE, FACILITY or "
                                                          "MEDICAL_RECORD"),
}


def _key_template(fields: dict[str, FieldProposal], entity_key: str) -> FieldProposal:
    columns = [p.rule["column"] for name, p in fields.items() if "column" in p.rule]
    parts = "-".join("{" + c + "}" for c in columns[:3]) or "{TODO}"
    return FieldProposal({"template": parts},
                         f"TODO: check that this identifies one {entity_key} row",
                         commented=parts == "{TODO}")


def table_proposal(proposal: Proposal, sample: SourceSample, table: str,
                   guessed: dict[str, tuple[str, str | None, str | None]]) -> TableProposal:
    """Field rules for ``table`` from ``sample``: guesses, key, constants and TODOs."""
    entity = load_dictionary().entity(table)
    out = TableProposal(sample.name)
    for f in entity.fields:
        if f.name in guessed:
            column, transcode, note = guessed[f.name]
            out.fields[f.name] = _column_rule(proposal, sample, f, column, transcode, note)
    if entity.key not in out.fields:
        out.fields = {entity.key: _key_template(out.fields, entity.key), **out.fields}
    for f in entity.fields:
        if f.name in out.fields or f.technical or not f.required:
            continue
        value, why = _CONSTANTS.get((table, f.name), (None, f"TODO: required ({f.label_fr})"))
        if f.name == "facility_finess" and proposal.site_id:
            value, why = proposal.site_id, "the site's FINESS"
        commented = value is None or why.startswith("TODO")
        out.fields[f.name] = FieldProposal({"value": value if value is not None else "…"},
                                           why, commented=commented)
    return out


def _q(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _inline(rule: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{k}: {_q(v)}" for k, v in rule.items()) + "}"


def _render_sources(proposal: Proposal) -> list[str]:
    lines = ["sources:"]
    for s in proposal.samples:
        cols = ", ".join(s.columns)
        lines.append(f"  {s.name}:  # columns: {cols[:300]}")
        for key, value in s.config.items():
            lines.append(f"    {key}: {_q(value)}")
        if s.config["format"] == "sql":
            lines.append("    # TODO: put the password in an environment variable: "
                         "postgresql://user:${PGPASSWORD}@host/db")
    return lines


def _render_maps(proposal: Proposal) -> list[str]:
    if not proposal.value_maps:
        return ["value_maps: {}"]
    lines = ["value_maps:"]
    for name, (where, mapped, unknown) in proposal.value_maps.items():
        lines.append(f"  {name}:  # values seen in {where}")
        lines.append("    values:" if mapped else "    values: {}")
        lines += [f"      {_q(k)}: {_q(v)}" for k, v in mapped.items()]
        lines += [f"      # {_q(v)}: \"…\"  # TODO: unknown local value" for v in unknown]
    return lines


def _render_tables(proposal: Proposal) -> list[str]:
    if not proposal.tables:
        return ["tables: {}  # TODO: no table could be guessed; see docs/ingest.md"]
    lines = ["tables:"]
    for table, t in proposal.tables.items():
        lines += [f"  {table}:", f"    from: {t.source}", "    fields:"]
        for name, p in t.fields.items():
            entry = f"{name}: {_inline(p.rule)}"
            entry = f"      # {entry}" if p.commented else f"      {entry}"
            lines.append(entry + (f"  # {p.comment}" if p.comment else ""))
        lines += [f"    # TODO: {todo}" for todo in t.todos]
    return lines


def render(proposal: Proposal, *, site_id: str | None = None,
           site_name: str | None = None) -> str:
    """The commented YAML spec."""
    site = f"site: {{site_id: {_q(site_id or '000000000')}, name: {_q(site_name or 'my-site')}}}"
    if not (site_id and site_name):
        site += "  # TODO: the site's FINESS number and a short name"
    lines = [
        "# Mapping spec written by `oncorwd ingest new-mapping`: a starting point to review.",
        "# Fill the TODOs, then check it: oncorwd ingest check --mapping <this file>",
        "# Format: docs/ingest.md. Lines starting with '#' are ignored.",
        "version: 1", site, *_render_sources(proposal), *_render_maps(proposal),
        *_render_tables(proposal)]
    return "\n".join(lines) + "\n"
