"""Learn widgets: the guide's lists where they are used (:func:`guidance_list`, :func:`guidance_lists`),
the Learn page's sections (definitions side by side, topics, shapes, timeline, example SWOT, reading),
the world-regions page (map, narrative, financing pattern beside it, the region's catalogue) and the
policy-programmes view (filters, profile, links from initiatives). Knowledge text only, every part
with its source line (seeds named by title and section: clusterdash.ui.output.source_line)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from clusterdash import checklists, fields, knowledge, learn, queries
from clusterdash.store import Store
from clusterdash.ui import shell
from clusterdash.ui.output import download_csv, plain, show_table, source_line

ss = st.session_state


def _given(v) -> bool:
    return v is not None and not (not isinstance(v, str) and pd.isna(v)) and str(v).strip() != ""


def _sources(frame: pd.DataFrame) -> None:
    """One source line per distinct source of the rows, in their order."""
    for src in dict.fromkeys(frame["source"].dropna()):
        source_line(src)


# ---- guidance lists where they are used -------------------------------------------------------------

def guidance_items_markdown(items: pd.DataFrame) -> str:
    lines = []
    for group, part in learn.guidance_groups(items):
        if group:
            lines.append(f"\n**{plain(group)}**\n")
        for r in part.itertuples():
            head = f"**{plain(r.title)}** — " if _given(r.title) else ""
            lines.append(f"- {plain(learn.item_prefix(r.kind))}{head}{plain(r.text)}")
    return "\n".join(lines)


def guidance_list(list_code: str, *, where: str | None = None, store: Store | None = None,
                  expanded: bool = False) -> None:
    """One of the guide's lists (kb_guidance_list) as an expander: where the guide uses it, its
    introduction, its items as the guide groups them, the sources; a checklist link where the
    checklists page offers it."""
    store = store or shell.get_store()
    meta = queries.guidance_list(store, list_code)
    if meta is None:
        return
    items = queries.guidance_list_items(store, [list_code])
    with st.expander(f"{meta['title']} ({len(items)})", icon=":material/format_list_bulleted:", expanded=expanded):
        if where:
            st.caption(plain(f"Where the guide uses it: {where}"))
        if _given(meta.get("description")):
            st.markdown(plain(meta["description"]))
        st.markdown(guidance_items_markdown(items))
        _sources(items if len(items) else pd.DataFrame({"source": [meta["source"]]}))
        if list_code in checklists.CHECKLIST_LISTS:
            shell.page_link("checklists", label="Work through it as a checklist in this workspace",
                            icon=":material/checklist:", query_params=shell.link_params(shell.current_workspace(store)))


def guidance_lists(page: str, *, title: str | None = "The guide's lists for this step") -> None:
    """Every guidance list placed on ``page`` (clusterdash.learn.GUIDANCE_PLACEMENTS), one expander
    each, under ``title`` (None: no heading, e.g. near the top of a page)."""
    placed = learn.placements_on(page)
    if not placed:
        return
    if title:
        st.subheader(title, anchor=False)
    store = shell.get_store()
    for p in placed:
        guidance_list(p.list_code, where=p.where, store=store)


# ---- the Learn page ---------------------------------------------------------------------------------

def learn_data(store: Store, search: str = "") -> learn.LearnData:
    topics = queries.learn_topics(store)
    data = learn.LearnData(
        glossary=queries.glossary(store), topics=topics, items=queries.learn_items(store),
        guidance=queries.guidance_list_items(store, list(topics["guidance_list_code"].dropna())),
        shapes=queries.cluster_shapes(store), timeline=queries.concept_timeline(store),
        swot=queries.example_swot(store), reading=queries.further_reading(store),
    )
    return learn.filter_learn(data, search, knowledge.fold_quotes)


def glossary_view(d: learn.LearnData) -> None:
    terms = learn.glossary_terms(d.glossary)
    st.caption(f"{len(terms)} terms · {sum(t.is_compared for t in terms)} defined by several seeds, shown side by side")
    for term in terms:
        with st.container(border=True, key=f"term-{term.term_code}"):
            st.markdown(f"#### {plain(term.heading)}")
            if term.is_compared:
                st.caption(f"{len(term.by_seed)} seeds define this term: compare their words")
            cols = st.columns(len(term.by_seed)) if term.is_compared else [st.container()]
            for col, (seed, rows) in zip(cols, term.by_seed):
                with col:
                    st.markdown(f"**{plain(seed)}**")
                    for r in rows.itertuples():
                        st.markdown(f"*{plain(r.term)}*: {plain(r.definition)}")
                        if _given(r.attributed_to):
                            st.caption(plain(f"Attributed to: {r.attributed_to}"))
                        if _given(r.note):
                            st.caption(plain(r.note))
                        source_line(r.source)


def topic_view(d: learn.LearnData, topic) -> None:
    st.markdown(f"#### {plain(topic.title)}")
    if bool(topic.is_excerpt):
        st.warning("Excerpt: the seed text is truncated here, so this topic holds only what the excerpt keeps.",
                   icon=":material/content_cut:")
    if _given(topic.intro):
        st.markdown(plain(topic.intro))
    own = d.items[d.items["topic_code"] == topic.topic_code]
    lines = [f"- {('**' + plain(r.title) + '** — ') if _given(r.title) else ''}{plain(r.text)}" for r in own.itertuples()]
    if lines:
        st.markdown("\n".join(lines))
    listed = d.guidance[d.guidance["list_code"] == topic.guidance_list_code] if _given(topic.guidance_list_code) \
        else d.guidance.iloc[0:0]
    if len(listed):
        st.markdown(guidance_items_markdown(listed))
    if _given(topic.note):
        st.caption(plain(topic.note))
    _sources(pd.concat([pd.DataFrame({"source": [topic.source]}), own[["source"]], listed[["source"]]]))


def topics_view(d: learn.LearnData, section: learn.Section) -> None:
    shown = d.topics.set_index("topic_code")
    for code in section.topics:
        if code in shown.index:
            with st.container(border=True, key=f"topic-{code}"):
                topic_view(d, shown.loc[[code]].reset_index().iloc[0])


def shapes_view(d: learn.LearnData, section: learn.Section) -> None:
    if "cluster_shapes" in set(d.topics["topic_code"]):
        topics_view(d, learn.Section(section.code, section.title, ("cluster_shapes",)))
    st.caption(f"{len(d.shapes)} of the guide's eight shapes of cluster implementation")
    for start in range(0, len(d.shapes), 2):
        cols = st.columns(2)
        for col, r in zip(cols, d.shapes.iloc[start:start + 2].itertuples()):
            with col.container(border=True, key=f"shape-{r.shape_code}"):
                st.markdown(f"**{plain(r.shape_name)}**" + (f" ({plain(r.abbreviation)})" if _given(r.abbreviation) else ""))
                st.markdown(plain(r.definition))
                if _given(r.reference):
                    st.caption(plain(f"The guide's reference: {r.reference}"))
                source_line(r.source)
    topics_view(d, learn.Section(section.code, section.title, ("clusters_vary",)))


def evolution_view(d: learn.LearnData, section: learn.Section) -> None:
    topics_view(d, section)
    st.markdown("#### How the cluster approach evolved over time")
    st.caption("In the guide's order of time. Periods in the text's words; a year only where the passage states "
               "one. The order is ClusterDash's arrangement: the guide's timeline graphic lost its layout.")
    for r in d.timeline.itertuples():
        period = r.period_text if _given(r.period_text) else "no period given"
        kind = fields.value_label("timeline_kind", r.timeline_kind)
        with st.container(border=True, key=f"event-{r.event_code}"):
            st.markdown(f"**{plain(period)}** · {plain(r.actor or '')} · *{plain(kind)}*")
            st.markdown(plain(r.text))
            if _given(r.reference):
                st.caption(plain(f"The guide's reference: {r.reference}"))
            if _given(r.note):
                st.caption(plain(r.note))
            source_line(r.source)


def swot_view(d: learn.LearnData, section: learn.Section) -> None:
    st.markdown("#### Example SWOT: automotive cluster initiative “ABC”, Tunisia")
    st.caption("The quadrant of each point is ClusterDash's reading: the slide's four boxes were extracted as one "
               "list, so each point is assigned by its order and content. Typing slips of the slide are kept.")
    quadrants = [q for q in fields.codes("quadrant") if q in set(d.swot["quadrant"])]
    cols = st.columns(2)
    for i, q in enumerate(quadrants):
        part = d.swot[d.swot["quadrant"] == q]
        with cols[i % 2].container(border=True, key=f"swot-{q}"):
            st.markdown(f"**{plain(fields.value_label('quadrant', q))}** · "
                        f"*{plain(fields.value_label('quadrant_basis', part['quadrant_basis'].iloc[0]))}*")
            st.markdown("\n".join(f"- {plain(t)}" for t in part["text"]))
    if len(d.swot):
        source_line(d.swot["source"].iloc[0])
    shell.page_link("toolkit_swot", label="Make your own SWOT board", query_params=shell.link_params(
        shell.current_workspace(shell.get_store())))


def reading_view(d: learn.LearnData, section: learn.Section) -> None:
    for lst, part in d.reading.groupby("reading_list", sort=False):
        with st.container(border=True, key=f"reading-{lst}"):
            for r in part.itertuples():
                kind = fields.value_label("reading_kind", r.reading_kind)
                st.markdown(f"**{plain(r.entry_label)}** · *{plain(kind)}* — {plain(r.reference)}"
                            + (f"  \n{plain(r.url)}" if _given(r.url) else ""))
                if _given(r.note):
                    st.caption(plain(r.note))
            _sources(part)


VIEWS = {"definitions": lambda d, s: glossary_view(d), "shapes": shapes_view, "evolution": evolution_view,
         "swot": swot_view, "reading": reading_view}


def section_view(d: learn.LearnData, section: learn.Section) -> None:
    if not d.counts.get(section.code):
        st.info("Nothing in this section matches the search.", icon=":material/search_off:")
        return
    VIEWS.get(section.code, topics_view)(d, section)


# ---- world regions -------------------------------------------------------------------------------------

def settle_choice(state_key: str, url_key: str, options: list[str]) -> str | None:
    """A choice kept in the session and the URL (``?<url_key>=``): a link that brings another value
    wins (the URL changed since this page last wrote it); returns the current choice."""
    url_value = st.query_params.get(url_key)
    last = ss.get(f"_{state_key}_url")
    if url_value in options and url_value != last:
        ss[state_key] = url_value
    if ss.get(state_key) not in options:
        ss[state_key] = None
    value = ss[state_key]
    if value:
        st.query_params[url_key] = value
    elif url_key in st.query_params:
        del st.query_params[url_key]
    ss[f"_{state_key}_url"] = value
    return value


REGION_KEY = "region_pick"


def _on_region_map(map_key: str) -> None:
    from clusterdash.charts import learn as chart

    region = chart.selected_region(ss.get(map_key))
    if region:
        ss[REGION_KEY] = region
        ss["region_map_gen"] = ss.get("region_map_gen", 0) + 1


def region_legend(regions: pd.DataFrame, *, large: bool) -> None:
    """Colour = world region; solid = the guide places the country there, pale with an outline =
    ClusterDash's grouping. Markup from constants only (region names from the knowledge base, escaped)."""
    import html

    from clusterdash.charts import learn as chart

    size = 17 if large else 13
    item = "display:inline-flex;align-items:center;gap:6px;white-space:nowrap"
    swatches = "".join(
        f'<span style="{item}"><span style="width:{size}px;height:{size}px;border-radius:3px;'
        f'background:{chart.region_color(r.world_region)}"></span>{html.escape(r.region_name)}</span>'
        for r in regions.itertuples())
    basis = (f'<span style="{item}"><span style="width:{size}px;height:{size}px;border-radius:3px;background:#56606b">'
             f'</span>{html.escape(fields.value_label("region_basis", "text"))} places the country there</span>'
             f'<span style="{item}"><span style="width:{size}px;height:{size}px;border-radius:3px;background:#56606b40;'
             f'border:2px solid #56606b"></span>{html.escape(fields.value_label("region_basis", "clusterdash_grouping"))}'
             f' — not the guide\'s</span>')
    row = "display:flex;flex-wrap:wrap;align-items:center;column-gap:16px;row-gap:4px"
    st.markdown(f'<div data-testid="regions-legend" style="font-size:{size + 1}px;line-height:1.5">'
                f'<div style="{row}">{swatches}</div><div style="{row};margin-top:6px">{basis}</div></div>',
                unsafe_allow_html=True)


