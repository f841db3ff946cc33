"""Reading a rulebook document: TOML (or its JSON form) checked against the rule schema, its
canonical form and its fingerprint.

:func:`fields` returns the fields of a :class:`~aliprotect.Rulebook`, so that this module
needs only the parts of a rulebook, never the rulebook type itself.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import json
import zoneinfo
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from aliprotect._claims import Evidence, Resolution
from aliprotect._rule import RULE_FIELDS, Certainty, Citation, Conflict, Parent, Quantity, Reading, Rule
from aliprotect._schema import SCHEMA, Feeds, RuleSpec, Unit
from aliprotect._shown import shown
from aliprotect._sources import SOURCE_FIELDS, EvidenceLevel, Source, source
from aliprotect.errors import MalformedRulebookError


def _fail(where: str, problem: str) -> MalformedRulebookError:
    return MalformedRulebookError(f"rulebook {where}: {problem}")


def _table(data: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = data.get(key)
    if not isinstance(value, Mapping):
        raise _fail(f"{where}{key}", "is missing or is not a table")
    return value


def _text(data: Mapping[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _fail(f"{where}{key}", f"must be a non-empty string, found {shown(value)}")
    return value


def _citations(value: object, sources: Mapping[str, Source], where: str) -> tuple[Citation, ...]:
    if not isinstance(value, list) or not value:
        raise _fail(where, "must be a non-empty list of citations")
    # the longest source key that starts the citation, so "seed 00" never shadows "seed 001"
    keys = sorted(sources, key=len, reverse=True)
    citations = []
    for text in value:
        source = next((k for k in keys if isinstance(text, str) and text.startswith(k)), None)
        if source is None:
            raise _fail(where, f"citation {shown(text)} does not start with a source of [sources]")
        locator = text[len(source) :].lstrip(": ")
        section = sources[source].section(locator)
        citations.append(Citation(source, locator, section, sources[source].link(section)))
    return tuple(citations)


def _quantities(value: object, where: str) -> dict[str, Quantity]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise _fail(where, "must be a table of quantities")
    result = {}
    units = ", ".join(unit.value for unit in Unit)
    for name, spec in value.items():
        here = f"{where}.{name}"
        if not isinstance(spec, Mapping) or set(spec) not in ({"value", "unit"}, {"by_carrier", "unit"}):
            raise _fail(here, "must be a table with the keys value (or by_carrier) and unit")
        unit = spec["unit"]
        if not isinstance(unit, str) or unit not in {u.value for u in Unit}:
            raise _fail(f"{here}.unit", f"must be one of {units}, found {shown(unit)}")
        if "value" in spec:
            result[name] = Quantity(_whole(spec["value"], f"{here}.value"), Unit(unit))
            continue
        by_carrier = spec["by_carrier"]
        if not isinstance(by_carrier, Mapping) or not by_carrier or not all(isinstance(k, str) for k in by_carrier):
            raise _fail(
                f"{here}.by_carrier", f"must be a table of carrier groups and numbers, found {shown(by_carrier)}"
            )
        numbers = {group: _whole(number, f"{here}.by_carrier.{group}") for group, number in by_carrier.items()}
        result[name] = Quantity(None, Unit(unit), by_carrier=numbers)
    return result


def _whole(number: object, where: str) -> int:
    if isinstance(number, bool) or not isinstance(number, int) or number < 0:
        raise _fail(where, f"must be a whole number of 0 or more, found {shown(number)}")
    return number


_RULE_KEYS = frozenset(RULE_FIELDS)


_Choice = TypeVar("_Choice", Resolution, Evidence)


def _choices(value: object, choices: type[_Choice], where: str) -> tuple[_Choice, ...]:
    if value is None:
        return ()
    allowed = [choice.value for choice in choices]
    if not isinstance(value, list) or not all(isinstance(v, str) and v in allowed for v in value):
        raise _fail(where, f"must be a list of {', '.join(allowed)}; found {shown(value)}")
    return tuple(choices(v) for v in value)


def fields(data: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of the rulebook the document ``data`` describes, once it is checked.

    Raises:
        MalformedRulebookError: the document breaks the schema; the message names the place.
    """
    head = _table(data, "rulebook", "")
    version = _text(head, "version", "[rulebook].")
    published = _date(head, "published")
    certainty = head.get("in_force_certainty")
    if not isinstance(certainty, str) or certainty not in {c.value for c in Certainty}:
        allowed = ", ".join(c.value for c in Certainty)
        raise _fail("[rulebook].in_force_certainty", f"must be one of {allowed}, found {shown(certainty)}")
    if certainty == Certainty.UNKNOWN.value:
        if "in_force_from" in head:
            raise _fail("[rulebook].in_force_from", "must be left out when in_force_certainty is unknown")
        in_force_from = None
    else:
        in_force_from = _date(head, "in_force_from")
    carriers = _carriers(data.get("carriers"))
    parent = head.get("parent")
    if parent is not None and not (
        isinstance(parent, Mapping)
        and set(parent) == {"version", "fingerprint"}
        and all(isinstance(v, str) for v in parent.values())
    ):
        raise _fail("[rulebook].parent", f"must be a table with a version and a fingerprint, found {shown(parent)}")
    sources = {key: _source(key, spec) for key, spec in _table(data, "sources", "").items()}

    in_force_citations = _citations(head.get("in_force_citations"), sources, "[rulebook].in_force_citations")
    days_counted_in, days_counted_in_rules, days_counted_in_citations = _calendar(head, sources)
    not_stated = head.get("not_stated", [])
    if not isinstance(not_stated, list) or not all(isinstance(r, str) and r in SCHEMA for r in not_stated):
        raise _fail(
            "[rulebook].not_stated", f"must be a list of rule ids of aliprotect.rules.SCHEMA, found {shown(not_stated)}"
        )
    rules = {}
    silent_claims = set()
    for rule_id, spec in _table(data, "rules", "").items():
        where = f'[rules."{rule_id}"]'
        if not isinstance(spec, Mapping):
            raise _fail(where, "must be a table")
        unknown = set(spec) - _RULE_KEYS
        if unknown:
            raise _fail(where, f"has unknown keys {sorted(unknown)}; allowed: {', '.join(sorted(_RULE_KEYS))}")
        anchor, carried_from = spec.get("anchor"), spec.get("carried_from")
        if anchor is not None and (not isinstance(anchor, str) or anchor not in _spec(rule_id).anchors):
            raise _fail(f"{where}.anchor", f"{shown(anchor)} is not an anchor this rule can have")
        outcome = spec.get("outcome")
        if outcome is not None and (not isinstance(outcome, str) or outcome not in _spec(rule_id).outcomes):
            allowed = ", ".join(sorted(_spec(rule_id).outcomes)) or "none"
            raise _fail(
                f"{where}.outcome", f"{shown(outcome)} is not an outcome this rule can have (allowed: {allowed})"
            )
        waits = spec.get("in_transit_waits", False)
        if not isinstance(waits, bool) or (waits and not _spec(rule_id).in_transit_waits):
            raise _fail(
                f"{where}.in_transit_waits",
                f"must be true or false, and true only for {', '.join(_WAITING)}; found {shown(waits)}",
            )
        if carried_from is not None and (not isinstance(carried_from, str) or not carried_from.strip()):
            raise _fail(
                f"{where}.carried_from", f"must name the rulebook the rule is carried from, found {shown(carried_from)}"
            )
        rules[rule_id] = Rule(
            rule_id,
            _text(spec, "summary", f"{where}."),
            _citations(spec.get("citations"), sources, f"{where}.citations"),
            _quantities(spec.get("quantities"), f"{where}.quantities"),
            _choices(spec.get("resolutions"), Resolution, f"{where}.resolutions"),
            _choices(spec.get("evidence"), Evidence, f"{where}.evidence"),
            anchor,
            carried_from,
            waits,
            outcome=outcome,
        )
        if spec.get("resolutions") == []:
            silent_claims.add(rule_id)

    # a rule the schema gained after this rulebook was published is not stated by it
    later = [r for r, spec in SCHEMA.items() if r not in rules and spec.added is not None and spec.added > published]
    not_stated = [*not_stated, *(r for r in later if r not in not_stated)]
    _check_schema(version, rules, carriers, tuple(not_stated), silent_claims)
    conflicts = []
    raw_conflicts = data.get("conflicts", [])
    if not isinstance(raw_conflicts, list):
        raise _fail("[[conflicts]]", "must be an array of tables")
    for index, spec in enumerate(raw_conflicts):
        where = f"[[conflicts]] #{index + 1}"
        if not isinstance(spec, Mapping):
            raise _fail(where, "must be a table")
        named = spec.get("rules")
        if not isinstance(named, list) or not named or any(not isinstance(r, str) or r not in rules for r in named):
            raise _fail(f"{where}.rules", f"must list rule ids of this rulebook, found {shown(named)}")
        readings = spec.get("readings")
        if not isinstance(readings, list) or len(readings) < 2:
            raise _fail(f"{where}.readings", "must list at least two readings")
        conflicts.append(
            Conflict(
                _text(spec, "topic", f"{where}."),
                tuple(named),
                tuple(_reading(r, sources, f"{where}.readings") for r in readings),
                _text(spec, "follows", f"{where}."),
            )
        )

    document = _canonical(data)
    return {
        "version": version,
        "title": _text(head, "title", "[rulebook]."),
        "published": published,
        "in_force_from": in_force_from,
        "in_force_certainty": Certainty(certainty),
        "in_force_citations": in_force_citations,
        "summary": _text(head, "summary", "[rulebook]."),
        "parent": None if parent is None else Parent(parent["version"], parent["fingerprint"]),
        "sources": sources,
        "carriers": carriers,
        "not_stated": tuple(not_stated),
        "rules": rules,
        "conflicts": tuple(conflicts),
        "fingerprint": fingerprint(document),
        "document": document,
        "days_counted_in": days_counted_in,
        "days_counted_in_rules": days_counted_in_rules,
        "days_counted_in_citations": days_counted_in_citations,
    }


