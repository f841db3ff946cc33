"""The house rules of the code, as tests that fail when a change breaks them.

- Imports point down one total order of the modules, and happen only at module top level.
- The pure core never imports the shells (display, cli, documents, strategies) nor Hypothesis.
- Every rule id written in the sources is a rule of the schema, and every rulebook has them all.
- The logic holds no day counts: its numbers come from the rulebook.

The sources are read with :mod:`ast`, never imported, so a test sees the code as written.
Each checker takes source text, and is shown to catch a fabricated bad source.
"""

import ast
import pathlib
import re
from collections.abc import Iterator

import attrs
import pytest

import aliprotect
from aliprotect import ClaimKind, DisputeEventKind
from aliprotect.rules import SCHEMA

PACKAGE = "aliprotect"
SRC = pathlib.Path(__file__).parent.parent / "src" / PACKAGE

ORDER = (
    # basics
    "_shown",
    "errors",
    "_days",
    "_checks",
    "_formatting",
    # input values
    "_model",
    "_claims",
    "_tracking",
    # rule schema and rulebooks
    "_schema",
    "_sources",
    "_rule",
    "_toml",
    "_rulebook",
    "_registry",
    # the pure core
    "_answers",
    "_timeline",
    "_dispute",
    "_dispute_machine",
    "_eligibility",
    "_transitions",
    "_advice",
    "_reminders",
    "_provenance",
    # namespaces and shells
    "rules",
    "_pictures",
    "display",
    "_documents",
    "_ical",
    "aliexpress",
    "_columnar",
    "frames",
    "_fast_check",
    "_cli_common",
    "_cli_documents",
    "_cli_rules",
    "_cli_aliexpress",
    "_cli_check",
    "_cli_ical",
    "cli",
    "strategies",
    # the door
    "__init__",
    "__main__",
)
"""Every module of the package, from the bottom up: a module imports only modules before it."""

RANK = {name: rank for rank, name in enumerate(ORDER)}
CORE = ORDER[: RANK["rules"]]
SHELLS = frozenset(
    {
        "display",
        "_pictures",
        "cli",
        "_cli_common",
        "_cli_documents",
        "_cli_rules",
        "_cli_aliexpress",
        "_cli_check",
        "_cli_ical",
        "_documents",
        "_ical",
        "aliexpress",
        "strategies",
        "_columnar",
        "frames",
        "_fast_check",
    }
)
"""What the core must never import, besides Hypothesis (and the optional table libraries)."""

OPTIONAL = frozenset({"narwhals", "numpy", "pyarrow", "pandas", "polars", "duckdb", "dask", "icalendar", "tqdm"})
"""Libraries of the optional extras, which the core must never import."""

LOGIC = ("_timeline", "_eligibility", "_dispute_machine", "_transitions", "_advice", "_reminders")
"""The modules whose numbers must all come from the rulebook."""


def source(module: str) -> str:
    return (SRC / f"{module}.py").read_text(encoding="utf-8")


def on_disk() -> set[str]:
    return {path.stem for path in SRC.glob("*.py")}


# --- imports ---------------------------------------------------------------------------


@attrs.frozen
class Import:
    """One import of a module of the package: which module, at which line, and whether at top level."""

    module: str
    line: int
    top_level: bool


def _is_type_checking(node: ast.stmt) -> bool:
    if not isinstance(node, ast.If):
        return False
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _top_level_statements(tree: ast.Module) -> set[int]:
    """The ids of the statements at module top level, and in the body of a top-level ``if TYPE_CHECKING:``."""
    found = set()
    for node in tree.body:
        found.add(id(node))
        if _is_type_checking(node):
            assert isinstance(node, ast.If)
            found.update(id(inner) for inner in node.body)
    return found


