"""Junk for the tests that feed the library what it should refuse: values of every kind, and JSON."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from dateutil import tz
from hypothesis import strategies as st

from aliprotect.strategies import instants

junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**30), max_value=10**30),
    # more digits than Python turns into text by default (built when drawn: the strategy's own
    # description could not show it)
    st.builds(lambda sign: sign * 10**5000, st.sampled_from([1, -1])),
    st.floats(allow_nan=True),
    st.decimals(allow_nan=True),
    st.text(max_size=30),
    st.binary(max_size=10),
    st.datetimes(),  # naive
    st.dates(),
    st.timedeltas(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    instants(),
    # aware datetimes in zones aliprotect refuses: no name, a name that is not its rules, a
    # fraction of a second
    st.sampled_from(
        [
            dt.datetime(2025, 3, 1, 10, tzinfo=tz.tzstr("EST5EDT")),
            dt.datetime(2025, 3, 1, 10, tzinfo=tz.tzlocal()),
            dt.datetime(2025, 3, 1, 10, tzinfo=dt.timezone(dt.timedelta(seconds=30.5))),
            dt.datetime(2025, 3, 30, 2, 30, tzinfo=zoneinfo.ZoneInfo("Europe/Paris")),  # skipped: read as Python does
        ]
    ),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=15,
)
