"""Step ``read``: open every source the spec uses and check it against the field rules.

Nothing is streamed yet (``map`` does that, one pass per source whatever the number of tables
it feeds); this step fails early and clearly on what would otherwise fail late: files not
found, unreadable headers or encodings, unreachable databases, source columns the rules name
but the files lack (with a "did you mean" when only the case differs), date formats and value
maps that cannot be compiled, and rules that make no sense for their field.
"""

from __future__ import annotations

from oncorwd.dictionary import load_dictionary
from oncorwd.errors import ConfigError, DataError
from oncorwd.ingest.fields import rule_columns
from oncorwd.ingest.partial_dates import compile_format
from oncorwd.ingest.sources import open_reader
from oncorwd.ingest.spec import MappingSpec
from oncorwd.ingest.steps.context import IngestContext
from oncorwd.ingest.value_maps import ValueMaps

__all__ = ["needed_columns", "run"]


def needed_columns(spec: MappingSpec, source: str) -> dict[str, str]:
    """Source column → the first spec path that reads it (for error messages)."""
    needed: dict[str, str] = {}
    for table, mapping in spec.tables.items():
        if mapping.from_ != source:
            continue
        if mapping.where is not None:
            needed.setdefault(mapping.where.column, f"tables.{table}.where")
        for name in mapping.fields:
            for column in rule_columns(mapping.rule(name)):
                needed.setdefault(column, f"tables.{table}.fields.{name}")
    return needed


def _check_rules(spec: MappingSpec) -> None:
    d = load_dictionary()
    for table, mapping in spec.tables.items():
        entity = d.entity(table)
        for name in mapping.fields:
            rule, where = mapping.rule(name), f"tables.{table}.fields.{name}"
            dated = entity.field(name).type in ("date", "datetime")
            if dated and (rule.map or rule.transcode):
                raise ConfigError(f"{where}: a date field takes `formats`, not map/transcode")
            if rule.formats and not dated:
                raise ConfigError(f"{where}: `formats` is for date fields only")
            for fmt in rule.formats or ():
                compile_format(fmt)
            if rule.map:
                ValueMaps(spec)[rule.map]


def _check_columns(spec: MappingSpec, source: str, columns: dict[str, list[str]]) -> None:
    needed = needed_columns(spec, source)
    for label, names in columns.items():
        missing = [c for c in needed if c not in names]
        if not missing:
            continue
        lower = {n.lower(): n for n in names}
        guesses = [f"{c!r} → {lower[c.lower()]!r}" for c in missing if c.lower() in lower]
        hint = ("did you mean " + ", ".join(guesses) if guesses
                else "columns in the file: " + ", ".join(names[:40]))
        raise DataError(f"source {source}: {label} has no column(s) "
                        + ", ".join(f"{c!r} (used by {needed[c]})" for c in missing),
                        hint=hint, source=source, file=label, columns=missing)


def run(ctx: IngestContext) -> None:
    spec = ctx.spec
    _check_rules(spec)
    used = {m.from_ for m in spec.tables.values()}
    for name, config in spec.sources.items():
        reader = open_reader(name, config, spec)
        if reader.direct and name in used:
            raise ConfigError(f"source {name} ({config.format}) produces OSIRIS RWD rows "
                              "itself: no table can take it in `from`",
                              hint="remove the tables that read it; its rows are added "
                                   "automatically")
        if not reader.direct and name not in used:
            ctx.notes.append(f"source {name} is not used by any table: not read")
            continue
        _check_columns(spec, name, reader.columns())
        ctx.readers[name] = reader
        ctx.accounting.sources[name] = reader.account
        ctx.report("read", f"opened {name}", len(ctx.readers), len(spec.sources))
    for table in spec.tables:
        ctx.accounting.table(table)