def _imported(node: ast.Import | ast.ImportFrom, modules: set[str]) -> Iterator[str]:
    """The package's modules that ``node`` imports; ``__init__`` for a name taken from the package itself."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            head, _, rest = alias.name.partition(".")
            if head == PACKAGE:
                yield rest.partition(".")[0] or "__init__"
        return
    if node.level > 1:
        raise AssertionError(f"line {node.lineno}: a relative import above the package")
    if node.level == 0 and node.module is not None and node.module.partition(".")[0] != PACKAGE:
        return
    path = node.module or ""
    if node.level == 0:
        path = path.partition(".")[2]
    if path:
        yield path.partition(".")[0]
        return
    for alias in node.names:  # from aliprotect import x: a module file, or a name of __init__
        yield alias.name if alias.name in modules else "__init__"


def package_imports(text: str, modules: set[str]) -> list[Import]:
    """Every import of a module of the package in the source ``text``, wherever it is."""
    tree = ast.parse(text)
    top = _top_level_statements(tree)
    found: list[Import] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.extend(Import(name, node.lineno, id(node) in top) for name in _imported(node, modules))
    return found


def upward_imports(module: str, text: str, order: tuple[str, ...] = ORDER) -> list[str]:
    """The imports of ``module`` that do not point at a module earlier in ``order``."""
    rank = {name: place for place, name in enumerate(order)}
    return [
        f"{module}.py line {found.line} imports {found.module}, which is not below {module} in the order"
        for found in package_imports(text, set(order))
        if found.module not in rank or rank[found.module] >= rank[module]
    ]


LAZY = {
    ("cli", "_cli_documents"): "each command imports what it needs when it runs, so that each starts fast",
    ("cli", "_cli_rules"): "each command imports what it needs when it runs, so that each starts fast",
    ("cli", "_cli_check"): "each command imports what it needs when it runs, so that each starts fast",
    ("cli", "_cli_aliexpress"): "each command imports what it needs when it runs, so that each starts fast",
    ("cli", "_cli_ical"): "each command imports what it needs when it runs, so that each starts fast",
    ("_cli_check", "_cli_aliexpress"): "AliExpress's records are read only for check --aliexpress",
    ("_cli_ical", "_cli_aliexpress"): "AliExpress's records are read only for calendar --aliexpress",
    ("_cli_check", "_fast_check"): "the frames extra's columnar check: a plain install has no NumPy or pyarrow, "
    "and the other commands should not pay for importing them",
}
"""The only imports allowed below module top level, each with its reason."""


def nested_imports(module: str, text: str, modules: set[str]) -> list[str]:
    """The imports of the package's modules in ``module`` that are not at module top level (except :data:`LAZY`)."""
    return [
        f"{module}.py line {found.line} imports {found.module} below module top level "
        "(inside a function, a class or a block): move it to the top of the module"
        for found in package_imports(text, modules)
        if not found.top_level and (module, found.module) not in LAZY
    ]


def core_violations(module: str, text: str, modules: set[str]) -> list[str]:
    """The imports of ``module`` (a core module) of a shell module or of Hypothesis."""
    found = [
        f"{module}.py line {item.line} imports {item.module}: the core never imports a shell"
        for item in package_imports(text, modules)
        if item.module in SHELLS
    ]
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module is not None:
            names = [node.module]
        else:
            continue
        found.extend(
            f"{module}.py line {node.lineno} imports {name}: only aliprotect.strategies may need Hypothesis"
            for name in names
            if name.partition(".")[0] == "hypothesis"
        )
        found.extend(
            f"{module}.py line {node.lineno} imports {name}: a plain install does not have it; only "
            "aliprotect.frames (the frames extra) may need it"
            for name in names
            if name.partition(".")[0] in OPTIONAL
        )
    return found


def test_the_order_names_every_module_on_disk_once() -> None:
    assert len(set(ORDER)) == len(ORDER), "a module is listed twice in ORDER"
    assert on_disk() - set(ORDER) == set(), "a new module: place it in ORDER"
    assert set(ORDER) - on_disk() == set(), "ORDER lists a module that is gone"