def region_map(country_regions: pd.DataFrame, regions: pd.DataFrame, selected: str | None) -> None:
    """The world map coloured by region, with the region picker above it (a click on a country or
    a label picks its region too)."""
    from clusterdash.charts import learn as chart
    from clusterdash.charts import maps

    presenting = shell.is_presenting()
    names = dict(zip(regions["world_region"], regions["region_name"]))
    st.segmented_control("World region", list(names), key=REGION_KEY, format_func=lambda c: names.get(c, c),
                         selection_mode="single")
    region_legend(regions, large=presenting)
    map_key = f"region_map_{ss.setdefault('region_map_gen', 0)}"
    deck = chart.regions_deck(country_regions, regions, selected=selected, large=presenting,
                              basemap=maps.basemap_setting())
    st.pydeck_chart(deck, key=map_key, on_select=lambda: _on_region_map(map_key), selection_mode="single-object",
                    height=chart.MAP_HEIGHT_LARGE_PX if presenting else chart.MAP_HEIGHT_PX,
                    alt="World map: the countries the guide and the catalogue name, coloured by the guide's world region")
    mapped = set(chart.mapped_countries(country_regions)["country"])
    areas = [c for c in country_regions["country"] if c not in mapped]
    st.caption(plain("Areas that are no single country are not drawn: " + ", ".join(areas) + "."))
    # the boundaries first: a passage after a seed's would be read as one of its sections (knowledge.cite)
    source_line("; ".join([maps.BASE_SOURCE, *dict.fromkeys(country_regions["source"])]))


