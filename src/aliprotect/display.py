"""Showing answers to people: HTML for Jupyter, an SVG timeline, records for pandas, and
the rules as Markdown for the documentation site.

Everything here builds text from values; nothing is read, written or fetched, and no
plotting or dataframe library is needed. Importing this module registers its HTML
formatters with the library's values (``import aliprotect`` does), so a notebook shows
them as tables and pictures; the core never imports this module.
"""

from __future__ import annotations

import datetime as dt
import enum
import html
import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import pendulum

from aliprotect import _checks, _formatting
from aliprotect._advice import Advice, AdviceList
from aliprotect._answers import Deadline, Timeline, Verdict, Window
from aliprotect._claims import Claim
from aliprotect._dispute import Dispute, DisputeEvent, DisputeStatus
from aliprotect._model import Extension, Money, Order
from aliprotect._pictures import Svg, orders_svg, timeline_svg
from aliprotect._provenance import Decision, Replay
from aliprotect._registry import SUPERSEDED, published
from aliprotect._reminders import Reminder
from aliprotect._rule import Citation, Quantity
from aliprotect._rulebook import Rulebook, diff
from aliprotect._shown import shown
from aliprotect._timeline import timeline
from aliprotect._tracking import Tracking, TrackingEvent
from aliprotect.errors import InvalidValueError, UnknownRulebookError

__all__ = [
    "Svg",
    "advice_html",
    "comparison_markdown",
    "deadline_html",
    "dispute_html",
    "fields_html",
    "number_text",
    "order_html",
    "orders_svg",
    "reminder_html",
    "rulebook_html",
    "rules_markdown",
    "status_html",
    "timeline_html",
    "timeline_svg",
    "to_records",
    "verdict_html",
    "window_html",
]

_STYLE = "border-collapse:collapse;font-family:sans-serif;font-size:13px"
_CELL = "border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top"


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _when(instant: pendulum.DateTime | None) -> str:
    return "" if instant is None else instant.isoformat()


def _rule_links(rule_ids: Iterable[str], book: Rulebook | None) -> str:
    """Rule ids, each with its summary and sources as a tooltip."""
    parts = []
    for rule_id in rule_ids:
        if book is not None and rule_id in book.rules:
            rule = book.rules[rule_id]
            carried = f"; carried over from rulebook {rule.carried_from}" if rule.carried_from else ""
            tip = f"{rule.summary} ({', '.join(str(c) for c in rule.citations)}{carried})"
            parts.append(f'<abbr title="{_e(tip)}"><code>{_e(rule_id)}</code></abbr>')
        else:
            parts.append(f"<code>{_e(rule_id)}</code>")
    return " ".join(parts)


def _book(version: str, fingerprint: str) -> Rulebook | None:
    """The published rulebook of that version and fingerprint, if there is one, for the tooltips."""
    try:
        book = published(version)
    except UnknownRulebookError:  # a custom rulebook: show the ids without tooltips
        return None
    return book if book.fingerprint == fingerprint else None


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    head = "".join(f'<th style="{_CELL}">{_e(h)}</th>' for h in headers)
    body = "".join("<tr>" + "".join(f'<td style="{_CELL}">{cell}</td>' for cell in row) + "</tr>" for row in rows)
    return f'<table style="{_STYLE}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _deadline_rows(deadlines: Iterable[Deadline], book: Rulebook | None) -> list[list[str]]:
    return [
        [_e(_when(d.at)), f"<b>{_e(d.name)}</b>", _e(d.description), _rule_links(d.rule_ids, book)] for d in deadlines
    ]


def timeline_html(result: Timeline) -> str:
    """A table of a timeline's deadlines, with rule ids that show their rule on hover."""
    result = _checks.instance(result, Timeline, "result")
    book = _book(result.rulebook, result.fingerprint)
    caption = f"<p><b>Order {_e(result.order_id)}</b> · rulebook {_e(result.rulebook)}</p>"
    if not result.deadlines:
        return caption + "<p>Not shipped yet: no protection timer and no dispute window.</p>"
    return caption + _table(["when", "deadline", "what", "rules"], _deadline_rows(result.deadlines, book))