@pytest.mark.parametrize("module", ORDER)
def test_every_import_points_down_the_order(module: str) -> None:
    assert upward_imports(module, source(module)) == []


@pytest.mark.parametrize("module", ORDER)
def test_the_package_is_imported_only_at_module_top_level(module: str) -> None:
    assert nested_imports(module, source(module), on_disk()) == []


@pytest.mark.parametrize("module", CORE)
def test_the_core_never_imports_a_shell_or_hypothesis(module: str) -> None:
    assert core_violations(module, source(module), on_disk()) == []


def test_the_import_checks_see_every_form_of_import() -> None:
    modules = set(ORDER)
    text = (
        "import aliprotect\n"
        "import aliprotect.errors as errors\n"
        "from aliprotect import _days, Order\n"
        "from aliprotect._model import Order\n"
        "from . import _claims\n"
        "from ._tracking import Tracking\n"
        "from .rules import SCHEMA\n"
        "import attrs\n"
        "from pendulum import DateTime\n"
    )
    found = [(item.module, item.line) for item in package_imports(text, modules)]
    assert found == [
        ("__init__", 1),
        ("errors", 2),
        ("_days", 3),
        ("__init__", 3),
        ("_model", 4),
        ("_claims", 5),
        ("_tracking", 6),
        ("rules", 7),
    ]


@pytest.mark.parametrize(
    ("module", "text", "imported", "line"),
    [
        ("_days", "import pendulum\n\nfrom aliprotect._timeline import dispute_window\n", "_timeline", 3),
        ("_model", "from aliprotect import _days, _advice\n", "_advice", 1),
        ("_timeline", "from ._eligibility import can_open_dispute\n", "_eligibility", 1),
        ("_checks", "import aliprotect.display\n", "display", 1),
        ("_dispute", "import aliprotect\n", "__init__", 1),
        ("_days", "from aliprotect import _days\n", "_days", 1),  # itself is not below itself
        (
            "_timeline",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from aliprotect import cli\n",
            "cli",
            3,
        ),
    ],
)
def test_an_upward_import_is_reported_with_its_module_and_line(
    module: str, text: str, imported: str, line: int
) -> None:
    (report,) = upward_imports(module, text)
    assert report.startswith(f"{module}.py line {line} imports {imported},")


def test_a_downward_import_is_not_reported() -> None:
    text = "from aliprotect import _checks, _days\nfrom aliprotect.errors import InvalidValueError\n"
    assert upward_imports("_model", text) == []


def test_an_import_inside_a_function_or_class_is_reported() -> None:
    text = (
        "from typing import TYPE_CHECKING\n"
        "from aliprotect import _days\n"
        "if TYPE_CHECKING:\n"
        "    from aliprotect._model import Order\n"
        "def late():\n"
        "    from aliprotect._advice import next_actions\n"
        "class Late:\n"
        "    import aliprotect.display\n"
        "try:\n"
        "    from aliprotect import _claims\n"
        "except ImportError:\n"
        "    pass\n"
    )
    reports = nested_imports("_timeline", text, set(ORDER))
    assert [report.split(" imports ")[0] for report in reports] == [
        "_timeline.py line 6",
        "_timeline.py line 8",
        "_timeline.py line 10",
    ]
    assert "imports _advice below module top level" in reports[0]


def test_a_core_module_importing_a_shell_or_hypothesis_is_reported() -> None:
    text = (
        "import hypothesis\n"
        "from hypothesis import strategies as st\n"
        "from aliprotect import display\n"
        "from aliprotect._documents import to_json\n"
        "def f():\n"
        "    import aliprotect.strategies\n"
        "import numpy\n"
        "from pyarrow import compute\n"
    )
    reports = core_violations("_advice", text, set(ORDER))
    assert sorted(report.split(":")[0] for report in reports) == [
        "_advice.py line 1 imports hypothesis",
        "_advice.py line 2 imports hypothesis",
        "_advice.py line 3 imports display",
        "_advice.py line 4 imports _documents",
        "_advice.py line 6 imports strategies",
        "_advice.py line 7 imports numpy",
        "_advice.py line 8 imports pyarrow",
    ]


