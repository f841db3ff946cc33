"""The example notebook in docs/ runs from top to bottom, and what it shows renders."""

import ast
import json
import pathlib

NOTEBOOK = pathlib.Path(__file__).parent.parent / "docs" / "explore.ipynb"


def test_the_example_notebook_runs_and_every_result_renders() -> None:
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    namespace: dict[str, object] = {}
    shown = []
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        tree = ast.parse("".join(cell["source"]))
        last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        body = tree.body[:-1] if last is not None else tree.body
        exec(compile(ast.Module(body=body, type_ignores=[]), str(NOTEBOOK), "exec"), namespace)
        if last is not None:
            shown.append(eval(compile(ast.Expression(last.value), str(NOTEBOOK), "eval"), namespace))
    assert len(shown) >= 7
    for value in shown:
        if hasattr(value, "_repr_html_"):
            html = value._repr_html_()
            assert html.startswith("<")
            assert "<table" in html or "rulebook 2025.1" in html.lower()
        elif hasattr(value, "_repr_svg_"):
            assert value._repr_svg_().startswith("<svg")
        else:
            assert isinstance(value, list)
            assert value
    kinds = {type(value).__name__ for value in shown}
    assert {"Order", "Timeline", "AdviceList", "DisputeStatus", "Svg", "Rulebook"} <= kinds


def test_the_notebook_is_stored_without_outputs() -> None:
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    assert all(cell.get("outputs", []) == [] for cell in cells if cell["cell_type"] == "code")