def order_html(order: Order, *, rules: Rulebook | None = None) -> str:
    """An order's facts, its timeline and a picture of it (with the latest rulebook by default)."""
    order = _checks.instance(order, Order, "order")
    rules = rules or published()
    extensions = ", ".join(f"+{shown(e.days)} days at {e.granted_at.isoformat()}" for e in order.extensions) or "none"
    amount = "" if order.amount is None else f"{order.amount.amount} {order.amount.currency}"
    facts = [
        ("placed", _when(order.placed_at)),
        ("shipped", _when(order.shipped_at) or "not yet"),
        ("received", _when(order.received_at) or "not yet"),
        ("protection", f"{shown(order.protection_days)} days"),
        ("extensions", extensions),
        ("amount", amount or "unknown"),
    ]
    rows = [[f"<b>{_e(k)}</b>", _e(v)] for k, v in facts]
    picture = timeline_svg(order, rules=rules) if order.shipped_at is not None else ""
    return _table(["order", _e(order.id)], rows) + picture + timeline_html(timeline(order, rules=rules))


def status_html(now: DisputeStatus) -> str:
    """A dispute's stage, what it means, its deadlines, refund, offer and rules."""
    now = _checks.instance(now, DisputeStatus, "now")
    book = _book(now.rulebook, now.fingerprint)
    lines = [
        f"<p><b>Dispute of order {_e(now.order_id)}</b> at {_e(_when(now.at))}: "
        f"<b>{_e(now.stage.value)}</b>{'' if now.outcome is None else ' (' + _e(now.outcome.value) + ')'}</p>",
        f"<p>{_e(now.description)}</p>",
    ]
    if now.refund is not None:
        lines.append(f"<p>Refund: {_e(now.refund.amount)} {_e(now.refund.currency)}</p>")
    if now.offer is not None:
        lines.append(f"<p>Seller's offer: {_e(now.offer.amount)} {_e(now.offer.currency)}</p>")
    if now.deadlines:
        lines.append(_table(["when", "deadline", "what", "rules"], _deadline_rows(now.deadlines, book)))
    lines.append(f"<p>Rules: {_rule_links(now.rule_ids, book)} · rulebook {_e(now.rulebook)}</p>")
    return "".join(lines)


def verdict_html(verdict: Verdict) -> str:
    """A verdict: allowed or refused, at which instant, why, and the rules behind it."""
    verdict = _checks.instance(verdict, Verdict, "verdict")
    book = _book(verdict.rulebook, verdict.fingerprint)
    answer = "allowed" if verdict.allowed else "refused"
    return (
        f"<p><b>{answer}</b> at {_e(_when(verdict.at))}: {_e(verdict.reason)}</p>"
        f"<p>Rules: {_rule_links(verdict.rule_ids, book)} · rulebook {_e(verdict.rulebook)}</p>"
    )


def window_html(window: Window) -> str:
    """A window: from when until when (that instant excluded), and its rules."""
    window = _checks.instance(window, Window, "window")
    book = _book(window.rulebook, window.fingerprint)
    return (
        f"<p>Open from <b>{_e(_when(window.opens))}</b> until <b>{_e(_when(window.closes))}</b> "
        f"(that instant excluded)</p>"
        f"<p>Rules: {_rule_links(window.rule_ids, book)} · rulebook {_e(window.rulebook)}</p>"
    )


def deadline_html(deadline: Deadline) -> str:
    """One deadline as a table row, with its rules."""
    deadline = _checks.instance(deadline, Deadline, "deadline")
    book = _book(deadline.rulebook, deadline.fingerprint)
    return _table(["when", "deadline", "what", "rules"], _deadline_rows([deadline], book))


def dispute_html(dispute: Dispute) -> str:
    """A dispute's claim, when it opened, and its events."""
    dispute = _checks.instance(dispute, Dispute, "dispute")
    claim = dispute.claim
    head = (
        f"<p><b>Dispute of order {_e(dispute.order.id)}</b>, opened at {_e(_when(dispute.opened_at))} "
        f"under rulebook {_e(dispute.rulebook)}: {_e(claim.kind.value)}, asking for {_e(claim.resolution.value)}</p>"
    )
    rows = [[_e(_when(event.at)), f"<b>{_e(event.kind.value)}</b>"] for event in dispute.events]
    return head + (_table(["when", "event"], rows) if rows else "<p>No event yet.</p>")