def _calendar(
    head: Mapping[str, Any], sources: Mapping[str, Source]
) -> tuple[str | None, tuple[str, ...], tuple[Citation, ...]]:
    """``[rulebook].days_counted_in`` (an IANA zone), the rules it counts the days of, and its
    citations; ``None`` and none when left out."""
    zone = head.get("days_counted_in")
    if zone is None:
        for key in ("days_counted_in_rules", "days_counted_in_citations"):
            if key in head:
                raise _fail(f"[rulebook].{key}", "must be left out when days_counted_in is")
        return None, (), ()
    if not isinstance(zone, str) or not _is_zone(zone):
        raise _fail(
            "[rulebook].days_counted_in", f"must name an IANA time zone such as 'Asia/Shanghai', found {shown(zone)}"
        )
    rules = head.get("days_counted_in_rules")
    if not isinstance(rules, list) or not rules or not all(isinstance(r, str) and r in SCHEMA for r in rules):
        raise _fail(
            "[rulebook].days_counted_in_rules",
            f"must list the rule ids whose days days_counted_in counts (those its sources show), found {shown(rules)}",
        )
    citations = _citations(head.get("days_counted_in_citations"), sources, "[rulebook].days_counted_in_citations")
    return zone, tuple(rules), citations


def _is_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def fingerprint(document: str) -> str:
    """The fingerprint of a rulebook's canonical document: ``sha256:`` and its SHA-256 in hex."""
    digest: str = _sha256(document.encode("utf-8")).hexdigest()
    return "sha256:" + digest


