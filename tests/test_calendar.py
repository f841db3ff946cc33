"""A rulebook can count its days on one zone's calendar (``days_counted_in``), whatever
the zone of the instants: AliExpress's own countdown counts whole 24-hour days, as China's
calendar (no daylight saving) does."""

import importlib.resources

import pendulum
import pytest

import aliprotect
from aliprotect import Order, Rulebook
from aliprotect.errors import MalformedRulebookError

BASE_TEXT = (importlib.resources.files("aliprotect") / "rulebooks" / "2025.1.toml").read_text(encoding="utf-8")
PACIFIC = "America/Los_Angeles"
HEAD = 'in_force_citations = ["seed 003:1"]\n'


def with_head(lines: str) -> str:
    """The text of rulebook 2025.1 with ``lines`` added to its [rulebook] table."""
    return BASE_TEXT.replace(HEAD, HEAD + lines)


def counted_in(zone: str) -> Rulebook:
    text = with_head(f'days_counted_in = "{zone}"\ndays_counted_in_citations = ["seed 003:1"]\n')
    return Rulebook.from_toml(text.replace('version = "2025.1"', 'version = "2025.1-china"'))


CHINA = counted_in("Asia/Shanghai")
# shipped the day before the US spring change of 2024 (10 March)
ORDER = Order(
    id="C1",
    placed_at=pendulum.datetime(2024, 2, 24, 15, 0, 51, tz=PACIFIC),
    shipped_at=pendulum.datetime(2024, 3, 9, 23, 15, 30, tz=PACIFIC),
    protection_days=90,
)


def test_days_counted_on_china_s_calendar_are_24_hours_long_across_a_us_dst_change() -> None:
    ends = aliprotect.protection_end(ORDER, rules=CHINA).at
    assert ends == ORDER.shipped_at.add(hours=90 * 24)
    assert ends.timezone_name == PACIFIC  # shown in the order's own zone
    assert (ends.hour, ends.minute) == (0, 15)  # an hour later on the Pacific wall clock
    # the same rules in the order's own zone keep the wall-clock time (C2)
    own = aliprotect.protection_end(ORDER, rules=aliprotect.rulebook("2025.1")).at
    assert (own.hour, own.minute) == (23, 15)
    assert ends.diff(own).in_seconds() == 3600


def test_every_day_count_of_the_rulebook_uses_its_calendar() -> None:
    # day 6 after shipping starts at 00:00 in China, not in California (C4)
    window = aliprotect.dispute_window(ORDER, rules=CHINA)
    assert window.opens.in_timezone("Asia/Shanghai").date() == pendulum.date(2024, 3, 16)
    assert (window.opens.in_timezone("Asia/Shanghai").hour, window.opens.in_timezone("Asia/Shanghai").minute) == (0, 0)
    timeline = aliprotect.timeline(ORDER, rules=CHINA)
    recommended, ends = timeline.get("open_by_recommended"), timeline.get("protection_ends")
    assert recommended is not None
    assert ends is not None
    assert recommended.at == ends.at.subtract(hours=10 * 24)


def test_the_calendar_is_part_of_the_rulebook_and_of_its_fingerprint() -> None:
    assert CHINA.days_counted_in == "Asia/Shanghai"
    assert [str(c) for c in CHINA.days_counted_in_citations] == ["seed 003:1"]
    assert aliprotect.rulebook("2025.1").days_counted_in is None
    assert CHINA.fingerprint != counted_in("Asia/Tokyo").fingerprint


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            with_head('days_counted_in = "Mars/Olympus"\ndays_counted_in_citations = ["seed 003:1"]\n'),
            r"\[rulebook\].days_counted_in: must name an IANA time zone",
        ),
        (
            with_head('days_counted_in = "Asia/Shanghai"\n'),
            r"\[rulebook\].days_counted_in_citations: must be a non-empty list of citations",
        ),
        (
            with_head('days_counted_in_citations = ["seed 003:1"]\n'),
            r"days_counted_in_citations: must be left out when days_counted_in is",
        ),
    ],
)
def test_a_bad_calendar_is_refused(text: str, message: str) -> None:
    with pytest.raises(MalformedRulebookError, match=message):
        Rulebook.from_toml(text)


def test_tables_count_on_the_rulebook_s_calendar_too() -> None:
    pd = pytest.importorskip("pandas")
    frames = pytest.importorskip("aliprotect.frames")
    shipped = [ORDER.shipped_at.add(days=offset, hours=hours) for offset in range(-3, 4) for hours in (0, 7, 13)]
    table = pd.DataFrame(
        {
            "id": [f"C{i}" for i in range(len(shipped))],
            "placed_at": pd.to_datetime([ORDER.placed_at.isoformat()] * len(shipped), utc=True).tz_convert(PACIFIC),
            "shipped_at": pd.to_datetime([s.isoformat() for s in shipped], utc=True).tz_convert(PACIFIC),
            "protection_days": [90] * len(shipped),
        }
    )
    answers = frames.timelines(table, rules=CHINA)
    for row, instant in enumerate(shipped):
        order = Order(id=f"C{row}", placed_at=ORDER.placed_at, shipped_at=instant, protection_days=90)
        expected = aliprotect.timeline(order, rules=CHINA)
        for deadline in expected:
            assert answers[deadline.name][row].to_pydatetime() == deadline.at, (row, deadline.name)