# --- rule ids --------------------------------------------------------------------------

GROUPS = ("open", "protection", "cancel", "escrow", "dispute", "refund", "return", "claim", "tracking", "dropship")
RULE_ID = re.compile(rf"(?:{'|'.join(GROUPS)})\.[a-z_]+")
"""The form of a rule id: a group, a dot, a name of lowercase letters and underscores."""

_ID = rf"(?<![\w./])(?P<id>{RULE_ID.pattern})(?![\w.])"
QUOTED = re.compile(rf"(?P<q>``|[`'\"]){_ID}(?P=q)")
"""An id in backticks or quotes: ``open.earliest``, `open.earliest`, 'open.earliest', "open.earliest"."""
CLOSED = re.compile(rf"{_ID}(?=[),:;\]]|$)")
"""An id that ends a clause of a message: ``(protection.extension)``, ``(claim.not_covered: seed 001:149)``,
``[open.earliest, open.latest)``, ``- open.latest: ...``, or the end of a line (of an f-string part)."""
DOCTEST_CODE = re.compile(r"^\s*(?:>>>|\.\.\.)(?:\s|$)")
"""A line of Python in a docstring example: there ``claim.amount`` is an attribute, not a rule id,
so only a quoted id counts."""


def rule_ids_in(text: str) -> list[str]:
    """The rule ids written in ``text``, a string constant of the sources.

    The whole text when it has the form of an id; otherwise an id in backticks or quotes,
    and, outside the code lines of docstring examples, an id followed by ``)``, ``,``, ``:``,
    ``;``, ``]`` or the end of a line. An id-looking word in the middle of prose, like
    ``claim.amount`` in ``>>> claim.amount``, is left alone.
    """
    if RULE_ID.fullmatch(text):
        return [text]
    found: list[str] = []
    for line in text.splitlines() or [text]:
        found.extend(match["id"] for match in QUOTED.finditer(line))
        if not DOCTEST_CODE.match(line):
            found.extend(match["id"] for match in CLOSED.finditer(line))
    return found


def strings(text: str) -> list[tuple[int, str]]:
    """The string constants of the source ``text`` (docstrings and the literal parts of f-strings
    included), with their lines, in the order they are written."""
    constants = [
        node for node in ast.walk(ast.parse(text)) if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]
    constants.sort(key=lambda node: (node.lineno, node.col_offset))
    return [(node.lineno, str(node.value)) for node in constants]


def unknown_rule_ids(module: str, text: str) -> list[str]:
    """The rule ids in the string constants of ``text`` that are not in :data:`SCHEMA`, with their lines."""
    return [
        f"{module}.py line {line}: {rule_id!r} is not a rule id of SCHEMA"
        for line, value in strings(text)
        for rule_id in rule_ids_in(value)
        if rule_id not in SCHEMA
    ]


@pytest.mark.parametrize("module", sorted(on_disk()))
def test_every_rule_id_in_the_sources_is_in_the_schema(module: str) -> None:
    assert unknown_rule_ids(module, source(module)) == []


