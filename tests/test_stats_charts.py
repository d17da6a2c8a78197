"""Charts of the regional statistics that cannot mislead (issue #11, item 4): the LQ heatmap's
white is exactly LQ 1 (read back from the figure), colours symmetric in log; the portfolio's
growth axis is not stretched by a tiny cluster (clipped, marked, listed); strong-cluster labels
never overlap (chart and map); texts state the benchmark and the dataset's own term; U.S. states
as an offline choropleth; NUTS regions on an offline map at their country's position."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from clusterdash import queries, stats
from clusterdash.charts import labels
from clusterdash.charts import stats as chart
from clusterdash.stats import analysis

CBP, EU = "cbp_states_2017_2021", "eurostat_lfs_nuts2"


def _cmp(lqs: dict[tuple[str, str], float]) -> pd.DataFrame:
    rows = []
    for (region, cluster), lq in lqs.items():
        rows.append({"region_code": region, "region_name": f"Region {region}", "cluster_code": cluster,
                     "cluster_name": f"Cluster {cluster}", "year": 2021, "lq": lq, "employment": 1000.0,
                     "is_strong": lq > 1.1})
    return pd.DataFrame(rows)


def _cell_z(fig, region_name: str, cluster_name: str) -> float:
    heat = fig.data[0]
    return heat.z[list(heat.y).index(cluster_name)][list(heat.x).index(region_name)]


# ---- the heatmap ---------------------------------------------------------------------------------

@pytest.mark.parametrize("others", [[0.3, 1.17, 2.6], [1.5, 1.17, 3.0], [0.9, 1.17, 1.3], [0.05, 1.17, 40.0]])
def test_heatmap_colour_at_lq_1_is_the_scales_midpoint(others):
    """Whatever the other LQs (the old chart's white sat at 1.5 with zmin 0 / zmax 3), the colour
    plotly gives LQ 1.0 — z normalised by the figure's own zmin/zmax, looked up in its own
    colorscale — is the colorscale's midpoint colour, and LQ 1.17 is on the warm side."""
    lqs = {("A", "x"): 1.0, ("A", "y"): others[0], ("B", "x"): others[1], ("B", "y"): others[2]}
    fig = chart.compare_heatmap(_cmp(lqs), measure="lq", year=2021, source="test")
    heat = fig.data[0]
    scale = [list(x) for x in heat.colorscale]
    z1 = _cell_z(fig, "Region A", "Cluster x")
    t = (z1 - heat.zmin) / (heat.zmax - heat.zmin)
    assert t == pytest.approx(0.5, abs=1e-12)
    mid = chart.scale_color(scale, 0.5)
    assert chart.scale_color(scale, t) == mid == "#f7f7f7"
    assert heat.zmid is None or heat.zmid == pytest.approx((heat.zmin + heat.zmax) / 2)
    # LQ 1.17 (a strong cell in the issue) is warm, not "below average"
    warm = chart.heat_cell_color(fig, 1.17)
    r, g, b = (int(warm[i:i + 2], 16) for i in (1, 3, 5))
    assert r > b
    # symmetric in log: LQ 2 and LQ 0.5 are equally far from the middle
    t2 = (math.log10(2) - heat.zmin) / (heat.zmax - heat.zmin)
    th = (math.log10(0.5) - heat.zmin) / (heat.zmax - heat.zmin)
    assert t2 - 0.5 == pytest.approx(0.5 - th)


def test_heatmap_on_the_embedded_data_centres_white_on_lq_1(store):
    ind = queries.stats_indicators(store, CBP, year=2021)
    cmp_ = stats.compare_regions(ind, ["26", "21", "06", "48"], 2021)
    fig = chart.compare_heatmap(cmp_, measure="lq", year=2021, source="test", cluster_term="NAICS subsectors")
    heat = fig.data[0]
    assert (heat.zmin + heat.zmax) / 2 == pytest.approx(math.log10(1.0))
    assert chart.heat_cell_color(fig, 1.0) == chart.scale_color([list(x) for x in heat.colorscale], 0.5)
    title = fig.layout.title.text
    assert "NAICS subsectors" in title and "vs the nation" in title and "traded" not in title
    assert "LQ 1, the national average" in json.dumps(fig.to_plotly_json()["layout"]["annotations"], ensure_ascii=False)


def test_heatmap_growth_is_centred_on_zero_and_marks_distorted_growth():
    cmp_ = _cmp({("A", "x"): 1.0, ("A", "y"): 1.0, ("B", "x"): 1.0, ("B", "y"): 1.0}).assign(
        cagr_pct=[3.0, -2.0, 25.0, 1.0], is_growth_distorted=[False, False, True, False],
        growth_note=[None, None, "base year 2017: ~9 % of the benchmark total in withheld cells", None])
    fig = chart.compare_heatmap(cmp_, measure="cagr_pct", year=2021, source="test")
    heat = fig.data[0]
    assert heat.zmin == -heat.zmax
    assert any(chart.DISTORTED_MARK in cell for row in heat.text for cell in row)
    notes = " ".join(a.text for a in fig.layout.annotations)
    assert "distorted by withheld cells" in notes


# ---- the portfolio -------------------------------------------------------------------------------

def _port(n: int = 12, *, tiny_growth: float = 200.0, distorted: int | None = None) -> pd.DataFrame:
    rows = []
    for i in range(n):
        rows.append({"cluster_code": f"c{i}", "cluster_name": f"Manufacturing group number {i}", "cluster_type": "unclassified",
                     "lq": 0.4 + 0.25 * i, "employment": 20_000.0 + 3_000 * i, "cagr_pct": -4.0 + i,
                     "national_share_pct": 1.0, "is_strong": i >= n - 6, "is_growth_distorted": i == distorted,
                     "growth_note": "2017: ~5 % of the benchmark total in withheld cells" if i == distorted else None})
    rows.append({"cluster_code": "tiny", "cluster_name": "Tiny group", "cluster_type": "unclassified", "lq": 0.9,
                 "employment": 26.0, "cagr_pct": tiny_growth, "national_share_pct": 0.01, "is_strong": False,
                 "is_growth_distorted": False, "growth_note": None})
    return pd.DataFrame(rows)


def test_a_26_employee_cluster_does_not_stretch_the_growth_axis():
    fig = chart.portfolio_chart(_port(), region_name="R", year=2021, base_year=2018, source="test",
                                cluster_term="NAICS subsectors")
    lo, hi = fig.layout.yaxis.range
    assert hi < 30 and lo > -15  # the others run from -4 to +7 % a year
    assert fig.layout.meta["clipped"] == ["Tiny group"]
    # drawn at the edge with a triangle, listed under the chart with its real value
    tiny = [(tr, i) for tr in fig.data for i, c in enumerate(tr.customdata or []) if c[0] == "Tiny group"]
    (tr, i), = tiny
    assert tr.y[i] == pytest.approx(hi) and tr.marker.symbol[i] == "triangle-up"
    notes = " ".join(a.text for a in fig.layout.annotations)
    assert "Off the growth scale" in notes and "Tiny group +200.0 % a year (26 employed)" in notes
    assert list(chart.portfolio_clipped(_port())["cluster_name"]) == ["Tiny group"]


def test_distorted_growth_is_a_diamond_with_its_note():
    fig = chart.portfolio_chart(_port(distorted=3), region_name="R", year=2021, base_year=2017, source="test")
    hit = [(tr, i) for tr in fig.data for i, c in enumerate(tr.customdata or []) if c[0] == "Manufacturing group number 3"]
    (tr, i), = hit
    assert tr.marker.symbol[i] == "diamond" and "withheld cells" in tr.customdata[i][4]
    assert any("distorted" in (t.name or "") for t in fig.data)  # a legend key for the diamonds


def label_boxes(fig) -> list[list[labels.Box]]:
    """The strong-cluster label boxes of a portfolio figure in each plot size its placement
    assumed, rebuilt from the annotations alone (point in data units, offset in pixels, text
    extent from the font size)."""
    geo = chart.portfolio_geometry(fig)
    (x0, x1), (y0, y1) = geo["x_range"], geo["y_range"]
    out = []
    for w, h in geo["sizes"]:
        boxes = []
        for a in fig.layout.annotations:
            if a.name != "strong-label":
                continue
            px = (a.x - x0) / (x1 - x0) * w + a.ax
            py = (y1 - a.y) / (y1 - y0) * h + a.ay
            boxes.append(labels.text_box(a.text, a.font.size, px, py))
        out.append(boxes)
    return out


@pytest.mark.parametrize("region", ["26", "21", "06", "48", "36", "53"])
def test_strong_labels_on_the_portfolio_do_not_overlap(store, region):
    ind = queries.stats_indicators(store, CBP, base_year=2018)
    port = stats.region_portfolio(ind, region, 2021)
    fig = chart.portfolio_chart(port, region_name=region, year=2021, base_year=2018, source="test",
                                cluster_term="NAICS subsectors")
    per_size = label_boxes(fig)
    assert per_size and per_size[0], "no label placed"
    for boxes in per_size:
        assert not labels.any_overlap(boxes)
    n_strong = int(port.loc[port["lq"] > 0, "is_strong"].sum())
    assert len(per_size[0]) + len(fig.layout.meta["unlabelled"]) == n_strong  # every strong one: labelled or listed


def test_crowded_labels_are_listed_not_overlapped():
    port = _port(30).assign(lq=1.5, cagr_pct=1.0, employment=30_000.0, is_strong=True)  # 31 strong on one spot
    fig = chart.portfolio_chart(port, region_name="R", year=2021, base_year=2018, source="test")
    for boxes in label_boxes(fig):
        assert not labels.any_overlap(boxes)
    assert fig.layout.meta["unlabelled"]
    assert "not labelled for lack of room" in " ".join(a.text for a in fig.layout.annotations)


def test_portfolio_texts_state_benchmark_and_term():
    port = _port()
    nation = chart.portfolio_chart(port, region_name="R", year=2021, base_year=2018, source="t",
                                   cluster_term="NAICS subsectors")
    assert nation.layout.xaxis.title.text == "Location quotient vs the nation (log scale; 1 = national average)"
    assert "NAICS subsectors" in nation.layout.title.text and "traded" not in nation.layout.title.text
    assert {t.name for t in nation.data if t.name} >= {"Strong NAICS subsectors", "Other NAICS subsectors"}
    country = chart.portfolio_chart(port, region_name="R", year=2015, base_year=2008, source="t",
                                    cluster_term="NACE sections", benchmark="country")
    assert "vs the region's country" in country.layout.xaxis.title.text
    assert "national average" not in json.dumps(country.to_plotly_json(), ensure_ascii=False)
    eu = chart.portfolio_chart(port, region_name="R", year=2015, base_year=2008, source="t", benchmark="eu28")
    assert "1 = EU28 average" in eu.layout.xaxis.title.text
    traded = chart.portfolio_chart(port.assign(cluster_type="traded"), region_name="R", year=2021, base_year=2018,
                                   source="t")
    assert "traded clusters" in traded.layout.title.text


def test_trend_and_strength_texts(store):
    ind = queries.stats_indicators(store, EU)
    trend = stats.specialisation_trend(ind, "AT31", top_n=5)
    fig = chart.trend_chart(trend, region_name="Oberösterreich", source="t", benchmark="country",
                            cluster_term="NACE sections")
    assert fig.layout.yaxis.type == "log" and "the region's country" in fig.layout.yaxis.title.text
    assert "NACE sections" in fig.layout.title.text
    summary = pd.DataFrame({"region_name": ["A"], "cluster_strength_pct": [12.0], "strong_clusters": [2]})
    bars = chart.strength_bars(summary, year=2015, source="t", cluster_term="NACE sections", traded=False)
    assert "strong NACE sections" in bars.layout.xaxis.title.text and "traded" not in bars.layout.xaxis.title.text


# ---- the maps ------------------------------------------------------------------------------------

def _deck_json(deck) -> dict:
    return json.loads(deck.to_json())


def _map_label_boxes(deck) -> list[labels.Box]:
    j = _deck_json(deck)
    view = deck.initial_view_state
    layer = next((layer for layer in j["layers"] if layer["id"] == "strong-labels"), None)
    if layer is None:
        return []
    size = layer["getSize"]
    boxes = []
    for r in layer["data"]:
        x, y = chart.project_px(r["position"][1], r["position"][0], view, chart.MAP_WIDTH_PX, chart.MAP_HEIGHT_PX)
        boxes.append(labels.text_box(r["label"], size, x + r["label_offset"][0], y + r["label_offset"][1]))
    return boxes


def _is_offline(j: dict) -> None:
    text = json.dumps(j)
    assert j.get("mapProvider") is None
    assert "http://" not in text and "https://" not in text


@pytest.mark.parametrize("choropleth", [False, True])
def test_us_map_labels_do_not_overlap_and_the_map_is_offline(store, choropleth):
    ind = queries.stats_indicators(store, CBP, year=2021)
    regions = queries.stats_regions(store, CBP)
    clusters = ind.groupby("cluster_code")["employment"].sum().sort_values(ascending=False).index[:12]
    labelled = 0
    for code in clusters:
        mapped, _ = stats.cluster_map_frame(ind, regions, code, 2021)
        deck = chart.cluster_map(mapped, us_states=True, choropleth=choropleth)
        boxes = _map_label_boxes(deck)
        assert not labels.any_overlap(boxes), code
        left = chart.unlabelled_strong(mapped, us_states=True, choropleth=choropleth)
        assert len(boxes) + len(left) == int(mapped["is_strong"].sum())
        labelled += len(boxes)
        _is_offline(_deck_json(deck))
    assert labelled > 20


def test_us_state_choropleth_fills_states_by_lq(store):
    ind = queries.stats_indicators(store, CBP, year=2021)
    regions = queries.stats_regions(store, CBP)
    mapped, _ = stats.cluster_map_frame(ind, regions, "336", 2021)  # Transportation Equipment Manufacturing
    j = _deck_json(chart.cluster_map(mapped, us_states=True, choropleth=True))
    layer = next(layer for layer in j["layers"] if layer["id"] == "state-choropleth")
    assert layer["@@type"] == "GeoJsonLayer" and layer["filled"]
    feats = {f["id"]: f["properties"] for f in layer["data"]["features"]}
    mi = feats["26"]
    assert mi["fill"][:3] == list(chart.hex_to_rgba(chart.lq_color(mapped.set_index("region_code").loc["26", "lq"]), 1)[:3])
    assert mi["region_name"] == "Michigan" and mi["strong_text"].startswith("Strong")
    assert not any(layer["id"] == "cluster-bubbles" for layer in j["layers"])


def test_eurostat_map_is_offline_at_country_positions(store):
    ind = queries.stats_indicators(store, EU, year=2015)
    regions = queries.stats_regions(store, EU)
    countries, unplaced = analysis.country_map_frame(ind, regions, "B-E", 2015)
    assert len(countries) >= 25 and set(unplaced["region_code"]) >= {"ES70", "PT30"}  # islands: no position
    de = countries.set_index("country_code").loc["DE"]
    assert de["regions"] == 38 and "Stuttgart (DE11)" in de["region_list"]
    # coloured by the country's own LQ vs the EU28 (vs its own country every country would be 1):
    # industry (NACE B-E) is above the EU28 share in Germany and Czechia, below it in the UK
    by = countries.set_index("country_code")["country_lq"]
    assert by["DE"] > 1.2 and by["CZ"] > 1.4 and by["UK"] < 0.9
    deck = chart.country_cluster_map(countries, benchmark="country", employment_unit="persons employed")
    j = _deck_json(deck)
    _is_offline(j)
    assert "country position, not the regions'" in deck._tooltip["text"]
    assert "LQ vs the region's country" in deck._tooltip["text"]
    assert not labels.any_overlap(_map_label_boxes(deck))


def test_lq_legend_names_the_benchmark():
    assert "near the country's average" in chart.lq_legend("country")[2]["label"]
    assert "near the national average" in chart.lq_legend("nation")[2]["label"]
    assert chart.lq_legend_title("eu28").endswith("(1 = EU28 average)")
    assert analysis.region_label("Oberösterreich", "AT31") == "Oberösterreich (AT31)"
    assert analysis.region_label("AT31", "AT31") == "AT31"


@pytest.mark.parametrize("seed", range(5))
def test_the_placer_never_overlaps_labels_and_keeps_them_in_bounds(seed):
    import random

    rnd = random.Random(seed)
    pts = [(rnd.uniform(0, 600), rnd.uniform(0, 400), rnd.uniform(3, 20)) for _ in range(60)]
    texts = [(f"Cluster number {i} with a long name", f"C{i}") for i in range(40)]
    layouts = [pts, [(x, 0.8 * y, r) for x, y, r in pts]]
    bounds = [(0, 0, 600, 400), (0, 0, 600, 320)]
    placed, dropped = labels.place_labels(texts, layouts, font_px=12, bounds=bounds)
    assert len(placed) + len(dropped) == 40 and placed
    for li in range(2):
        boxes = [p.boxes[li] for p in placed]
        assert not labels.any_overlap(boxes)
        assert all(b.inside(bounds[li]) for b in boxes)
    # on a map (no covering of other markers), no label box covers any marker but its own
    placed, _ = labels.place_labels(texts, [pts], font_px=12, bounds=[bounds[0]], may_cover_markers=False)
    for p in placed:
        assert not any(p.boxes[0].overlaps(labels.marker_box(*pts[j])) for j in range(60) if j != p.index)