def region_overview(regions: pd.DataFrame) -> None:
    st.info("Pick a world region above or click a country on the map: its narrative from the guide, its financing "
            "pattern, and its initiatives and programmes in the catalogue open below.", icon=":material/touch_app:")
    table = regions[["region_name", "initiatives", "programmes", "financing_region_code"]].rename(
        columns=fields.column_labels(["region_name"]) | {"initiatives": "Initiatives in the catalogue",
                                                          "programmes": "Policy programmes",
                                                          "financing_region_code": "Financing pattern"})
    show_table(table)
    download_csv(regions[["world_region", "region_name", "initiatives", "programmes", "financing_region_code",
                          "financing_link_note", "source"]], "clusterdash_world_regions.csv", key="dl-regions",
                 source="ClusterDash knowledge base kb_region_approach (source per row); initiatives and "
                        "programmes: rows of the catalogue whose country the knowledge base places in the region")


def _region_statements(store: Store, region: dict) -> list[dict]:
    """The financing pattern's statements for the region the financing pillar pairs with this one."""
    from clusterdash import financing as fin

    code = region.get("financing_region_code")
    if not _given(code):
        return []
    patterns = queries.financing_patterns(store)
    return [s for ps in ("financing_mix", "financial_security") for s in fin.region_statements(patterns, ps).get(code, [])]


