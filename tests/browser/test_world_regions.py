"""The world-regions page in Chromium: the map draws its deck.gl canvas from the offline base layers
(no tiles, no request leaving the machine: the ``page`` fixture fails the test otherwise), the
countries are coloured by region, and picking a region puts its narrative beside its financing
pattern with its initiatives and programmes below."""

from __future__ import annotations

from clusterdash.charts import learn as chart
from clusterdash.charts import maps
from tests.browser.conftest import assert_no_exception, screenshot, wait_for_app

MAP = '[data-testid="stDeckGlJsonChart"]'
LAND, SEA = tuple(maps.LAND_RGBA[:3]), tuple(maps.OCEAN_RGBA[:3])  # the offline base layers' colours

CANVAS_COLOURS = """(sel) => { const c = document.querySelector(sel + ' canvas');
    const tmp = document.createElement('canvas'); tmp.width = c.width; tmp.height = c.height;
    const ctx = tmp.getContext('2d'); ctx.drawImage(c, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data; const seen = {};
    for (let i = 0; i < d.length; i += 4 * 5) { const k = d[i] + ',' + d[i+1] + ',' + d[i+2];
      seen[k] = (seen[k] || 0) + 1; }
    return seen; }"""


def wait_for_map(page) -> None:
    page.wait_for_selector(f"{MAP} canvas", timeout=90_000)
    page.wait_for_function(
        """(sel) => { const c = document.querySelector(sel + ' canvas');
                      return c && c.width > 300 && c.height > 200; }""",
        arg=MAP, timeout=90_000,
    )
    page.wait_for_timeout(1000)


def rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def blend(colour: tuple[int, int, int], alpha: int, under: tuple[int, int, int] = LAND) -> tuple[int, ...]:
    return tuple(round(c * alpha / 255 + u * (1 - alpha / 255)) for c, u in zip(colour, under))


def share_near(colours: dict[str, int], target: tuple[int, int, int], tol: int = 40) -> float:
    """Share of the sampled pixels within ``tol`` (per channel) of ``target`` (alpha-blended fills
    land near, not on, their colour)."""
    total = sum(colours.values())
    near = sum(n for k, n in colours.items()
               if all(abs(int(v) - t) <= tol for v, t in zip(k.split(","), target)))
    return near / total


def test_regions_map_renders_offline_coloured_by_region(server, page):
    page.goto(server.url + "/world_regions")
    wait_for_app(page, timeout=90_000)
    wait_for_map(page)
    assert_no_exception(page)
    box = page.locator(f"{MAP} canvas").first.bounding_box()
    assert box and box["width"] > 500 and box["height"] > 300, box
    legend = page.get_by_test_id("regions-legend")
    assert legend.is_visible()
    for name in ("Europe", "Africa", "North America", "Latin America and the Caribbean", "East and Central Asia"):
        assert name in legend.inner_text()
    colours = page.evaluate(CANVAS_COLOURS, MAP)
    top = sorted(colours.items(), key=lambda kv: -kv[1])[:8]
    assert any(k == ",".join(map(str, SEA)) for k, _ in top), top  # the sea: our own layer, no tiles
    # the regions' fills are drawn (each visible as more than a sliver of the map)
    # (solid where the guide places the country, pale where ClusterDash groups it: alpha-blended on the land)
    for region in ("europe", "africa", "north_america", "latin_america_caribbean", "east_central_asia"):
        targets = [blend(rgb(chart.REGION_COLORS[region]), alpha) for alpha in (chart.TEXT_ALPHA, chart.GROUPED_ALPHA)]
        assert sum(share_near(colours, t, tol=12) for t in targets) > 0.002, (region, targets, top)
    assert page.get_by_text("Pick a world region above").first.is_visible()
    screenshot(page, "world-regions-map", full=False)


def test_picking_a_region_shows_narrative_financing_and_catalogue(server, page):
    page.goto(server.url + "/world_regions?region=africa")
    wait_for_app(page, timeout=90_000)
    wait_for_map(page)
    assert_no_exception(page)
    assert page.get_by_role("heading", name="Africa: the predominant cluster approach").is_visible()
    assert page.get_by_role("heading", name="Financing pattern", exact=False).first.is_visible()
    assert page.get_by_role("heading", name="Initiatives in the catalogue", exact=False).is_visible()
    assert page.get_by_role("heading", name="Policy programmes", exact=False).is_visible()
    # narrative and financing side by side: the two headings share a row
    left = page.get_by_role("heading", name="Africa: the predominant cluster approach").bounding_box()
    right = page.get_by_role("heading", name="Financing pattern", exact=False).first.bounding_box()
    assert right["x"] > left["x"] + 300 and abs(right["y"] - left["y"]) < 80, (left, right)
    # another region from the picker above the map
    page.get_by_role("radio", name="Europe", exact=True).first.click()
    wait_for_app(page, timeout=90_000)
    page.get_by_role("heading", name="Europe: the predominant cluster approach").wait_for(timeout=20_000)
    assert "region=europe" in page.url
    screenshot(page, "world-regions-europe")
