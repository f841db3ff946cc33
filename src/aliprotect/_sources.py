"""The sources rules are written in: who published them, where a reader can open them, how
much they weigh, and the sections of the articles aliprotect keeps copies of.

A rulebook names each source by a key (``seed 001``, ``megabonus.com/en/blog/...``) and
cites it by that key and a place in it. The public identity of a source is a fact about
the world, not a rule: a rulebook document may state it (``[sources."key"]`` with
``publisher``, ``address``, ``evidence``...), and :data:`CATALOG` gives it for every source
the published rulebooks cite, so that rulebooks published before sources carried addresses
still lead a reader to the page. The catalog adds where to read; it never adds a rule.

The five source articles (``seed 000`` to ``seed 004``) are cited by line of aliprotect's
copy of each. A reader has the public page, not the copy, so each copy's section headings
are kept here with the line they start on: a citation of line 26 of ``seed 002`` is in the
section whose heading is the last one at or before line 26, and its link opens the page at
that heading (a text fragment, ``#:~:text=``, which browsers scroll to).
"""

from __future__ import annotations

import enum
import re
import urllib.parse
from collections.abc import Mapping
from types import MappingProxyType

import attrs

from aliprotect import _checks
from aliprotect._shown import shown
from aliprotect.errors import InvalidValueError


class EvidenceLevel(enum.Enum):
    """How much a source weighs: AliExpress's own text, a copy of it, or someone else's article.

    Example:
        >>> from aliprotect.rules import EvidenceLevel
        >>> EvidenceLevel("official_copy").text
        'a copy of official AliExpress text'
    """

    OFFICIAL = "official"
    """AliExpress's own text, on its own site (help pages, escrow pages, rules, its SDK)."""
    OFFICIAL_COPY = "official_copy"
    """AliExpress's text or records copied verbatim onto another site (a blog quoting the help
    centre, an API response stored by a seller's tool)."""
    THIRD_PARTY = "third_party"
    """An article by someone else about AliExpress's rules (a blog, a dropshipping tool's guide)."""

    @property
    def text(self) -> str:
        """The level in words, for a reader."""
        return _LEVEL_TEXT[self]


_LEVEL_TEXT = {
    EvidenceLevel.OFFICIAL: "official AliExpress text",
    EvidenceLevel.OFFICIAL_COPY: "a copy of official AliExpress text",
    EvidenceLevel.THIRD_PARTY: "a third-party article",
}


def _level(value: EvidenceLevel | None) -> EvidenceLevel | None:
    return None if value is None else _checks.member(value, EvidenceLevel, "evidence")


