"""How a message shows a value it refuses: its ``repr``, or what it is when Python cannot
turn it into text (an integer of more digits than ``sys.get_int_max_str_digits()`` allows,
or an object whose own ``repr`` raises), so that building the message never raises."""

from __future__ import annotations

import math


def shown(value: object) -> str:
    """``repr(value)`` when Python can write it; otherwise a short description of it.

    Example:
        >>> shown("45")
        "'45'"
        >>> shown(10**5000)
        'an integer of 5001 digits'
    """
    try:
        return repr(value)
    except Exception:  # any value a caller passes must still make a message
        if isinstance(value, int):
            digits = math.floor(abs(value).bit_length() * math.log10(2)) + 1
            exact = digits - 1 if abs(value) < 10 ** (digits - 1) else digits
            return f"an integer of {exact} digits"
        return f"a value of type {type(value).__name__} that cannot be shown"