def region_download(store: Store, region: dict, programmes: pd.DataFrame, country_regions: pd.DataFrame) -> None:
    """The CSV of what the page shows for the region (clusterdash.learn.region_export)."""
    table = learn.region_export(
        region, queries.region_points(store, region["world_region"]), _region_statements(store, region),
        queries.region_initiatives(store, region["world_region"]),
        programmes[programmes["world_region"] == region["world_region"]], country_regions)
    download_csv(table, f"clusterdash_region_{region['world_region']}.csv", key="dl-region",
                 source=f"ClusterDash knowledge base: world region {region['region_name']} (narrative, financing "
                        "pattern, initiatives, programmes, countries); the source column names seed file and section")


def region_narrative(store: Store, region: dict) -> None:
    points = queries.region_points(store, region["world_region"])
    st.subheader(f"{region['region_name']}: the predominant cluster approach", anchor=False)
    lines = []
    for p in points.itertuples():
        lines.append(("- " if p.point_kind == "bullet" else "\n") + plain(p.text))
    st.markdown("\n".join(lines))
    if _given(region.get("reference")):
        st.caption(plain(f"The guide's reference: {region['reference']}"))
    _sources(points)


def region_financing(store: Store, region: dict) -> None:
    """The financing pattern the financing pillar reports for the region paired with this one:
    figures as stated, words as words (no bar for a statement in words), the pairing's note."""
    from clusterdash import financing as fin
    from clusterdash.charts import financing as fin_charts

    code = region.get("financing_region_code")
    code = code if _given(code) else None
    st.subheader("Financing pattern" + (f": {fin.REGION_LONG.get(code, fin.REGIONS.get(code, code))}" if code else ""),
                 anchor=False)
    st.info(plain(region["financing_link_note"]), icon=":material/link:")
    if not code:
        shell.page_link("financing", label="All financing patterns of the guide")
        return
    patterns = queries.financing_patterns(store)
    for pattern_set, title in (("financing_mix", "The financing mix"), ("financial_security", "Financial security")):
        statements = fin.region_statements(patterns, pattern_set).get(code, [])
        if not statements:
            continue
        with st.container(border=True, key=f"fin-{pattern_set}"):
            st.markdown(f"**{plain(title)}**")
            line = fin.pattern_coverage_line(patterns, pattern_set)
            if line:
                st.caption(plain(line))
            for s in statements:
                if s["figure_as_stated"]:
                    st.metric(s["measure"], s["figure_as_stated"])
                    st.caption(plain(s["words"]))
                else:
                    st.markdown(f"**{plain(s['measure'])}** · *in words only*  \n“{plain(s['words'])}”")
            figures = fin.stated_pattern_figures(patterns, pattern_set)
            figures = figures[figures["region"] == fin.REGIONS.get(code)]
            if len(figures):
                st.plotly_chart(fin_charts.stated_figures_bars(figures, large=shell.is_presenting()), theme=None,
                                key=f"chart-region-{pattern_set}", config={"displaylogo": False})
                st.caption("Bars only for the figures the text states as numbers; statements in words get none.")
            _sources(pd.DataFrame({"source": [s["source"] for s in statements]}))
    shell.page_link("financing", label="All financing patterns of the guide")


