"""The documentation tells the truth: every example runs, every public name is documented."""

import doctest
import importlib
import inspect
import pathlib
import pkgutil
import re
import subprocess
import sys

import pytest

import aliprotect
from aliprotect import aliexpress, frames
from aliprotect.cli import main

ROOT = pathlib.Path(__file__).parent.parent
DOCS = sorted((ROOT / "docs").rglob("*.md"))
PAGES = [ROOT / "README.md", *DOCS]
MODULES = sorted(
    name for _, name, _ in pkgutil.walk_packages(aliprotect.__path__, "aliprotect.") if name != "aliprotect.__main__"
)
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


@pytest.mark.parametrize("name", ["aliprotect", *MODULES])
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    failed, _ = doctest.testmod(module, optionflags=FLAGS, verbose=False)
    assert failed == 0


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_page_examples_run(page: pathlib.Path) -> None:
    failed, _ = doctest.testfile(str(page), module_relative=False, optionflags=FLAGS, encoding="utf-8")
    assert failed == 0


def test_the_readme_example_and_the_docs_have_examples() -> None:
    counts = {page.name: doctest.DocTestParser().get_examples(page.read_text(encoding="utf-8")) for page in PAGES}
    assert len(counts["README.md"]) >= 3
    assert len(counts["getting-started.md"]) >= 5


def test_every_public_name_exists_has_a_docstring_and_an_api_entry() -> None:
    reference = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
    for name in aliprotect.__all__:
        value = getattr(aliprotect, name)
        if callable(value):  # a constant is documented by the docstring after its assignment
            assert inspect.getdoc(value), name
        assert f"::: aliprotect.{name}\n" in reference, name
    public = {name for name in vars(aliprotect) if not name.startswith("_")}
    assert set(aliprotect.__all__) == {name for name in public if not inspect.ismodule(getattr(aliprotect, name))}
    namespaces = {
        "rules": aliprotect.rules,
        "errors": aliprotect.errors,
        "display": aliprotect.display,
        "frames": frames,
        "aliexpress": aliexpress,
    }
    for namespace, names in ((name, module.__all__) for name, module in namespaces.items()):
        for name in names:
            assert f"::: aliprotect.{namespace}.{name}\n" in reference or name == "AliprotectError", name


def test_the_door_is_small_and_every_other_module_is_private() -> None:
    assert len(aliprotect.__all__) <= 63  # the house plan: about 60 names, display helpers under aliprotect.display
    modules = {name for _, name, _ in pkgutil.iter_modules(aliprotect.__path__)}
    public = {name for name in modules if not name.startswith("_")}
    assert public == {"aliexpress", "cli", "display", "errors", "frames", "rules", "strategies"}
    # the door opens these namespaces itself (display and rules when first asked for); aliexpress, cli,
    # frames and strategies are imported on purpose
    assert all(inspect.ismodule(getattr(aliprotect, name)) for name in ("display", "errors", "rules"))
    assert {"display", "errors", "rules"} <= set(dir(aliprotect))


def test_every_public_function_has_an_example_or_is_covered_by_a_page() -> None:
    pages = "\n".join(page.read_text(encoding="utf-8") for page in PAGES)
    for name in aliprotect.__all__:
        value = getattr(aliprotect, name)
        if inspect.isfunction(value):
            assert ">>>" in (inspect.getdoc(value) or "") or f"aliprotect.{name}(" in pages, name


def test_the_command_line_page_shows_real_output(capsys: pytest.CaptureFixture[str]) -> None:
    page = (ROOT / "docs" / "guides" / "cli.md").read_text(encoding="utf-8")
    command = re.search(r"```sh\n(aliprotect timeline .*?)\n```", page, re.DOTALL)
    shown = re.search(r"```text\n(order .*?)\n```", page, re.DOTALL)
    assert command is not None
    assert shown is not None
    argv = command.group(1).replace("\\\n", " ").split()[1:]
    assert main(argv) == 0
    assert capsys.readouterr().out.strip() == shown.group(1).strip()
    error = re.search(r"\$ aliprotect (timeline .*?)\n(aliprotect: error: .*?)\n```", page)
    assert error is not None
    assert main(error.group(1).split()) == 2
    assert capsys.readouterr().err.strip() == error.group(2)


def test_the_changelog_has_an_unreleased_section() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "\n## Unreleased\n" in changelog


def test_the_door_imports_a_module_only_when_one_of_its_names_is_first_asked_for() -> None:
    listed = "print(sorted(name for name in sys.modules if name.startswith('aliprotect')))"
    code = f"import sys, aliprotect; {listed}; aliprotect.Order; {listed}"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    before, after = (eval(line) for line in result.stdout.splitlines())
    assert before == ["aliprotect", "aliprotect.errors"]
    assert {"aliprotect._model", "aliprotect.display"} <= set(after)  # the display is ready for a notebook
    assert set(aliprotect.__all__) <= set(dir(aliprotect))
    with pytest.raises(AttributeError, match="no attribute 'Ordr'"):
        aliprotect.Ordr  # noqa: B018


def test_the_site_keeps_rule_ids_whole_and_runs_the_notebooks() -> None:
    root = pathlib.Path(__file__).parent.parent
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    assert "stylesheets/extra.css" in config
    css = (root / "docs" / "stylesheets" / "extra.css").read_text(encoding="utf-8")
    assert "td:first-child code" in css
    assert "white-space: nowrap" in css
    assert "execute: true" in config  # the notebooks' pages show their outputs
    assert "allow_errors: false" in config