def _sha256_module() -> Callable[[bytes], Any]:
    """SHA-256 from the standard library's own implementation where it has one.

    ``hashlib`` loads OpenSSL, which costs the command line a few milliseconds of start-up
    on each run; the built-in module (``_sha2`` from Python 3.12, ``_sha256`` before) gives
    the same digest. ``hashlib`` remains the fallback for a build without them.
    """
    for name in ("_sha2", "_sha256"):
        with contextlib.suppress(ImportError):
            return importlib.import_module(name).sha256  # type: ignore[no-any-return]
    import hashlib

    return hashlib.sha256


_sha256 = _sha256_module()


def _source(key: str, spec: object) -> Source:
    """The source ``key`` of ``[sources]``: a table with a title, and optionally who published
    it, its address, its date, its evidence level and a note."""
    where = f'[sources."{key}"]'
    if not isinstance(spec, Mapping):
        raise _fail("[sources]", "every source must be a table with a title")
    unknown = sorted(set(spec) - set(SOURCE_FIELDS))
    if unknown:
        raise _fail(where, f"has unknown keys {unknown}; allowed: {', '.join(SOURCE_FIELDS)}")
    fields = {"title": _text(spec, "title", f"{where}.")}
    for name in SOURCE_FIELDS[1:]:
        if name in spec:
            fields[name] = _text(spec, name, f"{where}.")
    levels = [level.value for level in EvidenceLevel]
    if "evidence" in fields and fields["evidence"] not in levels:
        raise _fail(f"{where}.evidence", f"must be one of {', '.join(levels)}, found {shown(fields['evidence'])}")
    return source(key, fields)


