"""Issue #12 clusters found in the data: the average-linkage tree equals a plain recomputation, the
adjusted Rand index behaves, a SYNTHETIC dataset with known groups of co-located industries is
recovered (ARI ≥ 0.9), the agreement with the U.S. Cluster Mapping crosswalk on the real CBP states
is computed and reported (whatever it is), and a saved grouping can be applied and undone."""

from __future__ import annotations

import io
import itertools

import numpy as np
import pytest

from clusterdash.errors import UserError
from clusterdash.stats import clusters_from_data as cfd
from clusterdash.stats import importer, indicators
from tests.stats_support import DATASET, source, spec


def naive_average_linkage(dist: np.ndarray, k: int) -> np.ndarray:
    """UPGMA the slow, obvious way: merge the two closest clusters (mean pairwise distance)."""
    groups = [[i] for i in range(len(dist))]
    while len(groups) > k:
        best = None
        for a, b in itertools.combinations(range(len(groups)), 2):
            d = dist[np.ix_(groups[a], groups[b])].mean()
            if best is None or d < best[0]:
                best = (d, a, b)
        _, a, b = best
        groups[a] += groups.pop(b)
    labels = np.empty(len(dist), dtype=int)
    for g, members in enumerate(groups):
        labels[members] = g
    return labels


@pytest.mark.parametrize("seed", range(5))
def test_average_linkage_equals_the_plain_computation(seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(25, 4))
    dist = np.sqrt(((x[:, None, :] - x[None, :, :]) ** 2).sum(-1))
    merges = cfd.average_linkage(dist)
    assert len(merges) == 24 and [m[2] for m in merges] == sorted(m[2] for m in merges)
    for k in (1, 2, 3, 5, 8, 13, 25):
        got = cfd.cut_tree(merges, 25, k)
        assert len(set(got)) == k
        assert cfd.adjusted_rand_index(got, naive_average_linkage(dist, k)) == pytest.approx(1.0)


def test_adjusted_rand_index():
    assert cfd.adjusted_rand_index([1, 1, 2, 2], ["a", "a", "b", "b"]) == 1.0
    assert cfd.adjusted_rand_index([1, 1, 2, 2, 3, 3], [3, 3, 1, 1, 2, 2]) == 1.0
    # Hubert & Arabie's formula by hand: contingency [[2, 0], [1, 1]] (n = 4)
    # index = C(2,2) = 1; rows C(2,2)+C(2,2) = 2; cols C(3,2)+C(1,2) = 3; expected = 2·3/6 = 1; max = 2.5
    assert cfd.adjusted_rand_index([0, 0, 1, 1], ["x", "x", "x", "y"]) == pytest.approx((1 - 1) / (2.5 - 1))
    rng = np.random.default_rng(1)
    assert abs(cfd.adjusted_rand_index(rng.integers(0, 5, 2000), rng.integers(0, 5, 2000))) < 0.02


GROUPS, PER_GROUP, REGIONS = 8, 12, 60


def synthetic_long_csv(seed: int = 7) -> tuple[str, dict[str, int]]:
    """SYNTHETIC long CSV: 8 groups of 12 industries; each group is concentrated in its own 8 of 60
    regions (×4 employment there), with log-normal noise (σ 0.5). Returns (csv text, industry → true group)."""
    rng = np.random.default_rng(seed)
    truth = {}
    out = io.StringIO()
    out.write("region_code,region_name,industry_code,year,employment\n")
    size = rng.uniform(0.5, 2.0, REGIONS)  # regions of different sizes
    homes = [rng.choice(REGIONS, 8, replace=False) for _ in range(GROUPS)]
    for g in range(GROUPS):
        for j in range(PER_GROUP):
            code = f"{10 + g}{j:02d}"
            truth[code] = g
            scale = rng.uniform(50, 500)
            for r in range(REGIONS):
                boost = 4.0 if r in homes[g] else 1.0
                e = round(scale * size[r] * boost * rng.lognormal(0, 0.5))
                out.write(f"R{r:02d},SYNTHETIC region {r},{code},2020,{e}\n")
    return out.getvalue(), truth