def fields_html(value: object) -> str:
    """Any of the library's values, field by field: a table of each field's name and value, with
    a value that has a display of its own (an answer in a decision) shown by it.

    The notebook display of the values without a table of their own: ``Money``,
    ``Extension``, ``Claim``, ``Tracking``, ``TrackingEvent``, ``DisputeEvent``,
    ``Decision``, ``Replay`` and AliExpress's ``ApiOrder``, ``Shipment`` and
    ``Reconciliation``.

    Example:
        >>> import aliprotect
        >>> from aliprotect.display import fields_html
        >>> import re
        >>> shown = fields_html(aliprotect.Money("9.90", "EUR"))
        >>> re.findall(r"<td[^>]*>(.*?)</td>", shown)
        ['<b>amount</b>', '9.90', '<b>currency</b>', 'EUR']
    """
    kind = type(value)
    if not attrs.has(kind) or kind.__module__.partition(".")[0] != "aliprotect":  # its values only: they nest finitely
        raise InvalidValueError(f"value={shown(value)} must be one of aliprotect's values, such as aliprotect.Money")
    fields = attrs.fields(kind)
    rows = [[f"<b>{_e(field.name)}</b>", _field(getattr(value, field.name))] for field in fields]
    return f"<p><b>{_e(type(value).__name__)}</b></p>" + _table(["field", "value"], rows)


def _field(value: object) -> str:
    """A field's value as HTML: by its own display, or as text."""
    if isinstance(value, Money):
        return _e(f"{value.amount} {value.currency}")
    if isinstance(value, dt.datetime):
        return _e(value.isoformat())
    if isinstance(value, enum.Enum):
        return _e(value.value)
    if value is None:
        return "—"
    formatted = _formatting.html(value)
    if formatted is not None:
        return formatted
    if isinstance(value, Mapping):
        return _table(["name", "value"], [[_e(key), _field(item)] for key, item in value.items()])
    if isinstance(value, tuple | list):
        return "<br>".join(_field(item) for item in value) if value else "—"
    return _e(value)


def reminder_html(reminder: Reminder) -> str:
    """A reminder: the order and its deadline."""
    reminder = _checks.instance(reminder, Reminder, "reminder")
    book = _book(reminder.deadline.rulebook, reminder.deadline.fingerprint)
    rows = [[_e(reminder.order_id), *row] for row in _deadline_rows([reminder.deadline], book)]
    return _table(["order", "when", "deadline", "what", "rules"], rows)


def advice_html(advice: Sequence[Advice]) -> str:
    """A table of advice, most urgent first, as :func:`aliprotect.next_actions` gives it."""
    advice = _checks.items(advice, Advice, "advice", "aliprotect.next_actions(order, at=...)")
    if not advice:
        return "<p>Nothing to do.</p>"
    rows = []
    for item in advice:
        book = _book(item.rulebook, item.fingerprint)
        rows.append(
            [
                _e(item.order_id),
                _e(item.urgency.value),
                f"<b>{_e(item.action.value)}</b>",
                _e(_when(item.by)),
                _e(item.text),
                _rule_links(item.rule_ids, book),
            ]
        )
    return _table(["order", "urgency", "action", "by", "what", "rules"], rows)


def rulebook_html(book: Rulebook) -> str:
    """A rulebook: its version, dates and fingerprint, every rule with its numbers and sources, the conflicts."""
    book = _checks.instance(book, Rulebook, "book")
    head = (
        f"<p><b>Rulebook {_e(book.version)}</b>: {_e(book.title)}<br>"
        f"in force from {_e(book.in_force_from)} ({_e(book.in_force_certainty.value)}) · "
        f"published {_e(book.published)} · <code>{_e(book.fingerprint)}</code></p>"
    )
    superseded = SUPERSEDED.get(book.version)
    if superseded is not None:
        head += f"<p><b>Superseded by {_e(superseded.by)}</b> since {_e(superseded.since)}: {_e(superseded.why)}.</p>"
    rows = [
        [
            f"<code>{_e(rule.id)}</code>",
            _e(", ".join(f"{name}={number_text(q)} {q.unit.value}" for name, q in rule.quantities.items())),
            _e(rule.summary),
            ", ".join(_citation_html(c) for c in rule.citations)
            + (f" (carried over from {_e(rule.carried_from)})" if rule.carried_from else ""),
        ]
        for rule in book.rules.values()
    ]
    conflicts = [[_e(c.topic), _e(" / ".join(r.says for r in c.readings)), _e(c.follows)] for c in book.conflicts]
    unstated = f"<p><b>Not stated by its sources</b>: {_e(', '.join(book.not_stated))}</p>" if book.not_stated else ""
    disagree = "<p><b>Where the sources disagree</b></p>" + _table(["topic", "readings", "followed"], conflicts)
    table = _table(["rule", "numbers", "what it says", "sources"], rows)
    listed = _table(
        ["source", "title", "published by", "address"],
        [
            [
                f"<code>{_e(key)}</code>",
                _e(source.title),
                _e(source.credit()),
                f'<a href="{_e(source.url)}">{_e(source.address)}</a>' if source.url else "not known",
            ]
            for key, source in book.sources.items()
        ],
    )
    return head + table + unstated + (disagree if conflicts else "") + "<p><b>Sources</b></p>" + listed


