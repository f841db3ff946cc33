"""Sources a reader can open: every source's identity and address, every citation's section and link."""

from __future__ import annotations

import datetime as dt
import importlib.resources
import json
import re
import urllib.parse

import pendulum
import pytest

import aliprotect
from aliprotect.errors import InvalidValueError, MalformedRulebookError
from aliprotect.rules import CATALOG, EvidenceLevel, Source

BOOKS = aliprotect.rulebooks()
TEXT = (importlib.resources.files("aliprotect") / "rulebooks" / "2025.1.toml").read_text(encoding="utf-8")
SEED_004 = '[sources."seed 004"]\ntitle = "Aliexpress Tutorials: How to open dispute on Aliexpress?"\n'


def custom(source_table: str) -> aliprotect.Rulebook:
    """Rulebook 2025.1 as a custom rulebook whose source ``seed 004`` is ``source_table``."""
    assert SEED_004 in TEXT
    text = TEXT.replace(SEED_004, source_table).replace('version = "2025.1"', 'version = "2025.1-sources"')
    return aliprotect.Rulebook.from_toml(text)


@pytest.mark.parametrize("book", BOOKS, ids=lambda book: book.version)
def test_every_source_of_every_published_rulebook_has_an_address_and_an_evidence_level(
    book: aliprotect.Rulebook,
) -> None:
    for key, source in book.sources.items():
        assert source.key == key
        assert source.address, key
        assert source.url == "https://" + source.address
        assert isinstance(source.evidence, EvidenceLevel), key
        assert source.title in str(source)


@pytest.mark.parametrize("book", BOOKS, ids=lambda book: book.version)
def test_every_citation_of_an_article_names_its_section_and_links_to_it(book: aliprotect.Rulebook) -> None:
    citations = [c for rule in book.rules.values() for c in rule.citations]
    citations += [c for conflict in book.conflicts for reading in conflict.readings for c in reading.citations]
    for citation in citations:
        source = book.sources[citation.source]
        assert citation.url is not None
        assert citation.url.startswith(source.url or "-")
        if not source.sections:  # a page cited as a whole: its link is the page
            continue
        headings = [heading for _, heading in source.sections]
        assert citation.section in headings, str(citation)  # a quoted heading too, as the page writes it
        fragment = urllib.parse.unquote(citation.url.split("#:~:text=", 1)[1])
        assert fragment == citation.section
        if citation.locator[:1].isdigit():  # the section starts at or before the cited line, and is the last to
            line = int(re.split(r"-", citation.locator)[0])
            starts = [start for start, heading in source.sections if start <= line]
            assert source.sections[len(starts) - 1][1] == citation.section
            assert f"line {citation.locator}" in citation.where() or f"lines {citation.locator}" in citation.where()


def test_a_line_is_in_the_section_of_the_last_heading_at_or_before_it() -> None:
    source = Source("seed 9", "An article", sections=((3, "Intro"), (10, "Open dispute"), (20, "Comments")))
    assert source.section("2") is None  # before the first heading: no section to name
    assert source.section("3") == "Intro"
    assert source.section("9") == "Intro"
    assert source.section("10") == "Open dispute"
    assert source.section("12-25") == "Open dispute"  # a range: where it starts
    assert source.section('"Open Dispute"') == "Open dispute"  # a quoted heading, as the page writes it
    assert source.section('"Some heading"') is None  # not a heading of the page
    assert Source("x", "A page").section('"Some heading"') == "Some heading"  # no copy to check it against
    numbered = Source("x", "A page", sections=((1, "1. Full Refund"), (5, "4. Quality Doesn’t Match Description")))
    assert numbered.section('"Full Refund"') == "1. Full Refund"
    assert numbered.section('"4. Quality Doesn\'t Match Description"') == "4. Quality Doesn’t Match Description"
    assert source.section("comment 31 reply") == "Comments"
    assert source.section("somewhere") is None
    assert source.section("²") is None  # a digit to str.isdigit, not a line number (found by the fuzz run)
    assert source.link("Open dispute") is None  # no address, no link
    with pytest.raises(InvalidValueError, match="locator=3 must be"):
        source.section(3)  # type: ignore[arg-type]