def test_a_synthetic_dataset_with_known_groups_is_recovered(store):
    text, truth = synthetic_long_csv()
    importer.import_dataset(store, spec("long", source("synthetic_colocation.csv", text), dataset_code="synthetic",
                                        title="SYNTHETIC co-located industries (test data, not real statistics)"))
    for measure in cfd.MEASURES:
        c = cfd.find_clusters(store, "synthetic", GROUPS, measure=measure)
        assert len(c.industries) == GROUPS * PER_GROUP and c.not_grouped.empty
        ari = cfd.adjusted_rand_index(c.industries["candidate_code"], c.industries["industry_code"].map(truth))
        print(f"SYNTHETIC recovery ({measure}): ARI {ari:.3f}, mean silhouette {c.mean_silhouette:.3f}")
        assert ari >= 0.9
        assert (c.groups["within_corr"] > c.groups["between_corr"]).all()
        assert c.groups["candidate_name"].str.len().gt(0).all()
    # the comparison with the "official" grouping of the dataset (here: the codes' 2-digit groups = the truth)
    off, text_ = cfd.official_grouping(store, "synthetic")
    cmp = cfd.compare(c, off, text_)
    assert cmp.ari >= 0.9 and cmp.industries_compared == GROUPS * PER_GROUP
    assert len(cmp.differences) <= 0.1 * GROUPS * PER_GROUP


def test_agreement_with_the_uscmp_crosswalk_on_the_cbp_states_is_reported(cbp_store, capsys):
    official, what = cfd.official_grouping(cbp_store, DATASET)
    assert "crosswalk" in what
    traded = cbp_store.df("SELECT cluster_code FROM stats_cluster WHERE dataset_code = ? AND cluster_type = 'traded'",
                          [DATASET])
    results = {}
    for measure in cfd.MEASURES:
        c = cfd.find_clusters(cbp_store, DATASET, len(traded), measure=measure, cluster_type="traded")
        cmp = cfd.compare(c, official, what)
        results[measure] = (cmp.ari, cmp.industries_compared, c.mean_silhouette)
        assert -1.0 <= cmp.ari <= 1.0 and cmp.industries_compared > 600
        assert len(cmp.by_group) == len(traded)
    with capsys.disabled():
        for m, (ari, n, sil) in results.items():
            print(f"\nCBP states 2017–2021 vs the USCMP crosswalk, {len(traded)} traded groups, {m}: "
                  f"ARI {ari:.3f} over {n} industries (mean silhouette {sil:.3f})")


def test_a_saved_grouping_is_applied_and_undone(cbp_store):
    c = cfd.find_clusters(cbp_store, DATASET, 20)
    code = cfd.save_grouping(cbp_store, c)
    saved = cfd.groupings(cbp_store, DATASET)
    assert saved["grouping_code"].tolist() == [code] and not saved["is_applied"].any()
    members = cfd.grouping_members(cbp_store, DATASET, code)
    assert len(members) == len(c.industries)
    definition = cfd.apply_grouping(cbp_store, DATASET, code)
    assert "ClusterDash clusters from data" in definition
    ind = indicators.compute_indicators(cbp_store, DATASET, year=2021)
    assert set(ind["cluster_code"]) == set(c.groups["candidate_code"])
    assert cbp_store.value("SELECT count(*) FROM stats_relatedness WHERE dataset_code = ?", [DATASET]) == 0
    profile = cbp_store.rows("SELECT * FROM stats_dataset_profile WHERE dataset_code = ?", [DATASET])[0]
    assert profile["cluster_term"].startswith("candidate clusters")
    # the official crosswalk is kept for the comparison, and can be given back
    official, what = cfd.official_grouping(cbp_store, DATASET)
    assert "crosswalk" in what and official["cluster_code"].nunique() > 60
    back = cfd.restore_definition(cbp_store, DATASET)
    assert "Delgado" in back
    ind = indicators.compute_indicators(cbp_store, DATASET, year=2021)
    assert "1" in set(ind["cluster_code"]) and ind["cluster_code"].nunique() > 60
    assert not cfd.groupings(cbp_store, DATASET)["is_applied"].any()


def test_too_many_groups_are_refused(cbp_store):
    with pytest.raises(UserError, match="between 1 and"):
        cfd.find_clusters(cbp_store, DATASET, 5000)


def test_too_few_regions_are_refused(store):
    text = "region_code,region_name,industry_code,year,employment\n" + "".join(
        f"R{r},SYNTHETIC {r},{i}11,2020,{10 + r * i}\n" for r in range(4) for i in range(1, 4))
    importer.import_dataset(store, spec("long", source("few.csv", text), dataset_code="few"))
    with pytest.raises(UserError, match="at least 10"):
        cfd.find_clusters(store, "few", 2)
