"""JSON for storage: orders, disputes, rulebooks, answers, advice and decisions, and back.

Every document is an envelope ``{"aliprotect": 2, "type": "Order", "value": {...}}``:
the schema version, the type and the value. Instants are ISO 8601 text with their
offset, and their zone in brackets when they have a named one
(``2025-03-01T10:00:00+08:00[Asia/Shanghai]``); amounts are decimal text; enums are
their values. A rulebook is stored whole, with its fingerprint, and is checked against
it when read back.

Reading back is strict: another schema version, an unknown type, a missing field or a
tampered fingerprint is an error that names the problem; nothing is guessed.

Example:
    >>> import pendulum, aliprotect
    >>> order = aliprotect.Order(
    ...     id="A1",
    ...     placed_at=pendulum.datetime(2025, 3, 1, 10, tz="Asia/Shanghai"),
    ...     protection_days=60,
    ...     amount=aliprotect.Money("12.50", "USD"),
    ... )
    >>> text = aliprotect.to_json(order)
    >>> text[:60]
    '{"aliprotect": 2, "type": "Order", "value": {"amount": {"amo'
    >>> aliprotect.from_json(text) == order
    True
"""

from __future__ import annotations

import datetime as dt
import difflib
import enum
import functools
import json
import types
import typing
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs
import pendulum

from aliprotect import _checks, _days
from aliprotect._advice import Action, Advice, AdviceList, Role, Urgency
from aliprotect._answers import Deadline, Timeline, Verdict, Window
from aliprotect._claims import Circumstance, Claim, ClaimKind, Evidence, Resolution
from aliprotect._dispute import Dispute, DisputeEvent, DisputeEventKind, DisputeStatus, Outcome, Stage
from aliprotect._model import Extension, Money, Order
from aliprotect._provenance import Decision
from aliprotect._reminders import Reminder
from aliprotect._rulebook import Rulebook
from aliprotect._tracking import Location, Tracking, TrackingEvent
from aliprotect.errors import AliprotectError, DocumentError, FingerprintError, InvalidValueError

SCHEMA_VERSION = 2
"""The version of the document schema; a document of another version is refused."""

_TYPES: dict[str, type] = {
    cls.__name__: cls
    for cls in (
        Order,
        Extension,
        Money,
        Claim,
        Dispute,
        DisputeEvent,
        DisputeStatus,
        Deadline,
        Window,
        Verdict,
        Timeline,
        Decision,
        Rulebook,
        Tracking,
        TrackingEvent,
        Advice,
        Reminder,
    )
}
_ENUMS: dict[str, type[enum.Enum]] = {
    cls.__name__: cls
    for cls in (
        ClaimKind,
        Resolution,
        Evidence,
        Circumstance,
        DisputeEventKind,
        Stage,
        Outcome,
        Location,
        Role,
        Action,
        Urgency,
    )
}


# --- encoding -----------------------------------------------------------------------


def _instant(value: pendulum.DateTime) -> str:
    text = value.isoformat()
    zone = value.tzinfo
    if isinstance(zone, pendulum.Timezone) and not isinstance(zone, pendulum.FixedTimezone):
        text += f"[{zone.name}]"
    return text


