"""Every guidance list of the knowledge base is reachable from a page where the guide uses it
(clusterdash.learn.GUIDANCE_PLACEMENTS), and the pure parts of the Learn / programmes views."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from clusterdash import knowledge, learn, queries, registry
from tests.conftest import REPO


def page_source(page_key: str) -> str:
    return (REPO / registry.page(page_key).path).read_text(encoding="utf-8")


def test_every_guidance_list_has_a_placement(store):
    lists = set(queries.guidance_lists(store)["list_code"])
    assert len(lists) >= 39
    placed = {p.list_code for p in learn.GUIDANCE_PLACEMENTS}
    assert lists - placed == set(), "guidance lists no page shows"
    assert placed - lists == set(), "placements of lists that do not exist"


def test_every_placement_is_on_a_registered_page_that_draws_it(store):
    keys = {spec.key for spec in registry.enabled_pages()}
    topics = queries.learn_topics(store)
    learn_topic_lists = {
        code: topic for code, topic in zip(topics["guidance_list_code"], topics["topic_code"]) if isinstance(code, str)}
    for page in learn.placement_pages():
        assert page in keys, page
        if page == learn.LEARN_PAGE:
            # the Learn page shows these lists inside their topic, in one of its sections
            for p in learn.placements_on(page):
                assert p.list_code in learn_topic_lists, p
                assert learn.section_of_topic(learn_topic_lists[p.list_code]) != learn.MORE_TOPICS.code, p
        else:
            assert re.search(rf'guidance_lists\(\s*"{page}"', page_source(page)), f"{page} never draws its lists"
    for p in learn.GUIDANCE_PLACEMENTS:
        assert p.where.strip(), p


def test_placements_follow_the_guides_order_and_are_not_repeated():
    seen = set()
    for p in learn.GUIDANCE_PLACEMENTS:
        assert (p.list_code, p.page) not in seen, p
        seen.add((p.list_code, p.page))


@pytest.mark.parametrize("page", [p for p in learn.placement_pages() if p != learn.LEARN_PAGE])
def test_each_page_shows_its_lists_with_items_and_sources(app, store, page):
    """Rendered: every list placed on the page is an expander titled as the list, with its items,
    where the guide uses it and the source."""
    at = app(registry.page(page).path)
    assert not at.exception, [e.value for e in at.exception]
    expanders = {e.label: e for e in at.expander}
    for p in learn.placements_on(page):
        meta = queries.guidance_list(store, p.list_code)
        items = queries.guidance_list_items(store, [p.list_code])
        label = f"{meta['title']} ({len(items)})"
        assert label in expanders, (page, label, list(expanders)[:12])
        box = expanders[label]
        caps = " ".join(c.value for c in box.caption).replace("\\", "")
        assert f"Where the guide uses it: {p.where}" in caps
        assert knowledge.cite(items["source"].iloc[0]) in caps
        body = " ".join(m.value for m in box.markdown).replace("\\", "")
        assert items["text"].iloc[0].replace("\\", "")[:40] in body


def test_the_learn_page_shows_its_lists_inside_their_topics(app, store):
    at = app("pages/learn.py")
    assert not at.exception
    body = " ".join(m.value for m in at.markdown).replace("\\", "")
    for p in learn.placements_on(learn.LEARN_PAGE):
        items = queries.guidance_list_items(store, [p.list_code])
        for text in items["text"]:
            assert text.replace("\\", "")[:40] in body, (p.list_code, text[:40])


# ---- pure parts ---------------------------------------------------------------------------------------

def test_search_mask_needs_every_word_and_folds_with_the_callers_function():
    df = pd.DataFrame({"a": ["Don’t subsidise", "do network", None], "b": ["policy", "policy", "x"]})
    assert list(learn.search_mask(df, ["a", "b"], "don't policy", knowledge.fold_quotes)) == [True, False, False]
    assert list(learn.search_mask(df, ["a", "b"], "", knowledge.fold_quotes)) == [True, True, True]
    assert list(learn.search_mask(df, ["a", "b"], "POLICY")) == [True, True, False]


def test_filter_programmes_combines_every_filter(store):
    progs = queries.policy_programmes(store)
    assert learn.filter_programmes(progs).equals(progs)
    africa = learn.filter_programmes(progs, regions=["africa"])
    assert len(africa) and (africa["world_region"] == "africa").all()
    fig = learn.filter_programmes(progs, with_figure=True)
    assert (fig["amount"].notna() | fig["amount_text"].notna()).all()
    assert learn.describe_programme_filters(["Africa"], [], True, False, " x ") == \
        "world region = Africa; with a stated figure; search = x"
    assert learn.describe_programme_filters() == "none"


def test_programme_figures_are_as_printed():
    row = {"amount_text": "EUR 600 million", "amount": 600_000_000.0, "currency": "EUR", "period": "2007-2017"}
    assert learn.programme_figures(row) == [("As printed", "EUR 600 million"), ("Amount", "600,000,000 EUR"),
                                            ("Period", "2007-2017")]
    assert learn.programme_figures({"amount": 5.0, "currency": None})[0] == ("Amount", "5 (currency not stated)")
    assert learn.programme_figures({}) == []


def test_region_export_has_a_source_on_every_row(store):
    region = queries.world_regions(store).iloc[0].to_dict()
    progs = queries.policy_programmes(store)
    out = learn.region_export(region, queries.region_points(store, region["world_region"]), [],
                              queries.region_initiatives(store, region["world_region"]),
                              progs[progs["world_region"] == region["world_region"]], queries.country_regions(store))
    assert list(out.columns) == learn.REGION_EXPORT_COLUMNS
    assert out["source"].notna().all() and {"narrative", "initiative", "policy programme"} <= set(out["part"])