def region_catalogue(store: Store, region: dict, programmes: pd.DataFrame) -> None:
    """The region's initiatives and policy programmes in the catalogue, each a link to its view."""
    from clusterdash import initiatives as ini

    wid = shell.current_workspace(store)
    rows = queries.region_initiatives(store, region["world_region"])
    progs = programmes[programmes["world_region"] == region["world_region"]]
    left, right = st.columns(2, gap="medium")
    with left:
        st.subheader(f"Initiatives in the catalogue ({len(rows)})", anchor=False)
        if rows.empty:
            st.caption("The catalogue has no initiative in this region.")
        else:
            table = pd.DataFrame({
                "name": rows["name"], "country": rows["country"], "place": rows["place"],
                "location_precision": rows["location_precision"].map(
                    lambda v: fields.value_label("location_precision", v) if _given(v) else None),
                "stage": rows["stage_code"].map(ini.stage_label),
                "region_basis": rows["region_basis"].map(learn.region_basis_label),
            })
            show_table(table.rename(columns=fields.column_labels(table.columns)))
            names = dict(zip(rows["initiative_id"], rows["name"] + " — " + rows["country"]))
            pick = st.selectbox("Open an initiative on the map", list(names), format_func=lambda i: names[i],
                                index=None, placeholder="Pick an initiative…", key=f"region-ini-{region['world_region']}")
            if pick:
                shell.page_link("initiatives", label=f"Open {names[pick]}",
                                query_params=shell.link_params(wid, initiative=pick))
    with right:
        st.subheader(f"Policy programmes ({len(progs)})", anchor=False)
        if progs.empty:
            st.caption("The seeds name no policy programme in this region.")
        for p in progs.itertuples():
            shell.page_link("programmes", label=f"{p.name} ({p.country})", icon=":material/account_balance:",
                            query_params=shell.link_params(wid, programme=p.programme_code))


