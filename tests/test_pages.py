"""AppTest: every registered page runs without exception on a fresh store."""

import pytest

from clusterdash import registry


@pytest.mark.parametrize("spec", registry.enabled_pages(), ids=lambda p: p.url_path)
def test_page_runs_without_exception(app, spec):
    at = app(spec.path)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title or at.markdown  # rendered something
    if not spec.default:
        # AppTest.switch_page falls back to the default page when it cannot find the page:
        # make sure we really ran this one, not Home.
        assert not any(t.value == "ClusterDash" for t in at.title), f"{spec.path} rendered Home"


def test_url_paths_match_file_names():
    # AppTest (and deep links) resolve a page by its file name: keep url_path == file stem.
    from pathlib import Path

    for spec in registry.enabled_pages():
        assert spec.url_path == Path(spec.path).stem, spec


def test_workspace_lands_in_url(app):
    at = app()
    assert at.query_params["ws"] == ["default"] or at.query_params["ws"] == "default"


def test_home_shows_headline_facts_with_sources(app, store):
    at = app("pages/home.py")
    facts = store.rows("SELECT label, source FROM kb_headline_fact")
    shown = " ".join(m.value for m in at.markdown)
    for f in facts:
        assert f["label"] in shown.replace("\\", "")
    captions = " ".join(c.value for c in at.caption)
    assert "Source" in captions


def test_sources_search_filters_rows(app):
    at = app("pages/sources.py")
    total = int(at.caption[0].value.split()[0].replace(",", ""))
    at.text_input(key="src_search").input("membership fees").run()
    assert not at.exception
    filtered = int(at.caption[0].value.split()[0].replace(",", ""))
    assert 0 < filtered < total
