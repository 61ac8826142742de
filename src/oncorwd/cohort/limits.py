"""Size and depth limits of a definition: a portal accepts definitions from many users and
every site runs them, so a definition can neither be huge nor nest without end."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LIMITS", "Limits"]


@dataclass(frozen=True, slots=True)
class Limits:
    max_bytes: int = 256_000          #: size of the JSON/YAML text
    max_rules: int = 50               #: inclusion + exclusion rules
    max_depth: int = 8                #: nesting of all/any/not/at_least inside one rule
    max_criteria: int = 200           #: criteria (every node) in the whole definition
    max_events: int = 30              #: event criteria (each is one join)
    max_values: int = 1000            #: values in one list
    max_value_length: int = 200       #: characters of one string value


LIMITS = Limits()