def region_countries(country_regions: pd.DataFrame, world_region: str) -> None:
    placed, grouped = learn.region_countries(country_regions, world_region)
    if placed:
        st.markdown("**The guide places here:** " + plain(", ".join(placed)))
    if grouped:
        st.markdown(f"**{plain(fields.value_label('region_basis', 'clusterdash_grouping'))}** (the guide places them "
                    "in no region; the catalogue or the programmes name them): " + plain(", ".join(grouped)))


# ---- policy programmes ----------------------------------------------------------------------------------

PROGRAMME_KEY = "prog_pick"


def programme_filters(programmes: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """World region, country, 'with a figure', 'with initiatives' and search. Returns the rows shown
    and the filters in words (for the CSV's source line)."""
    regions = programmes.dropna(subset=["world_region"]).drop_duplicates("world_region")
    names = dict(zip(regions["world_region"], regions["region_name"]))
    c1, c2, c3 = st.columns([3, 3, 3])
    picked = c1.multiselect("World region", list(names), format_func=lambda c: names[c], key="prog_regions",
                            placeholder="All regions")
    countries = c2.multiselect("Country or area", sorted(set(programmes["country"].dropna()), key=str.casefold),
                               key="prog_countries", placeholder="All countries and areas")
    search = c3.text_input("Search", key="prog_search", placeholder="name, purpose, figure…")
    t1, t2 = st.columns(2)
    with_figure = t1.toggle("Only programmes with a stated figure", key="prog_figure")
    with_initiatives = t2.toggle("Only programmes linked to initiatives of the catalogue", key="prog_linked")
    shown = learn.filter_programmes(programmes, regions=picked, countries=countries, with_figure=with_figure,
                                    with_initiatives=with_initiatives, search=search, fold=knowledge.fold_quotes)
    return shown, learn.describe_programme_filters([names[c] for c in picked], countries, with_figure,
                                                   with_initiatives, search)


def programme_profile(store: Store, row: dict) -> None:
    """One programme: its figures exactly as sourced, what the source says, its world region, the
    initiatives of the catalogue the text links to it (each a link to the initiatives map)."""
    wid = shell.current_workspace(store)
    st.subheader(plain(row["name"]), anchor=False)
    region = row.get("region_name") if _given(row.get("region_name")) else "no world region"
    st.markdown(f"**{plain(fields.label('country'))}:** {plain(row.get('country') or 'not stated')} · "
                f"**{plain(fields.label('world_region'))}:** {plain(region)} "
                f"(*{plain(learn.region_basis_label(row.get('region_basis')))}*)")
    figures = learn.programme_figures(row)
    if figures:
        for label, text in figures:
            st.markdown(f"**{plain(label)}:** {plain(text)}")
    else:
        st.caption("The text states no amount or period for this programme.")
    st.markdown(plain(row["description"]))
    source_line(row["source"])
    links = queries.programme_links(store, programme_code=row["programme_code"])
    if len(links):
        st.markdown(f"**Initiatives of the catalogue the text links to it** ({len(links)})")
        for r in links.itertuples():
            shell.page_link("initiatives", label=f"{r.initiative_name} ({r.country}) · "
                            f"{fields.value_label('link_kind', r.link_kind)}", icon=":material/travel_explore:",
                            query_params=shell.link_params(wid, initiative=r.initiative_id))
        for text, part in links.groupby("text", sort=False):
            st.caption(plain(f"“{text}”") + (f" — {plain(part['note'].iloc[0])}" if _given(part["note"].iloc[0]) else ""))
        _sources(links)
    if _given(row.get("world_region")):
        shell.page_link("world_regions", label=f"The approach of {region}", icon=":material/public:",
                        query_params=shell.link_params(wid, region=row["world_region"]))


def programme_links_for(store: Store, initiative_id: str) -> None:
    """On an initiative's profile: the policy programmes the text links to it, each a link to the
    programmes view (nothing when there are none)."""
    links = queries.programme_links(store, initiative_id=initiative_id)
    if links.empty:
        return
    wid = shell.current_workspace(store)
    st.markdown("**Policy programmes:**")
    for r in links.itertuples():
        shell.page_link("programmes", label=f"{r.programme_name} · {fields.value_label('link_kind', r.link_kind)}",
                        icon=":material/account_balance:",
                        query_params=shell.link_params(wid, programme=r.programme_code))
