"""JSON for storage: orders, disputes, rulebooks, answers, advice and decisions, and back.

Every document is an envelope ``{"aliprotect": 2, "type": "Order", "value": {...}}``:
the schema version, the type and the value. Instants are ISO 8601 text with their
offset, and their zone in brackets when they have a named one
(``2025-03-01T10:00:00+08:00[Asia/Shanghai]``); amounts are decimal text; enums are
their values. A rulebook is stored whole, with its fingerprint, and is checked against
it when read back.

Reading back is strict: another schema version, an unknown type, a missing field or a
tampered fingerprint is an error that names the problem; nothing is guessed.

Values are written and read through a `cattrs <https://catt.rs>`_ converter, by the declared
type of each field, with hooks for instants, amounts, enums, strict text and numbers, and
the values that have a shape of their own (a rulebook, a list of advice, a decision). The
envelope, the fingerprint checks and the refusal of unknown fields are this module's.

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

import contextvars
import datetime as dt
import difflib
import enum
import json
import typing
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import attrs
import cattrs
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
from aliprotect._shown import shown
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


# --- the converter ---------------------------------------------------------------------
#
# cattrs writes and reads every field by its declared type: the hooks below say how an instant,
# an amount, an enum and the values with a shape of their own (a rulebook, a list of advice, a
# decision) are written and read. Reading an attrs class goes through one hook of this module
# (_class_hook), which keeps what a document reader must do beyond types: refuse an unknown
# field (naming the field it looks like), and name every problem of a value at once, its
# fields' and its own, with where each is in the document.

_converter = cattrs.Converter(unstruct_collection_overrides={tuple: list})

_WHERE: contextvars.ContextVar[str] = contextvars.ContextVar("where", default="document")
"""Where the value being read is in the document (``Order.extensions[0].days``): the errors name it."""


def _instant(value: dt.datetime) -> str:
    value = _days.aware(value, "instant")
    zone = _days.zone_name(value)
    return value.isoformat() if zone is None else f"{value.isoformat()}[{zone}]"


_converter.register_unstructure_hook(pendulum.DateTime, _instant)
_converter.register_unstructure_hook(Decimal, str)
_converter.register_unstructure_hook(
    Rulebook, lambda book: {"document": json.loads(book.document), "fingerprint": book.fingerprint}
)
_converter.register_unstructure_hook(
    AdviceList,
    lambda advice: {
        "items": [_converter.unstructure(item, Advice) for item in advice],
        "rulebook": advice.rulebook,
        "fingerprint": advice.fingerprint,
    },
)
_converter.register_unstructure_hook(
    Decision,
    lambda decision: {
        "question": decision.question,
        "inputs": {name: _tagged(item) for name, item in decision.inputs.items()},
        "answer": _tagged(decision.answer),
        "rulebook": decision.rulebook,
        "fingerprint": decision.fingerprint,
    },
)


_DEEPEST = 8
"""How deep sequences may nest in a decision's inputs: aliprotect writes them one deep (a list
of orders); a bound, so that neither the writer nor the reader recurses without end."""


def _tagged(value: object, depth: int = 0) -> Any:
    """A value with its type, for places whose type the schema does not fix (a decision's inputs)."""
    kind = type(value)
    if isinstance(value, dt.datetime):
        return {"type": "DateTime", "value": _instant(value)}
    if isinstance(value, enum.Enum) and kind.__name__ in _ENUMS:
        return {"type": kind.__name__, "value": value.value}
    if kind.__name__ in _TYPES or kind is AdviceList:
        return {"type": kind.__name__, "value": _converter.unstructure(value, kind)}
    if isinstance(value, tuple | list):  # the earlier disputes of a question, the reminders of upcoming()
        if depth >= _DEEPEST:
            raise DocumentError(f"sequences nest more than {_DEEPEST} deep here, deeper than aliprotect writes")
        return {"type": "Sequence", "value": [_tagged(item, depth + 1) for item in value]}
    raise DocumentError(f"{shown(value)} ({kind.__name__}) cannot be written as an aliprotect document")


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
        raise InvalidValueError(f"indent={shown(indent)} must be a whole number of spaces from 0 to 64, or None")
    return json.dumps(to_data(value), sort_keys=True, indent=indent, ensure_ascii=False)


# --- decoding -----------------------------------------------------------------------


def _fail(where: str, problem: str) -> DocumentError:
    return DocumentError(f"document {where}: {problem}")


def _here(problem: str) -> DocumentError:
    """A problem of the value being read, named by where it is in the document."""
    return _fail(_WHERE.get(), problem)


def _read_instant(data: Any, _: type) -> pendulum.DateTime:
    if not isinstance(data, str):
        raise _here(f"must be an ISO 8601 instant, found {shown(data)}")
    return _days.parse_instant(data, field=_WHERE.get())


def _read_amount(data: Any, _: type) -> Any:
    if not isinstance(data, str):
        raise _here(f"must be a decimal amount written as text, found {shown(data)}")
    return data  # Money converts and checks it


def _read_plain(kind: type) -> Callable[[Any, type], Any]:
    def read(data: Any, _: type) -> Any:
        if not isinstance(data, kind) or (kind is int and isinstance(data, bool)):
            raise _here(f"must be {kind.__name__}, found {shown(data)}")
        return data

    return read


def _enum_hook(kind: type[enum.Enum]) -> Callable[[Any, type], Any]:
    allowed = ", ".join(repr(member.value) for member in kind)

    def read(data: Any, _: type) -> Any:
        try:
            return kind(data)
        except (ValueError, TypeError):  # TypeError: an unhashable value, such as a list
            raise _here(f"{shown(data)} is not a {kind.__name__}; one of {allowed}") from None

    return read


def _tuple_hook(hint: Any) -> Callable[[Any, type], Any]:
    (item, _) = typing.get_args(hint)
    read_item = _converter.get_structure_hook(item)

    def read(data: Any, _: type) -> tuple[Any, ...]:
        if not isinstance(data, list):
            raise _here(f"must be a list, found {shown(data)}")
        where = _WHERE.get()
        found = []
        for index, value in enumerate(data):
            token = _WHERE.set(f"{where}[{index}]")
            try:
                found.append(read_item(value, item))
            finally:
                _WHERE.reset(token)
        return tuple(found)

    return read


def _with_look_alike(name: str, missing: list[str]) -> str:
    """``name``, and the field it looks like that the value lacks (``shiped_at`` for ``shipped_at``)."""
    close = difflib.get_close_matches(name, missing, n=1, cutoff=0.8)
    return f"{name} (did you mean {close[0]}?)" if close else name


def _class_hook(cls: type) -> Callable[[Any, type], Any]:
    """How to read the attrs class ``cls``: each field by its declared type (the hooks cattrs
    finds for it, once), every problem of the value at once, then the value built."""
    fields = {field.name: field for field in attrs.fields(cls)}
    hints = typing.get_type_hints(cls)
    readers = {name: (_converter.get_structure_hook(hints[name]), hints[name]) for name in fields}

    def read(data: Any, _: type) -> Any:
        where = _WHERE.get()
        if not isinstance(data, Mapping):
            raise _fail(where, f"must be an object of the fields of {cls.__name__}, found {shown(data)}")
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
                    problems.append(_fail(where, f"lacks the field {shown(name)} of {cls.__name__}"))
                continue
            reader, hint = readers[name]
            token = _WHERE.set(f"{where}.{name}")  # not a with block: this runs for every field read
            try:
                values[name] = reader(data[name], hint)
            except AliprotectError as error:
                problems.append(error)
            finally:
                _WHERE.reset(token)
        return _checks.built(cls, values, problems)

    return read


def _is_enum(hint: Any) -> bool:
    return isinstance(hint, type) and issubclass(hint, enum.Enum)


def _is_tuple(hint: Any) -> bool:
    return typing.get_origin(hint) is tuple


def _special(hook: Callable[[Any, str], Any]) -> Callable[[Any, type], Any]:
    """A reader written for one type (a rulebook, a decision, a list of advice), given where it is."""
    return lambda data, _: hook(data, _WHERE.get())


for _kind in (str, int, bool):
    _converter.register_structure_hook(_kind, _read_plain(_kind))
_converter.register_structure_hook(pendulum.DateTime, _read_instant)
_converter.register_structure_hook(Decimal, _read_amount)
_converter.register_structure_hook_factory(_is_enum, _enum_hook)
_converter.register_structure_hook_factory(_is_tuple, _tuple_hook)
_converter.register_structure_hook(Rulebook, _special(lambda data, where: _rulebook(data, where)))
_converter.register_structure_hook(Decision, _special(lambda data, where: _decision(data, where)))
_converter.register_structure_hook(AdviceList, _special(lambda data, where: _advice_list(data, where)))
_converter.register_structure_hook_factory(attrs.has, _class_hook)


def _decode(data: Any, hint: Any, where: str) -> Any:
    """Read ``data`` back as a value of the type ``hint``, found at ``where`` in the document."""
    token = _WHERE.set(where)
    try:
        return _converter.structure(data, hint)
    finally:
        _WHERE.reset(token)


def _rulebook(data: Any, where: str) -> Rulebook:
    if not isinstance(data, Mapping) or set(data) != {"document", "fingerprint"}:
        raise _fail(where, "a rulebook is an object with its document and its fingerprint")
    book = Rulebook.from_dict(data["document"])
    if book.fingerprint != data["fingerprint"]:
        raise FingerprintError(
            f"document {where}: the rulebook {book.version} it holds has the fingerprint "
            f"{book.fingerprint}, not the {shown(data['fingerprint'])} stored with it; "
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


def _from_tagged(data: Any, where: str, depth: int = 0) -> Any:
    if not isinstance(data, Mapping) or set(data) != {"type", "value"}:
        raise _fail(where, f"must be an object with a type and a value, found {shown(data)}")
    kind = data["type"]
    if not isinstance(kind, str):
        raise _fail(where, f"the type must be a name, found {shown(kind)}")
    if kind == "DateTime":
        return _decode(data["value"], pendulum.DateTime, where)
    if kind == "Sequence":
        items = data["value"]
        if not isinstance(items, list):
            raise _fail(where, f"a sequence is a list of values with their types, found {shown(items)}")
        if depth >= _DEEPEST:
            raise _fail(where, f"sequences nest more than {_DEEPEST} deep here, deeper than aliprotect writes")
        return tuple(_from_tagged(item, f"{where}[{index}]", depth + 1) for index, item in enumerate(items))
    cls: Any = _ENUMS.get(kind) or _TYPES.get(kind) or (AdviceList if kind == "AdviceList" else None)
    if cls is None:
        known = ", ".join(sorted(["DateTime", "AdviceList", "Sequence", *_ENUMS, *_TYPES]))
        raise _fail(where, f"type {shown(kind)} is not one aliprotect stores; it stores: {known}")
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
            f"the document has schema version {shown(data['aliprotect'])}; this aliprotect reads version "
            f"{SCHEMA_VERSION} only"
        )
    return _from_tagged({"type": data["type"], "value": data["value"]}, str(data["type"]))


def from_json(text: str) -> Any:
    """Read back JSON text made by :func:`to_json`; see :func:`from_data` for the errors."""
    try:
        data, repeats = _checks.json_loads(text)
    except RecursionError:
        raise DocumentError("the document nests too deeply to be one of aliprotect's documents") from None
    except (ValueError, TypeError) as error:  # not JSON, not text, or an integer too long to read
        raise DocumentError(f"the document is not JSON: {error}") from None
    if repeats:
        raise DocumentError(_checks.once(str(_checks.repeated_field(data))))
    return from_data(data)
