"""What the command line's tests share."""


def summary(out: str) -> str:
    """The line of ``aliprotect check``'s text output that counts the orders needing action: it
    comes after the orders (streamed as they are checked, or sorted with ``--sort``)."""
    found = [line for line in out.splitlines() if " orders need action at " in line]
    assert len(found) == 1, out
    return found[0]