def test_the_sources_do_cite_rule_ids() -> None:
    """The matcher is not blind: the sources cite many ids, in every form it reads."""
    cited = {rule_id for module in on_disk() for _, value in strings(source(module)) for rule_id in rule_ids_in(value)}
    assert len(cited) > len(SCHEMA) // 2
    assert cited <= set(SCHEMA)


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("dispute.seller_reply", ["dispute.seller_reply"]),
        ("so no refund is normally made (claim.not_covered: seed 001:149)", ["claim.not_covered"]),
        ("an extension is granted only while protection is active (protection.extension)", ["protection.extension"]),
        ("the rules ``open.earliest`` and `open.latest` say", ["open.earliest", "open.latest"]),
        ("When a dispute can be opened: ``[open.earliest, open.latest)``.", ["open.earliest", "open.latest"]),
        ("days (protection.period); set protection_days", ["protection.period"]),
        ("        - open.earliest: A dispute can be opened", ["open.earliest"]),
        ("    >>> SCHEMA['dispute.seller_reply'].numbers", ["dispute.seller_reply"]),
        ("        ('open.earliest',)\n", ["open.earliest"]),
        ("see the return.window", ["return.window"]),
        # prose and code that only look like ids
        ("        >>> claim.amount\n        Money('4.00', 'USD')", []),
        ("        >>> dispute.rulebook, dispute.opened_at", []),
        ("the claim.amount field holds it", []),
        ("aliprotect.rules.SCHEMA and self.open.earliest()", []),
        ("open a dispute. Then wait", []),
        ("https://example.com/dispute.html", []),
    ],
)
def test_the_matcher_finds_rule_ids_in_messages_and_docstrings(text: str, ids: list[str]) -> None:
    assert rule_ids_in(text) == ids


def test_an_unknown_rule_id_in_a_message_is_reported() -> None:
    text = (
        "def f(at):\n"
        "    raise ActionRefusedError(\n"
        "        f'the seller replied at {at} (dispute.seller_repply)', rule_ids=('dispute.seller_reply',)\n"
        "    )\n"
        "RULE = 'claim.not_recieved'\n"
    )
    assert unknown_rule_ids("_fake", text) == [
        "_fake.py line 3: 'dispute.seller_repply' is not a rule id of SCHEMA",
        "_fake.py line 5: 'claim.not_recieved' is not a rule id of SCHEMA",
    ]


def test_every_claim_kind_and_dispute_event_cites_a_rule_of_the_schema() -> None:
    for kind in ClaimKind:
        assert kind.rule_id in SCHEMA, kind
    for event in DisputeEventKind:
        assert event.rule_id in SCHEMA, event


@pytest.mark.parametrize("book", aliprotect.rulebooks(), ids=lambda book: book.version)
def test_every_rulebook_states_each_rule_of_the_schema_or_says_it_does_not(book: aliprotect.Rulebook) -> None:
    missing = [rule_id for rule_id in SCHEMA if rule_id not in book.rules and rule_id not in book.not_stated]
    assert missing == [], f"rulebook {book.version} neither states nor lists as not stated: {missing}"
    assert set(book.rules) | set(book.not_stated) <= set(SCHEMA)
    assert set(book.rules).isdisjoint(book.not_stated)


# --- numbers ---------------------------------------------------------------------------


def number_literals(module: str, text: str) -> list[str]:
    """The integer literals of ``text`` other than 0 and 1 (``True`` and ``False`` are not numbers).

    Docstrings and their ``>>>`` examples are strings, so their numbers are not literals of the code.
    """
    return [
        f"{module}.py line {node.lineno}: the literal {node.value!r}; read the number from the rulebook"
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, int)
        and not isinstance(node.value, bool)
        and node.value not in (0, 1)
    ]


@pytest.mark.parametrize("module", LOGIC)
def test_the_logic_holds_no_day_counts_of_its_own(module: str) -> None:
    assert number_literals(module, source(module)) == []


def test_a_day_count_in_the_logic_is_reported() -> None:
    text = (
        '"""Seven days, as in ``dispute.escalation``.\n\n    >>> add_days(now, 7)\n"""\n'
        "def reply_by(opened, flag=True):\n"
        '    """The deadline: 5 days."""\n'
        "    return _days.add_days(opened, 5 if flag else 0) - 1 + (-1)\n"
    )
    assert number_literals("_fake", text) == [
        "_fake.py line 7: the literal 5; read the number from the rulebook",
    ]