def _reading(spec: object, sources: Mapping[str, Source], where: str) -> Reading:
    if not isinstance(spec, Mapping):
        raise _fail(where, "each reading must be a table with says and citations")
    return Reading(_text(spec, "says", f"{where}."), _citations(spec.get("citations"), sources, f"{where}.citations"))


def _carriers(value: object) -> dict[str, tuple[str, ...]]:
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(
        isinstance(names, list) and names and all(isinstance(n, str) and n.strip() for n in names)
        for names in value.values()
    ):
        raise _fail("[carriers]", "must be a table of carrier groups, each a non-empty list of carrier names")
    return {str(group): tuple(names) for group, names in value.items()}


def _canonical(data: Mapping[str, Any]) -> str:
    """The document's canonical JSON: sorted keys, no spaces, dates as ISO text."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _date(head: Mapping[str, Any], key: str) -> dt.date:
    """A date of the [rulebook] table: a TOML date, or its ISO text in a JSON document."""
    value = head.get(key)
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = dt.date.fromisoformat(value)
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise _fail(f"[rulebook].{key}", f"must be a TOML date like 2026-11-22, found {shown(value)}")
    return value


def _check_schema(
    version: str,
    rules: Mapping[str, Rule],
    carriers: Mapping[str, tuple[str, ...]],
    not_stated: tuple[str, ...],
    silent_claims: set[str],
) -> None:
    both = sorted(set(not_stated) & set(rules))
    if both:
        raise MalformedRulebookError(
            f"rulebook {version} lists {', '.join(both)} in [rulebook].not_stated and also states them; "
            "keep one or the other"
        )
    missing = sorted(set(SCHEMA) - set(rules) - set(not_stated))
    if missing:
        raise MalformedRulebookError(
            f"rulebook {version} lacks the rules {', '.join(missing)}; every rulebook has all the rules "
            "of aliprotect.rules.SCHEMA, or lists those its sources do not state in [rulebook].not_stated"
        )
    unknown = sorted(set(rules) - set(SCHEMA))
    if unknown:
        raise MalformedRulebookError(
            f"rulebook {version} has rules aliprotect does not know: {', '.join(unknown)}; "
            "check their ids against aliprotect.rules.SCHEMA"
        )
    for rule_id, spec in SCHEMA.items():
        if rule_id in not_stated:
            continue
        found = {name: q.unit for name, q in rules[rule_id].quantities.items()}
        required = {n for n in spec.numbers if n not in spec.one_of and spec.unless.get(n, "") not in found}
        fits = (
            required <= set(found)
            and set(found) <= set(spec.numbers) | set(spec.optional)
            and all(spec.allows(n, u) for n, u in found.items())
            and (not spec.one_of or len(spec.one_of & set(found)) == 1)
        )
        if not fits:
            want = ", ".join(f"{n} in {u.value}" for n, u in spec.numbers.items()) or "no numbers"
            have = ", ".join(f"{n} in {u.value}" for n, u in found.items()) or "no numbers"
            raise MalformedRulebookError(f"rule {rule_id} of rulebook {version} has {have}; it must have {want}")
        for name, quantity in rules[rule_id].quantities.items():
            if quantity.by_carrier and set(quantity.by_carrier) != set(carriers):
                raise MalformedRulebookError(
                    f"rule {rule_id} of rulebook {version}: {name} must give a number for each carrier group "
                    f"of [carriers] ({', '.join(carriers) or 'none'}), and only for them"
                )
        if Feeds.CLAIMS in spec.feeds and not rules[rule_id].resolutions and rule_id not in silent_claims:
            raise MalformedRulebookError(
                f"rule {rule_id} of rulebook {version} lists no resolutions; a claim of that kind must ask for one "
                "(write resolutions = [] only when the rulebook's sources do not say which)"
            )


_WAITING = tuple(rule_id for rule_id, spec in SCHEMA.items() if spec.in_transit_waits)


def _spec(rule_id: object) -> RuleSpec:
    """The schema's entry for ``rule_id``; an empty one for an id the schema lacks (refused later)."""
    return SCHEMA.get(str(rule_id)) or RuleSpec()