def test_a_rulebook_document_can_state_its_sources_identity_and_it_wins_over_the_catalog() -> None:
    book = custom(
        '[sources."seed 004"]\ntitle = "How to open dispute on Aliexpress?"\npublisher = "Aliexpress Tutorials"\n'
        'address = "example.org/dispute"\ndate = "2019"\nevidence = "official_copy"\n'
    )
    source = book.sources["seed 004"]
    assert (source.publisher, source.address, source.date, source.evidence) == (
        "Aliexpress Tutorials",
        "example.org/dispute",
        "2019",
        EvidenceLevel.OFFICIAL_COPY,
    )
    assert source.note == CATALOG["seed 004"]["note"]  # what the document leaves out, the catalog gives
    citation = book.rule("claim.not_received").citations[0]
    assert citation.source == "seed 000"
    late = next(c for c in book.rule("tracking.not_available").citations if c.source == "seed 004")
    assert late.url is not None
    assert late.url.startswith("https://example.org/dispute#:~:text=")


def test_a_source_table_with_an_unknown_key_or_level_is_refused_naming_what_is_allowed() -> None:
    with pytest.raises(
        MalformedRulebookError, match=r"sources.\"seed 004\"\]: has unknown keys \['url'\]; allowed: title"
    ):
        custom(SEED_004 + 'url = "https://example.org"\n')
    with pytest.raises(MalformedRulebookError, match=r"evidence: must be one of official, official_copy, third_party"):
        custom(SEED_004 + 'evidence = "blog"\n')
    with pytest.raises(MalformedRulebookError, match=r"address: must be a non-empty string"):
        custom(SEED_004 + "address = 3\n")


def test_a_source_is_checked_when_built() -> None:
    with pytest.raises(InvalidValueError, match="must be a non-empty string"):
        Source("seed 9", "")
    with pytest.raises(InvalidValueError, match="evidence"):
        Source("seed 9", "An article", evidence="official")  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match="pairs of a line number and a heading"):
        Source("seed 9", "An article", sections=(("3", "Intro"),))  # type: ignore[arg-type]


def test_the_credit_line_says_who_when_and_how_much_it_weighs() -> None:
    book = aliprotect.rulebook("2025.1")
    assert book.sources["seed 003"].credit() == "DSers blog, 2025 (title); a third-party article"
    assert Source("x", "An article").credit() == "evidence level not stated"


def test_a_source_links_only_to_the_web_and_escapes_what_utf8_cannot_hold() -> None:
    web = Source("x", "A page", address="example.org/page")
    assert web.url == "https://example.org/page"
    assert Source("x", "A page", address="http://example.org").url == "http://example.org"
    assert Source("x", "A page", address="javascript://%0Aalert(1)").url is None  # never a script link
    assert web.link("") == web.url
    assert web.link("\ud800") == "https://example.org/page#:~:text=%ED%A0%80"  # was UnicodeEncodeError
    unsorted = Source("x", "A page", sections=((20, "Later"), (3, "First")))
    assert unsorted.section("5") == "First"
    assert Source("x", "A page").section('"') is None


def test_a_rulebook_with_a_strange_locator_is_read_or_refused_with_the_library_s_errors() -> None:
    for locator in ("seed 002:²", 'seed 004 "\ud800"'):
        text = TEXT.replace('citations = ["seed 002:26"]', f"citations = [{json.dumps(locator)}]", 1)
        try:
            book = aliprotect.Rulebook.from_toml(text.replace('version = "2025.1"', 'version = "2025.1-x"'))
        except aliprotect.AliprotectError:
            continue
        assert book.rule("open.earliest").citations[0].where()


def test_citations_and_supersessions_are_checked_when_built() -> None:
    from aliprotect.rules import Citation, Superseded

    with pytest.raises(InvalidValueError, match="locator=None must be text"):
        Citation("seed 002", None)  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match="source=1 must be text"):
        Citation(1, "2")  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match="since='x' must be a date"):
        Superseded("2025.2", "x", "why")  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match="must be text"):
        Superseded(1, dt.date(2026, 11, 23), "why")  # type: ignore[arg-type]


def test_explain_names_comments_as_comments_not_lines() -> None:
    book = aliprotect.rulebook("2025.2")
    shipped = pendulum.datetime(2025, 3, 3, 18, tz="Europe/Paris")
    order = aliprotect.Order(id="C1", placed_at=shipped, shipped_at=shipped, protection_days=60)
    claim = aliprotect.Claim(kind=aliprotect.ClaimKind.NOT_RECEIVED)
    dispute = aliprotect.open_dispute(order, claim, at=shipped.add(days=10), rules=book)
    advice = aliprotect.next_actions(order, at=shipped.add(days=11), dispute=dispute, rules=book)
    cited = next(a for a in advice if "claim.not_received" in a.rule_ids)
    text = aliprotect.explain(cited)
    assert 'section "Comments" (comment 31 reply)' in text
    assert "line comment" not in text
    assert "lines comment" not in text
