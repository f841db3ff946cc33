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


def counted_in(zone: str, rules: str = '"protection.period", "protection.extension"') -> Rulebook:
    text = with_head(
        f'days_counted_in = "{zone}"\ndays_counted_in_rules = [{rules}]\ndays_counted_in_citations = ["seed 003:1"]\n'
    )
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


def test_only_the_rules_the_rulebook_names_count_on_its_calendar() -> None:
    # the timer counts 24-hour days; day 6 after shipping still starts at 00:00 on the order's own calendar (C4)
    window = aliprotect.dispute_window(ORDER, rules=CHINA)
    assert window.opens == pendulum.datetime(2024, 3, 15, tz=PACIFIC)
    timeline = aliprotect.timeline(ORDER, rules=CHINA)
    recommended, ends = timeline.get("open_by_recommended"), timeline.get("protection_ends")
    assert recommended is not None
    assert ends is not None
    assert recommended.at == ends.at.subtract(days=10)  # 10 calendar days in the order's zone (C2)
    # a rulebook may name open.earliest too: then day 6 starts at 00:00 in China
    china_days = counted_in("Asia/Shanghai", '"protection.period", "open.earliest"')
    opens = aliprotect.dispute_window(ORDER, rules=china_days).opens.in_timezone("Asia/Shanghai")
    assert (opens.date(), opens.hour, opens.minute) == (pendulum.date(2024, 3, 16), 0, 0)
    assert CHINA.calendar("protection.period") == "Asia/Shanghai"
    assert CHINA.calendar("open.earliest") is None


def test_an_extension_is_checked_against_the_end_the_rulebook_counts() -> None:
    # a limit: the order checks itself without a rulebook, on its own calendar (C2), so an extension
    # granted in the hour before the 24-hour end (PDT, an hour after the C2 end) is refused when built
    granted_after = ORDER.shipped_at.add(hours=90 * 24, minutes=-30)  # before the 24-hour end, after the C2 end
    with pytest.raises(aliprotect.errors.TimeOrderError, match=r"not before protection ended"):
        Order(
            id="C2",
            placed_at=ORDER.placed_at,
            shipped_at=ORDER.shipped_at,
            protection_days=90,
            extensions=(aliprotect.Extension(granted_at=granted_after, days=15),),
        )
    # in autumn the rulebook's end comes an hour before the order's own: an extension in that hour is refused
    autumn = ORDER.shipped_at.add(months=6)  # 2024-09-09, PDT; its 90-day end is in PST
    late = autumn.add(hours=90 * 24, minutes=30)  # after the 24-hour end, before the C2 end
    order = Order(
        id="C3",
        placed_at=ORDER.placed_at,
        shipped_at=autumn,
        protection_days=90,
        extensions=(aliprotect.Extension(granted_at=late, days=15),),
    )
    assert aliprotect.protection_end(order, rules=aliprotect.rulebook("2025.1")).at == late.add(minutes=30, days=15)
    with pytest.raises(aliprotect.errors.TimeOrderError, match=r"counted on the calendar of Asia/Shanghai as rulebook"):
        aliprotect.protection_end(order, rules=CHINA)


def test_the_calendar_is_part_of_the_rulebook_and_of_its_fingerprint() -> None:
    assert CHINA.days_counted_in == "Asia/Shanghai"
    assert [str(c) for c in CHINA.days_counted_in_citations] == ["seed 003:1"]
    assert aliprotect.rulebook("2025.1").days_counted_in is None
    assert CHINA.fingerprint != counted_in("Asia/Tokyo").fingerprint


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            with_head(
                'days_counted_in = "Mars/Olympus"\ndays_counted_in_rules = ["protection.period"]\n'
                'days_counted_in_citations = ["seed 003:1"]\n'
            ),
            r"\[rulebook\].days_counted_in: must name an IANA time zone",
        ),
        (
            with_head('days_counted_in = "Asia/Shanghai"\ndays_counted_in_rules = ["protection.period"]\n'),
            r"\[rulebook\].days_counted_in_citations: must be a non-empty list of citations",
        ),
        (
            with_head('days_counted_in = "Asia/Shanghai"\ndays_counted_in_citations = ["seed 003:1"]\n'),
            r"\[rulebook\].days_counted_in_rules: must list the rule ids",
        ),
        (
            with_head(
                'days_counted_in = "Asia/Shanghai"\ndays_counted_in_rules = ["no.such"]\n'
                'days_counted_in_citations = ["seed 003:1"]\n'
            ),
            r"\[rulebook\].days_counted_in_rules: must list the rule ids",
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


def test_a_table_checks_extensions_against_the_end_the_rulebook_counts_naming_their_row() -> None:
    pd = pytest.importorskip("pandas")
    frames = pytest.importorskip("aliprotect.frames")
    autumn = ORDER.shipped_at.add(months=6)
    late = autumn.add(hours=90 * 24, minutes=30)  # after the 24-hour end, before the C2 end

    def column(instants: list[pendulum.DateTime]) -> object:
        return pd.to_datetime([i.isoformat() for i in instants], utc=True).tz_convert(PACIFIC)

    orders = pd.DataFrame(
        {
            "id": ["A", "B"],
            "placed_at": column([ORDER.placed_at, ORDER.placed_at]),
            "shipped_at": column([autumn, autumn]),
            "protection_days": [90, 90],
        }
    )
    extensions = pd.DataFrame({"id": ["A", "B"], "granted_at": column([autumn.add(days=10), late]), "days": [5, 15]})
    assert len(frames.timelines(orders, extensions=extensions, rules=aliprotect.rulebook("2025.1"))) == 2
    with pytest.raises(aliprotect.errors.TimeOrderError, match=r"row 1 of extensions \(order 'B'\): granted_at is not"):
        frames.timelines(orders, extensions=extensions, rules=CHINA)
