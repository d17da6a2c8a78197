"""The page registry is the only place that names page files, and tool -> page links agree."""

from __future__ import annotations

import ast
import csv
import re
from pathlib import Path

import pytest

from clusterdash import registry, toolkit
from tests.conftest import REPO

PAGE_LITERAL = re.compile(r"pages/\w+\.py")


def production_files() -> list[Path]:
    return [REPO / "app.py", *sorted((REPO / "pages").glob("*.py")), *sorted((REPO / "clusterdash").rglob("*.py"))]


def string_constants(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value


def test_page_files_are_named_only_in_the_registry():
    found = []
    for path in production_files():
        if path == REPO / "clusterdash" / "registry.py":
            continue
        for line, text in string_constants(path):
            if PAGE_LITERAL.search(text):
                found.append(f"{path.relative_to(REPO)}:{line}: {text!r}")
    assert not found, "page paths outside clusterdash/registry.py (use registry.page(key)): " + "; ".join(found)


def test_domain_modules_name_no_pages_or_icons():
    ui_or_app = {"registry.py"}
    for path in sorted((REPO / "clusterdash").glob("*.py")):
        if path.name in ui_or_app:
            continue
        for line, text in string_constants(path):
            assert ":material/" not in text, f"{path.name}:{line} names an icon: {text!r}"


def test_every_page_file_is_registered_and_every_entry_has_its_file():
    files = {p.stem for p in (REPO / "pages").glob("*.py")}
    keys = [p.key for p in registry.PAGES]
    assert len(keys) == len(set(keys))
    assert set(keys) == files
    for spec in registry.enabled_pages():
        assert (REPO / spec.path).is_file() and spec.url_path == Path(spec.path).stem
        assert registry.page(spec.key) is spec
    with pytest.raises(KeyError):
        registry.page("no_such_page")


def test_toolkit_tools_and_their_pages():
    assert [registry.page_for_toolkit_tool(t.tool_code).key for t in toolkit.TOOLS] == [
        p.key for p in registry.enabled_pages() if p.toolkit_tool]
    for t in toolkit.TOOLS:
        spec = registry.page_for_toolkit_tool(t.tool_code)
        assert spec.title == t.title and spec.section == "Toolkit"
        assert set(t.phase_tool_codes) <= set(registry.tool_codes_of(spec))


def test_each_guide_tool_has_at_most_one_page_and_the_lookups_agree():
    with open(REPO / "data" / "knowledge" / "phase_tool.csv", newline="", encoding="utf-8") as f:
        codes = {r["tool_code"] for r in csv.DictReader(f)}
    served = {}
    for spec in registry.enabled_pages():
        for code in registry.tool_codes_of(spec):
            assert code in codes, f"{spec.key} serves {code!r}, which the guide's tool list does not have"
            assert code not in served, f"{code} is served by {served.get(code)} and {spec.key}"
            served[code] = spec.key
    for code in codes:
        page = registry.page_for_tool(code)
        assert (page.key if page else None) == served.get(code), code
        tool = toolkit.tool_for_phase_tool(code)
        if tool is not None:  # a toolkit tool's guide tools open that tool's page
            assert page == registry.page_for_toolkit_tool(tool.tool_code), code
    # the tools the assessment's recommendations link to (issue 10: staff_development disagreed)
    assert served["staff_development"] == served["staffing"] == "toolkit_team"
    assert served["value_chain_mapping"] == "value_chains"