def _citation_html(citation: Citation) -> str:
    """A citation as a link to its page, opened at its section where the browser can."""
    if citation.url is None:
        return _e(citation.where())
    return f'<a href="{_e(citation.url)}">{_e(citation.where())}</a>'


# --- records for dataframes ---------------------------------------------------------------------


def to_records(value: object) -> list[dict[str, Any]]:
    """Plain records (a list of dicts) that ``pandas.DataFrame`` takes as they are.

    Accepts a :class:`~aliprotect.Timeline`, a :class:`~aliprotect.DisputeStatus` (its
    deadlines), a sequence of :class:`~aliprotect.Advice` (as :func:`aliprotect.next_actions`
    gives) or of :class:`~aliprotect.Reminder` (as :func:`aliprotect.upcoming` gives).
    Instants stay aware datetimes; rule ids are joined with spaces.

    Example:
        >>> import pendulum, aliprotect
        >>> order = aliprotect.Order(
        ...     id="A1",
        ...     placed_at=pendulum.datetime(2025, 3, 1, 10, tz="Europe/Paris"),
        ...     shipped_at=pendulum.datetime(2025, 3, 3, 18, tz="Europe/Paris"),
        ...     protection_days=60,
        ... )
        >>> from aliprotect.display import to_records
        >>> records = to_records(aliprotect.timeline(order, rules=aliprotect.rulebook("2025.2")))
        >>> sorted(records[0])
        ['at', 'description', 'fingerprint', 'name', 'order_id', 'rule_ids', 'rulebook']
        >>> first = records[0]
        >>> first["name"], first["rule_ids"]
        ('dispute_opens', 'open.earliest')
    """

    def deadline(order_id: str, d: Deadline) -> dict[str, Any]:
        return {
            "order_id": order_id,
            "name": d.name,
            "at": d.at,
            "description": d.description,
            "rule_ids": " ".join(d.rule_ids),
            "rulebook": d.rulebook,
            "fingerprint": d.fingerprint,
        }

    if isinstance(value, Timeline):
        return [deadline(value.order_id, d) for d in value.deadlines]
    if isinstance(value, DisputeStatus):
        return [deadline(value.order_id, d) for d in value.deadlines]
    if isinstance(value, Sequence) and all(isinstance(item, Advice) for item in value):
        return [
            {
                "order_id": a.order_id,
                "urgency": a.urgency.value,
                "action": a.action.value,
                "by": a.by,
                "text": a.text,
                "rule_ids": " ".join(a.rule_ids),
                "rulebook": a.rulebook,
                "fingerprint": a.fingerprint,
            }
            for a in value
        ]
    if isinstance(value, Sequence) and all(isinstance(item, Reminder) for item in value):
        return [deadline(r.order_id, r.deadline) for r in value]
    raise InvalidValueError(
        f"value={shown(value)} cannot be made into records; give a Timeline, a DisputeStatus, advice or reminders"
    )


# --- the rules reference of the documentation site ---------------------------------------------------