def _encode(value: object) -> Any:
    """Plain JSON data for a field value; the field's type says how to read it back."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, dt.datetime):
        return _instant(_days.aware(value, "instant"))
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Rulebook):
        return {"document": json.loads(value.document), "fingerprint": value.fingerprint}
    if isinstance(value, AdviceList):
        return {
            "items": [_encode(item) for item in value],
            "rulebook": value.rulebook,
            "fingerprint": value.fingerprint,
        }
    if isinstance(value, Decision):
        return {
            "question": value.question,
            "inputs": {name: _tagged(item) for name, item in value.inputs.items()},
            "answer": _tagged(value.answer),
            "rulebook": value.rulebook,
            "fingerprint": value.fingerprint,
        }
    if attrs.has(type(value)):
        fields = attrs.fields(type(value))  # type: ignore[arg-type]  # attrs.has() checked it
        return {field.name: _encode(getattr(value, field.name)) for field in fields}
    if isinstance(value, tuple | list):
        return [_encode(item) for item in value]
    # the stored types hold nothing else
    raise DocumentError(f"{value!r} ({type(value).__name__}) cannot be written")  # pragma: no cover


def _tagged(value: object) -> Any:
    """A value with its type, for places whose type the schema does not fix (a decision's inputs)."""
    kind = type(value)
    if isinstance(value, dt.datetime):
        return {"type": "DateTime", "value": _encode(value)}
    if isinstance(value, enum.Enum) and kind.__name__ in _ENUMS:
        return {"type": kind.__name__, "value": value.value}
    if kind.__name__ in _TYPES or kind is AdviceList:
        return {"type": kind.__name__, "value": _encode(value)}
    if isinstance(value, tuple | list):  # the earlier disputes of a question, the reminders of upcoming()
        return {"type": "Sequence", "value": [_tagged(item) for item in value]}
    raise DocumentError(f"{value!r} ({kind.__name__}) cannot be written as an aliprotect document")


def to_data(value: object) -> dict[str, Any]:
    """``value`` as a JSON-ready document: ``{"aliprotect": 2, "type": ..., "value": ...}``.

    Raises:
        DocumentError: the value is not of a type aliprotect stores.
    """
    tagged = _tagged(value)
    return {"aliprotect": SCHEMA_VERSION, "type": tagged["type"], "value": tagged["value"]}


def to_json(value: object, *, indent: int | None = None) -> str:
    """``value`` as JSON text (see :func:`to_data`); keys are sorted, so equal values give equal text."""
    if indent is not None and (isinstance(indent, bool) or not isinstance(indent, int) or not 0 <= indent <= 64):
        raise InvalidValueError(f"indent={indent!r} must be a whole number of spaces from 0 to 64, or None")
    return json.dumps(to_data(value), sort_keys=True, indent=indent, ensure_ascii=False)


# --- decoding -----------------------------------------------------------------------


def _fail(where: str, problem: str) -> DocumentError:
    return DocumentError(f"document {where}: {problem}")


def _decode(data: Any, hint: Any, where: str) -> Any:
    """Read ``data`` back as a value of the type ``hint``."""
    origin, arguments = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if data is None and type(None) in arguments:
            return None
        (inner,) = [argument for argument in arguments if argument is not type(None)]
        return _decode(data, inner, where)
    if origin is tuple:
        if not isinstance(data, list):
            raise _fail(where, f"must be a list, found {data!r}")
        return tuple(_decode(item, arguments[0], f"{where}[{index}]") for index, item in enumerate(data))
    if hint is pendulum.DateTime:
        if not isinstance(data, str):
            raise _fail(where, f"must be an ISO 8601 instant, found {data!r}")
        return _days.parse_instant(data, field=where)
    if hint is Decimal:
        if not isinstance(data, str):
            raise _fail(where, f"must be a decimal amount written as text, found {data!r}")
        return data  # Money converts and checks it
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        try:
            return hint(data)
        except ValueError:
            allowed = ", ".join(repr(member.value) for member in hint)
            raise _fail(where, f"{data!r} is not a {hint.__name__}; one of {allowed}") from None
    if hint is Rulebook:
        return _rulebook(data, where)
    if hint is Decision:
        return _decision(data, where)
    if hint is AdviceList:
        return _advice_list(data, where)
    if isinstance(hint, type) and attrs.has(hint):
        return _attrs(data, hint, where)
    if hint in (str, int, bool):
        if not isinstance(data, hint) or (hint is int and isinstance(data, bool)):
            raise _fail(where, f"must be {hint.__name__}, found {data!r}")
        return data
    raise _fail(where, f"has a type aliprotect cannot read: {hint!r}")  # pragma: no cover


@functools.cache
def _shape(cls: type) -> tuple[dict[str, Any], dict[str, attrs.Attribute[Any]]]:
    """The type of each field of the attrs class ``cls``, and its fields: read once per class."""
    return typing.get_type_hints(cls), {field.name: field for field in attrs.fields(cls)}


def _with_look_alike(name: str, missing: list[str]) -> str:
    """``name``, and the field it looks like that the value lacks (``shiped_at`` for ``shipped_at``)."""
    close = difflib.get_close_matches(name, missing, n=1, cutoff=0.8)
    return f"{name} (did you mean {close[0]}?)" if close else name


def _attrs(data: Any, cls: type, where: str) -> Any:
    if not isinstance(data, Mapping):
        raise _fail(where, f"must be an object of the fields of {cls.__name__}, found {data!r}")
    hints, fields = _shape(cls)
    problems: list[AliprotectError] = []  # every problem of the value, not only the first
    unknown = sorted(set(data) - set(fields), key=str)
    if unknown:
        missing = [name for name in fields if name not in data]
        named = ", ".join(_with_look_alike(str(name), missing) for name in unknown)
        problems.append(_fail(where, f"has fields {cls.__name__} does not have: {named}"))
    values = {}
    for name, field in fields.items():
        if name not in data:
            if field.default is attrs.NOTHING:
                problems.append(_fail(where, f"lacks the field {name!r} of {cls.__name__}"))
            continue
        try:
            values[name] = _decode(data[name], hints[name], f"{where}.{name}")
        except AliprotectError as error:
            problems.append(error)
    return _checks.built(cls, values, problems)


def _rulebook(data: Any, where: str) -> Rulebook:
    if not isinstance(data, Mapping) or set(data) != {"document", "fingerprint"}:
        raise _fail(where, "a rulebook is an object with its document and its fingerprint")
    book = Rulebook.from_dict(data["document"])
    if book.fingerprint != data["fingerprint"]:
        raise FingerprintError(
            f"document {where}: the rulebook {book.version} it holds has the fingerprint "
            f"{book.fingerprint}, not the {data['fingerprint']!r} stored with it; "
            "the rulebook or its fingerprint was changed"
        )
    return book


def _decision(data: Any, where: str) -> Decision:
    if not isinstance(data, Mapping) or set(data) != {
        "question",
        "inputs",
        "answer",
        "rulebook",
        "fingerprint",
    }:
        raise _fail(where, "a decision has a question, inputs, an answer, a rulebook and a fingerprint")
    inputs = data["inputs"]
    if not isinstance(inputs, Mapping):
        raise _fail(f"{where}.inputs", "must be an object")
    decoded = {name: _from_tagged(item, f"{where}.inputs.{name}") for name, item in inputs.items()}
    answer = _from_tagged(data["answer"], f"{where}.answer")
    try:
        return Decision(
            question=data["question"],
            inputs=decoded,
            answer=answer,
            rulebook=data["rulebook"],
            fingerprint=data["fingerprint"],
        )
    except InvalidValueError as error:  # a question it cannot ask again: refused now, not at replay
        raise _fail(where, str(error)) from None


def _advice_list(data: Any, where: str) -> AdviceList:
    if not isinstance(data, Mapping) or set(data) != {"items", "rulebook", "fingerprint"}:
        raise _fail(where, "a list of advice is an object with its items, a rulebook and a fingerprint")
    items = _decode(data["items"], tuple[Advice, ...], f"{where}.items")
    rulebook, fingerprint = _decode(data["rulebook"], str, f"{where}.rulebook"), data["fingerprint"]
    return AdviceList(items, rulebook=rulebook, fingerprint=_decode(fingerprint, str, f"{where}.fingerprint"))


def _from_tagged(data: Any, where: str) -> Any:
    if not isinstance(data, Mapping) or set(data) != {"type", "value"}:
        raise _fail(where, f"must be an object with a type and a value, found {data!r}")
    kind = data["type"]
    if not isinstance(kind, str):
        raise _fail(where, f"the type must be a name, found {kind!r}")
    if kind == "DateTime":
        return _decode(data["value"], pendulum.DateTime, where)
    if kind == "Sequence":
        items = data["value"]
        if not isinstance(items, list):
            raise _fail(where, f"a sequence is a list of values with their types, found {items!r}")
        return tuple(_from_tagged(item, f"{where}[{index}]") for index, item in enumerate(items))
    cls: Any = _ENUMS.get(kind) or _TYPES.get(kind) or (AdviceList if kind == "AdviceList" else None)
    if cls is None:
        known = ", ".join(sorted(["DateTime", "AdviceList", "Sequence", *_ENUMS, *_TYPES]))
        raise _fail(where, f"type {kind!r} is not one aliprotect stores; it stores: {known}")
    return _decode(data["value"], cls, where)


def from_data(data: Mapping[str, Any]) -> Any:
    """Read back a document made by :func:`to_data`.

    Raises:
        DocumentError: not a document of this schema version, an unknown type, or a field
            missing or of the wrong kind.
        FingerprintError: a rulebook whose fingerprint does not match its rules.
        AliprotectError: the values themselves are invalid (for example events out of
            order), as when the value is built in code.
    """
    if not isinstance(data, Mapping) or set(data) != {"aliprotect", "type", "value"}:
        raise DocumentError("an aliprotect document is an object with the keys aliprotect, type and value")
    if data["aliprotect"] != SCHEMA_VERSION:
        raise DocumentError(
            f"the document has schema version {data['aliprotect']!r}; this aliprotect reads version "
            f"{SCHEMA_VERSION} only"
        )
    return _from_tagged({"type": data["type"], "value": data["value"]}, str(data["type"]))


def from_json(text: str) -> Any:
    """Read back JSON text made by :func:`to_json`; see :func:`from_data` for the errors."""
    try:
        data = json.loads(text)
    except RecursionError:
        raise DocumentError("the document nests too deeply to be one of aliprotect's documents") from None
    except (ValueError, TypeError) as error:  # not JSON, not text, or an integer too long to read
        raise DocumentError(f"the document is not JSON: {error}") from None
    return from_data(data)
