"""The example notebooks in docs/notebooks run from top to bottom in a real Jupyter kernel, and
what they show renders: tables for the values and answers, pictures for the timelines.

They are stored without outputs; the docs site executes them when it is built."""

from __future__ import annotations

import pathlib

import nbformat
import pytest
from nbclient import NotebookClient

FOLDER = pathlib.Path(__file__).parent.parent / "docs" / "notebooks"
NOTEBOOKS = sorted(FOLDER.glob("*.ipynb"))


def executed(path: pathlib.Path) -> nbformat.NotebookNode:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},  # as the docs site runs it: in its folder
    )
    client.execute()
    return notebook


def outputs(notebook: nbformat.NotebookNode) -> list[dict[str, object]]:
    return [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]


def shown(notebook: nbformat.NotebookNode, kind: str) -> list[str]:
    return [str(output["data"][kind]) for output in outputs(notebook) if kind in output.get("data", {})]


def test_there_are_the_two_example_notebooks() -> None:
    assert [path.name for path in NOTEBOOKS] == ["explore.ipynb", "store.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_the_notebook_is_stored_without_outputs(path: pathlib.Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    assert all(
        cell.outputs == [] and cell.execution_count is None for cell in notebook.cells if cell.cell_type == "code"
    )


@pytest.fixture(scope="module")
def explore() -> nbformat.NotebookNode:
    return executed(FOLDER / "explore.ipynb")


@pytest.fixture(scope="module")
def store() -> nbformat.NotebookNode:
    return executed(FOLDER / "store.ipynb")


def test_the_example_notebook_runs_in_a_kernel_and_every_result_renders(explore: nbformat.NotebookNode) -> None:
    assert not [output for output in outputs(explore) if output["output_type"] == "error"]
    assert not [output for output in outputs(explore) if output.get("name") == "stderr"], "no warning is printed"
    tables = shown(explore, "text/html")
    pictures = shown(explore, "image/svg+xml")
    assert len(pictures) == 2
    assert all(picture.startswith("<svg") and "days of Europe/Paris" in picture for picture in pictures)
    assert len(tables) >= 9
    joined = "\n".join(tables)
    for words in (
        "dispute_closes",  # a timeline
        "Open from",  # a window
        "allowed",  # a verdict
        "Dispute of order",  # a dispute
        "<b>Decision</b>",  # a decision, field by field
        "rulebook 2025.2",
    ):
        assert words in joined, words


def test_the_store_notebook_answers_a_dataframe_of_orders(store: nbformat.NotebookNode) -> None:
    assert not [output for output in outputs(store) if output["output_type"] == "error"]
    assert not [output for output in outputs(store) if output.get("name") == "stderr"], "no warning is printed"
    tables = "\n".join(shown(store, "text/html"))
    assert "8000000000000101" in tables
    assert "protection_ends" in tables  # the timelines' columns
    assert "open_dispute" in tables  # the next actions
    pictures = shown(store, "image/svg+xml")
    assert len(pictures) == 1
    assert sum(f"<title>order 800000000000010{n}</title>" in pictures[0] for n in range(1, 9)) == 8  # a row each
    texts = "\n".join(shown(store, "text/plain"))
    assert "SUMMARY:Order 8000000000000101" in texts