def _text(value: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidValueError(f"{shown(value)} must be a non-empty string: a source's key and title are text")
    return value


def _optional_text(value: str | None) -> str | None:
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise InvalidValueError(
            f"{shown(value)} must be a non-empty string or None: "
            "a source's publisher, author, address, date and note are text"
        )
    return value


def _sections(value: tuple[tuple[int, str], ...]) -> tuple[tuple[int, str], ...]:
    try:
        sections = tuple((line, heading) for line, heading in value)
    except (TypeError, ValueError):
        sections = None
    if sections is None or not all(
        isinstance(line, int) and not isinstance(line, bool) and isinstance(heading, str) for line, heading in sections
    ):
        raise InvalidValueError(
            f"sections={shown(value)} must be pairs of a line number and a heading, e.g. ((1, 'Title'),)"
        )
    return tuple(sorted(sections, key=lambda pair: pair[0]))  # section() walks them in line order


@attrs.frozen
class Source:
    """A source of a rulebook: its title, who published it, where to read it, how much it weighs.

    ``str(source)`` is its title.

    Example:
        >>> import aliprotect
        >>> source = aliprotect.rulebook("2025.2").sources["seed 001"]
        >>> source.publisher
        'Megabonus Blog'
        >>> source.url
        'https://megabonus.com/en/blog/what-to-do-if-you-did-not-receive-a-product-from-aliexpress/'
        >>> source.evidence.value
        'third_party'
    """

    key: str = attrs.field(converter=_text)
    """The name the rulebook cites it by: ``seed 001``, or an address."""
    title: str = attrs.field(converter=_text)
    publisher: str | None = attrs.field(default=None, converter=_optional_text)
    author: str | None = attrs.field(default=None, converter=_optional_text)
    address: str | None = attrs.field(default=None, converter=_optional_text)
    """Where a reader can open it, without ``https://``: ``megabonus.com/en/blog/...``.
    ``None`` when no public address is known."""
    date: str | None = attrs.field(default=None, converter=_optional_text)
    """Its date as the source gives it (``2020-06-06``, ``2015-08``), or how it is dated
    (``"update from 06.2020"``); ``None`` when it gives none."""
    evidence: EvidenceLevel | None = attrs.field(default=None, converter=_level)
    """How much it weighs; ``None`` for a source of a custom rulebook that does not say."""
    note: str | None = attrs.field(default=None, converter=_optional_text)
    """What a reader should know about the address: a copy, an address known only in part."""
    sections: tuple[tuple[int, str], ...] = attrs.field(default=(), converter=_sections, repr=False, eq=False)
    """For a source cited by line of aliprotect's copy: each section heading of the page and
    the line of the copy it starts on, in order."""

    def __str__(self) -> str:
        return self.title

    @property
    def url(self) -> str | None:
        """The address as a link, ``https://`` and the address; ``None`` without an address."""
        if self.address is None:
            return None
        if "://" not in self.address:
            return "https://" + self.address
        # a link a reader can open safely: only the web's own schemes, never javascript: or file:
        return self.address if self.address.lower().startswith(("https://", "http://")) else None

    def credit(self) -> str:
        """Who published it, when, and how much it weighs, in a line: what a reader weighs it by.

        Example:
            >>> import aliprotect
            >>> print(aliprotect.rulebook("2025.2").sources["seed 000"].credit())
            Product Mafia, Trixia Barrientos; a third-party article
        """
        who = ", ".join(part for part in (self.publisher, self.author, self.date) if part)
        level = self.evidence.text if self.evidence is not None else "evidence level not stated"
        return f"{who}; {level}" if who else level

    def section(self, locator: str) -> str | None:
        """The heading of the section a place in the source is in: for a line (``26``) or a
        range (``21-29``) of the copy, the last heading at or before its first line; for a
        quoted heading, that heading; for a comment, ``Comments``. ``None`` when unknown."""
        _checks.instance(locator, str, "locator")
        if locator.startswith('"'):
            return self._heading(locator.strip('"')) or None
        if locator.startswith("comment"):
            return next((heading for _, heading in self.sections if heading == "Comments"), None)
        first = locator.split("-", 1)[0]
        if not (first.isascii() and first.isdigit()):  # "²" is a digit to str.isdigit, not to int()
            return None
        line = int(first)
        found = None
        for start, heading in self.sections:
            if start > line:
                break
            found = heading
        return found

    def _heading(self, quoted: str) -> str | None:
        """The page's heading a quoted heading means, as the page writes it: quotes and
        apostrophes straight or curly, a heading's number (``1. ``) left out or not. Without
        the sections of a copy, the quoted heading itself."""
        if not self.sections:
            return quoted
        wanted = _plain(quoted)
        for _, heading in self.sections:
            if wanted in (_plain(heading), _plain(_NUMBERED.sub("", heading))):
                return heading
        return None

    def link(self, section: str | None) -> str | None:
        """A link that opens the page at ``section`` (a text fragment), or the page itself."""
        _checks.optional(section, str, "section", "'Open dispute'")
        if self.url is None or not section:
            return self.url
        # a lone surrogate cannot be UTF-8: it is escaped as its code units rather than refused
        return f"{self.url}#:~:text={urllib.parse.quote(section, safe='', errors='surrogatepass')}"


_NUMBERED = re.compile(r"^\d+\.\s+")
_STRAIGHT = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def _plain(heading: str) -> str:
    return heading.translate(_STRAIGHT).strip().strip('"').strip().casefold()


SOURCE_FIELDS = ("title", "publisher", "author", "address", "date", "evidence", "note")
"""The keys a ``[sources."key"]`` table of a rulebook document may have; ``title`` is required."""

_O, _C, _T = EvidenceLevel.OFFICIAL, EvidenceLevel.OFFICIAL_COPY, EvidenceLevel.THIRD_PARTY

_IDENTITY: dict[str, dict[str, object]] = {
    "seed 000": {
        "publisher": "Product Mafia",
        "author": "Trixia Barrientos",
        "address": "www.productmafia.com/what-to-do-when-aliexpress-product-delivery-failed/",
        "evidence": _T,
    },
    "seed 001": {
        "publisher": "Megabonus Blog",
        "address": "megabonus.com/en/blog/what-to-do-if-you-did-not-receive-a-product-from-aliexpress/",
        "date": "update from 06.2020",
        "evidence": _T,
        "note": "readers' comments, late 2020 to early 2021, continue on comment-page-2 of the address",
    },
    "seed 002": {
        "publisher": "Oberlo (very likely)",
        "address": "www.hockinsonkountrycafe.com/9094.html",
        "evidence": _T,
        "note": "a copy; the original address is not known; the article promotes Oberlo and links its Dropshipping FAQ",
    },
    "seed 003": {
        "publisher": "DSers blog",
        "address": "blog.dsers.com/blog/aliexpress-refund",
        "date": "2025 (title)",
        "evidence": _T,
    },
    "seed 004": {
        "publisher": "Aliexpress Tutorials (original site not confirmed)",
        "address": "pandahelper.com/aliexpress-complaints-dispute/",
        "evidence": _T,
        "note": "a copy; the original site is not confirmed",
    },
    "escrow.aliexpress.com/escrow-faq/dispute/how-does-our-dispute-refund-process-work.html": {
        "publisher": "AliExpress",
        "address": "escrow.aliexpress.com/escrow-faq/dispute/how-does-our-dispute-refund-process-work.html",
        "evidence": _O,
        "note": "an escrow-era page of AliExpress; the page gives no date",
    },
    "escrow.aliexpress.com/escrow-faq/dispute/how-do-i-make-a-refund-request.html": {
        "publisher": "AliExpress",
        "address": "escrow.aliexpress.com/escrow-faq/dispute/how-do-i-make-a-refund-request.html",
        "evidence": _O,
        "note": "an escrow-era page of AliExpress; the page gives no date",
    },
    "activities.aliexpress.com/adcms/help-aliexpress-com/dispute_claim_process.php": {
        "publisher": "AliExpress",
        "address": "activities.aliexpress.com/adcms/help-aliexpress-com/dispute_claim_process.php",
        "evidence": _O,
    },
    "activities.aliexpress.com/adcms/help-aliexpress-com/claim_policies.php": {
        "publisher": "AliExpress",
        "address": "activities.aliexpress.com/adcms/help-aliexpress-com/claim_policies.php",
        "date": "2013-08-01",
        "evidence": _O,
    },
    "activities.aliexpress.com buyer_protection_process": {
        "publisher": "AliExpress",
        "address": "activities.aliexpress.com",
        "evidence": _O,
        "note": "the page buyer_protection_process.php on that site; its full path is not known",
    },
    "www.aliexpress.com/buyerprotection/how_do_i_open_a_dispute.html": {
        "publisher": "AliExpress",
        "address": "www.aliexpress.com/buyerprotection/how_do_i_open_a_dispute.html",
        "evidence": _O,
    },
    "megabonus.com/en/blog/aliexpress-dispute-terms-changed/": {
        "publisher": "Megabonus Blog",
        "address": "megabonus.com/en/blog/aliexpress-dispute-terms-changed/",
        "date": "2020-06-06",
        "evidence": _T,
    },
    "christinasbeautyjourney.blogspot.com/2021/12/what-can-i-do-if-my-order-is-late-and-i.html": {
        "publisher": "christinasbeautyjourney.blogspot.com (a blog copying AliExpress's help centre)",
        "address": "christinasbeautyjourney.blogspot.com/2021/12/what-can-i-do-if-my-order-is-late-and-i.html",
        "date": "2021-12",
        "evidence": _C,
    },
    "bio-guard.net": {
        "publisher": "bio-guard.net (quotes of AliExpress's help centre)",
        "address": "bio-guard.net",
        "evidence": _C,
        "note": "the site as a whole; the page is not known",
    },
    "ssopdot.com/blog/19333.html": {
        "publisher": "ssopdot blog",
        "address": "ssopdot.com/blog/19333.html",
        "evidence": _T,
    },
    "ssopdot.com/blog/35242.html": {
        "publisher": "ssopdot blog",
        "address": "ssopdot.com/blog/35242.html",
        "evidence": _T,
    },
    "cnjdpart.com/ru/pages/faqs": {
        "publisher": "cnjdpart",
        "address": "cnjdpart.com/ru/pages/faqs",
        "evidence": _T,
    },
    "sdk findorderbyid": {
        "publisher": "AliExpress Open Platform (its Java SDK, a copy on GitHub)",
        "address": "github.com/emsaniey20/java",
        "evidence": _C,
        "note": "the files named in the title, at commit 2e278202",
    },
    "response 2024": {
        "publisher": "a seller's tool on GitHub (an AliExpress API response it stored)",
        "address": "github.com/yellowsea19/smallrig",
        "date": "2024-02 to 2024-05",
        "evidence": _C,
        "note": "test_case/temp.py at commit 707febcb",
    },
    "response 2019": {
        "publisher": "an AliExpress SDK for PHP on GitHub (a sample API response it tests with)",
        "address": "github.com/ticaje/PHP-Aliexpress-SDK",
        "date": "2019-03-06",
        "evidence": _C,
        "note": "tests/Unit/Api/Artifact/Responder/Get/OrderInfoResponderTest.php at commit 643e770c",
    },
}
"""The public identity of each source the published rulebooks cite (RULES.md, "The sources,
publicly"), by the key they cite it by; titles come from the rulebooks."""

SECTIONS: Mapping[str, tuple[tuple[int, str], ...]] = MappingProxyType(
    {
        "seed 000": (
            (1, "What to Do When AliExpress Product Delivery Failed"),
            (12, "What should you do when your customers didn’t receive the products from AliExpress suppliers?"),
            (48, "How do you avoid chargebacks due to non-delivery of products from AliExpress suppliers?"),
            (50, "Ask for Extension of the Buyer Protection"),
            (61, "Monitor Shipment Progress"),
            (74, "Key Takeaway"),
            (80, "Want to learn more about dropshipping?"),
        ),
        "seed 001": (
            (7, "What To Do if You Did Not Receive a Product From AliExpress"),
            (17, "Shipment time"),
            (21, "How to extend a purchase protection"),
            (31, "Shipment tracking"),
            (46, "Open dispute"),
            (66, "Dispute result"),
            (89, "Comments"),
        ),
        "seed 002": (
            (18, "What’s the Refund Policy for Drop Shipping Orders?"),
            (32, "Where Can I Access Aliexpress Shipping Tracking Codes for My Dropshipping Orders?"),
            (42, "AliExpress Shipping Tracking: How Long Does It Take for an Order to Arrive?"),
            (48, "How Do I Check the Status of My Drop Shipping Orders?"),
            (58, "Order Status Email Scripts"),
            (72, "What If the Delivery on the Drop Shipping Order Is Late?"),
            (84, "What If My Customer Is Unhappy With Their Purchase?"),
            (92, "“How do I know if the products are real?”"),
            (100, "“What does buyer’s protection cover?”"),
            (112, "“How do I cancel a dropshipping order?”"),
            (120, "“How does AliExpress protect my payments for drop shipping orders?”"),
            (130, "Want to Learn More?"),
        ),
        "seed 003": (
            (1, "AliExpress Refund 2025: How to Get a Refund on AliExpress"),
            (9, "Why Customers Ask for a Refund"),
            (13, "1. Item Never Arrived"),
            (25, "2. Received the Wrong Product"),
            (29, "3. Product Is Damaged or Defective"),
            (33, "4. Quality Doesn’t Match Description"),
            (37, "5. Late Delivery Past Estimated Timeframe"),
            (41, "What Are Refund Options on AliExpress"),
            (45, "1. Full Refund"),
            (57, "2. Partial Refund"),
            (69, "3. Refund With Return"),
            (83, "How to Deal With AliExpress Refund Requests"),
            (89, "Step 1: Confirm the Problem with the Buyer"),
            (102, "Step 2: Verify the Order Status"),
            (117, "Step 4: Initiate an AliExpress Dispute if Necessary"),
            (129, "Step 4: Initiate an AliExpress Dispute if Necessary"),
            (143, "Step 5: Issue the Refund or Resolution to Your Customer"),
            (151, "Bonus Tip for Dropshippers: Use DSers or a Tracking App"),
            (157, "DSers Gives You Complete Order Management"),
            (170, "Tracking Apps Add Transparency and Reassurance"),
            (178, "Wrapping Up"),
        ),
        "seed 004": (
            (3, "How to open dispute on Aliexpress?"),
            (7, "I didn’t receive my Aliexpress order – what to do?"),
            (11, "1. Order didn’t reach my address yet"),
            (19, "2. Your parcel can wait in the customs"),
            (23, "4. Tracking numer doesn’t work"),
            (35, "5. Aliexpress dispute – way to claim refund for you order"),
        ),
    }
)
"""The section headings of aliprotect's copy of each source article, with their lines."""


def source(key: str, fields: Mapping[str, object]) -> Source:
    """The source ``key`` of a rulebook, from the fields its document states, completed from
    the catalog (:data:`CATALOG`) and the sections of the copy, where it has them."""
    known = _IDENTITY.get(key, {})
    merged = {name: fields.get(name, known.get(name)) for name in SOURCE_FIELDS}
    evidence = merged.pop("evidence")
    return Source(
        key,
        sections=SECTIONS.get(key, ()),
        evidence=None if evidence is None else EvidenceLevel(evidence),
        **merged,  # type: ignore[arg-type]
    )


CATALOG: Mapping[str, Mapping[str, object]] = MappingProxyType(
    {key: MappingProxyType(identity) for key, identity in _IDENTITY.items()}
)
"""The public identity of the sources the published rulebooks cite, by key."""