def rules_markdown(book: Rulebook) -> str:
    """A rulebook as Markdown: every rule with its numbers, summary and sources, then the conflicts.

    The documentation site builds its rules reference with this, from the rulebook data
    itself, so the reference cannot drift from the code.
    """
    book = _checks.instance(book, Rulebook, "book")
    lines = [
        f"## Rulebook {book.version}",
        "",
        f"{book.title}. "
        + (
            f"In force from {book.in_force_from.isoformat()} "
            if book.in_force_from is not None
            else "No source dates these rules "
        )
        + f"({book.in_force_certainty.value}: {', '.join(str(c) for c in book.in_force_citations)}); "
        f"published {book.published.isoformat()}; fingerprint `{book.fingerprint}`."
        + (
            f" The days of {', '.join(f'`{r}`' for r in book.days_counted_in_rules)} are counted on the calendar "
            f"of {book.days_counted_in} ({_md('; '.join(str(c) for c in book.days_counted_in_citations))})."
            if book.days_counted_in is not None
            else ""
        ),
        "",
        *_superseded_md(book.version),
        "| rule | numbers | what it says | sources |",
        "|---|---|---|---|",
    ]
    for rule in book.rules.values():
        numbers = ", ".join(f"{name} = {number_text(q)} {q.unit.value}" for name, q in rule.quantities.items()) or "—"
        extra = ""
        if rule.resolutions:
            extra = f" Resolutions: {', '.join(r.value for r in rule.resolutions)}."
        if rule.evidence:
            extra += f" Evidence: {', '.join(e.value for e in rule.evidence)}."
        if rule.in_transit_waits:
            extra += " Waits while the parcel is in transit inside the promised delivery time (in_transit_waits)."
        sources = "; ".join(_citation_md(c) for c in rule.citations)
        if rule.carried_from:
            sources += f" (carried over from {rule.carried_from})"
        lines.append(f"| `{rule.id}` | {numbers} | {_md(rule.summary + extra)} | {sources} |")
    if book.not_stated:
        lines += [
            "",
            "**Not stated by its sources**, so left out rather than carried over from another rulebook "
            f"(asking for one raises `UnstatedRuleError`): {', '.join(f'`{r}`' for r in book.not_stated)}.",
        ]
    if book.conflicts:
        lines += ["", "### Where the sources disagree", "", "| topic | readings | followed |", "|---|---|---|"]
    for conflict in book.conflicts:
        readings = "<br>".join(
            f"{_md(r.says)} ({_md(', '.join(str(c) for c in r.citations))})" for r in conflict.readings
        )
        lines.append(f"| {_md(conflict.topic)} | {readings} | {_md(conflict.follows)} |")
    lines += ["", "### Sources", ""]
    for key, source in book.sources.items():
        address = f"[{_md(source.address or '')}]({source.url})" if source.url else "no public address known"
        lines.append(f"- **{_md(key)}**: {_md(source.title)}. {_md(source.credit())}. {address}")
    return "\n".join(lines) + "\n"


def _superseded_md(version: str) -> list[str]:
    """A deprecated rulebook's notice: superseded by which version, since when, and why."""
    superseded = SUPERSEDED.get(version)
    if superseded is None:
        return []
    return [
        f"**Superseded by {superseded.by}** since {superseded.since.isoformat()}: {_md(superseded.why)}. "
        "It stays loadable to replay decisions made with it.",
        "",
    ]


def _citation_md(citation: Citation) -> str:
    """A citation as a Markdown link to its page, opened at its section where the browser can."""
    if citation.url is None:
        return _md(citation.where())
    return f"[{_md(citation.where())}]({citation.url})"


def number_text(quantity: Quantity) -> str:
    """A rule's number as text: ``5``, or ``23 (express)/27 (ems)/39 (post)`` per carrier group."""
    quantity = _checks.instance(quantity, Quantity, "quantity")
    if quantity.value is not None:
        return str(quantity.value)
    return "/".join(f"{number} ({group})" for group, number in quantity.by_carrier.items())


def comparison_markdown(books: Sequence[Rulebook]) -> str:
    """What changed from one rulebook to the next, side by side: every number or citation that differs."""
    books = _checks.items(books, Rulebook, "books", "aliprotect.rulebooks()")
    lines = ["## What changed between rulebooks", ""]
    for before, after in itertools.pairwise(books):
        changes = [c for c in diff(before, after) if c.field != "summary"]
        lines += [f"### {before.version} → {after.version}", ""]
        if not changes:
            lines += ["No rule differs.", ""]
            continue
        lines += ["| rule | what | before | after |", "|---|---|---|---|"]
        for change in changes:
            before_text = "not stated" if change.rule_id in before.not_stated else _md(_show(change.before))
            after_text = "not stated" if change.rule_id in after.not_stated else _md(_show(change.after))
            lines.append(f"| `{change.rule_id}` | {_md(change.field)} | {before_text} | {after_text} |")
        lines.append("")
    return "\n".join(lines)


def _show(value: object) -> str:
    if isinstance(value, Quantity):
        return f"{number_text(value)} {value.unit.value}"
    if isinstance(value, tuple) and value:
        return ", ".join(str(item.value if hasattr(item, "value") else item) for item in value)
    return "—" if value is None or value == () else str(value)


def _md(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return html.escape(text, quote=False).replace("|", "\\|")


for _kind, _formatter in (
    (Order, order_html),
    (Timeline, timeline_html),
    (DisputeStatus, status_html),
    (AdviceList, advice_html),
    (Rulebook, rulebook_html),
    (Verdict, verdict_html),
    (Window, window_html),
    (Deadline, deadline_html),
    (Dispute, dispute_html),
    (Reminder, reminder_html),
):
    _formatting.register_html(_kind, _formatter)
_formatting.register_html(Advice, lambda item: advice_html([item]))
for _value in (Money, Extension, Claim, Tracking, TrackingEvent, DisputeEvent, Decision, Replay):
    _formatting.register_html(_value, fields_html)
