"""The import page's widgets: the data that ships with ClusterDash (where it comes from, on which
terms), attaching a cluster crosswalk to a dataset, a new import with form defaults that fit the
files they name, and the datasets in the store. Writes are checked at the moment of writing."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from clusterdash import fields, queries
from clusterdash.errors import UserError
from clusterdash.stats import FORMATS, ImportSpec, SourceFile
from clusterdash.store import Store
from clusterdash.ui import shell
from clusterdash.ui.output import download_csv, plain, show_error, show_table

ss = st.session_state

# placeholders and defaults that fit the files each format names
PLACEHOLDERS = {
    "cbp": ("e.g. us_cbp_2017_2021", "e.g. County Business Patterns 2017–2021, 50 states",
            "default: U.S. Census Bureau, County Business Patterns <years>"),
    "eurostat": ("e.g. eu_lfs_nuts2_2008_2015", "e.g. Eurostat LFS employment by NACE section, NUTS 2",
                 "default: Eurostat, <dataset code> <years>"),
    "long": ("e.g. at_regional_2022", "e.g. Manufacturing employment, Upper Austria",
             "e.g. Statistics Austria, regional employment survey 2022"),
}


def request(flag: str) -> None:
    """Button callback: remember the request; the page acts on it in its next run."""
    ss[flag] = True


def progress_bar():
    bar = st.progress(0.0, text="Starting…")
    return bar, (lambda f, m: bar.progress(min(max(f, 0.0), 1.0), text=m))


def file_layouts() -> None:
    """The file formats the importer reads, in words."""
    with st.expander("File layouts", icon=":material/description:"):
        st.markdown(
            """
**cbp** — County Business Patterns by state × NAICS, either
* CSV with the columns `year, state_fips, naics, naics_level, estab, emp, payann_k` (payroll in $1,000), or
* the raw Census API JSON (first row the header `NAICS2017, ESTAB, EMP, PAYANN, state`, optionally
  `NAICS2017_LABEL`; PAYANN in $1,000). It has no year column: give the year below (or keep it in the file name).

A cell with `emp = 0` and `payann = 0` but establishments is *withheld* by the Census Bureau: it is stored as missing,
not zero, and growth from or to a year where much employment is withheld is flagged.

**eurostat** — the raw TSV as Eurostat publishes it: the first column holds the comma-joined dimensions
(`unit,nace_r2,age,geo\\time`), then one column per year; values carry flags (`b` break, `u` low reliability,
`c` confidential, `p` provisional), `:` is missing. One slice is kept: age `Y_GE15` by default, sex only if the file
has a sex dimension (`lfst_r_lfe2en2` has none); thousands of persons become persons. NUTS regions get their names
from the NUTS 2013 classification; each region's LQ is measured against its own country unless a national
benchmark region is given.

**long** — a CSV with `region_code, region_name, industry_code, year, employment` and optionally
`establishments, payroll, industry_name, industry_level`. An empty employment cell is missing.

**Crosswalk** (optional) — `industry_code` (or `naics`), `cluster_code`, `cluster_name` (or `cluster`) and
`cluster_type` (or `traded_local`: traded/local). Industries are matched exactly or by their longest code
prefix. Without a crosswalk, the groups are the classification's own (NAICS subsectors, NACE sections).

**Region file** (optional) — `region_code, region_name[, latitude, longitude]`. U.S. states are built in.

**Relatedness** (optional) — the U.S. Cluster Mapping related-clusters file (`clustera, clusterb, cr_all_pc,
rel_all_90_v3, rel_i20_all_min_90_v3`; strongly related when `cr_all_pc ≥ 90` and both `rel_*` are non-zero)
or a plain `cluster_code, related_cluster_code` list.

A year with far fewer regions than the others (a truncated file) is imported with a warning naming the missing
regions, and is refused as the benchmark of location quotients and shares.
"""
        )


# ---- the data that ships with ClusterDash --------------------------------------------------------

def embedded_section(store: Store) -> None:
    """The embedded datasets: what they are, where they come from, their licence, whether they are
    in the store; loading one again after it was deleted."""
    st.subheader("Data that comes with ClusterDash")
    st.markdown("A new store loads these two datasets on its first start, so every view has real data without any "
                "download. They are compact copies of the published files (Parquet in `data/stats/`, provenance and "
                "checksums in `data/stats/README.md`).")
    status = {s["embedded_key"]: s for s in queries.stats_embedded_status(store)}
    for a in queries.stats_embedded_about():
        s = status.get(a["dataset_code"], {})
        with st.container(border=True):
            st.markdown(f"**{plain(a['title'])}** — `{plain(a['dataset_code'])}`")
            st.markdown(f"{plain(a['cite_as'])}. Licence: {plain(a['licence'])}.  \n"
                        f"Groups: {plain(a['cluster_definition'])}.  \n"
                        f"From: {plain(a['provenance'])}.")
            present = s.get("is_present")
            st.caption(f"{plain(a['file'])}, {a['rows']:,} rows, {a['bytes'] / 1e6:.1f} MB — "
                       + ("in the store" if present else "not in the store (deleted)"))
            if not present and shell.can_edit():
                flag = f"imp_reload_{a['dataset_code']}"
                st.button(f"Load {a['dataset_code']} again", key=f"btn_{flag}", icon=":material/restore:",
                          on_click=request, args=(flag,))
                if ss.pop(flag, False) and shell.allowed():
                    bar, report = progress_bar()
                    try:
                        ss["imp_last"] = queries.reload_stats_embedded(store, a["dataset_code"], report)
                    except UserError as exc:
                        bar.empty()
                        show_error(exc)
                    else:
                        bar.empty()
                        ss["imp_select"] = a["dataset_code"]
                        st.rerun()


# ---- attaching a crosswalk -----------------------------------------------------------------------

def attach_form(store: Store) -> None:
    """Give a dataset the clusters of a crosswalk the user has (the U.S. Cluster Mapping crosswalk is
    not shipped: its licence does not allow it), from an uploaded file or ``../shared``'s copy."""
    datasets = queries.stats_datasets(store)
    if datasets.empty:
        return
    st.subheader("Attach a cluster crosswalk")
    st.markdown("Without a crosswalk a dataset's groups are its classification's own (NAICS subsectors, NACE sections). "
                "Attach an industry → cluster crosswalk you have — for U.S. data the U.S. Cluster Mapping crosswalk "
                "(Delgado, Porter & Stern 2016) — and, optionally, its related-clusters file: the dataset's views then "
                "show clusters. The figures stay as imported.")
    codes = datasets["dataset_code"].tolist()
    default = "cbp_states_2017_2021" if "cbp_states_2017_2021" in codes else codes[0]
    code = st.selectbox("Dataset", codes, index=codes.index(default), key="att_dataset",
                        format_func=lambda c: f"{dict(zip(datasets['dataset_code'], datasets['title']))[c]} ({c})")
    shared = queries.shared_crosswalk_files()
    use_shared = False
    if shared:
        names = ", ".join(f"`{p.name}`" for p in shared["files"].values())
        use_shared = st.checkbox(f"Use the U.S. Cluster Mapping files found in ../shared/data ({names})",
                                 value=True, key="att_shared")
    cw = rel = None
    cw_source = rel_source = ""
    if not use_shared:
        a1, a2 = st.columns(2)
        cw = a1.file_uploader("Crosswalk (CSV: industry_code or naics, cluster_code, cluster_name, cluster_type)",
                              type=["csv"], key="att_cw")
        cw_source = a1.text_input("Citation of the crosswalk", key="att_cw_source",
                                  placeholder="e.g. Delgado, Porter & Stern (2016), U.S. Cluster Mapping Project")
        rel = a2.file_uploader("Related clusters (CSV, optional)", type=["csv"], key="att_rel")
        rel_source = a2.text_input("Citation of the relatedness file", key="att_rel_source",
                                   placeholder="e.g. U.S. Cluster Mapping, Harvard Business School")
    ready = use_shared or cw is not None
    st.button("Attach the crosswalk", icon=":material/add_link:", key="att_go", disabled=not ready,
              on_click=request, args=("att_go_requested",))
    if ss.pop("att_go_requested", False) and ready and shell.allowed():
        try:
            if use_shared:
                f = shared["files"]
                result = queries.attach_stats_crosswalk(store, code, f["crosswalk"], f.get("related"),
                                                        crosswalk_source=shared["crosswalk_source"],
                                                        related_source=shared["related_source"] if f.get("related") else None)
            else:
                result = queries.attach_stats_crosswalk(
                    store, code, SourceFile(cw.name, cw.getvalue()), SourceFile(rel.name, rel.getvalue()) if rel else None,
                    crosswalk_source=cw_source.strip() or None, related_source=rel_source.strip() or None)
        except UserError as exc:
            show_error(exc)
        else:
            ss["att_last"] = result
            ss["imp_select"] = code
    if ss.get("att_last") is not None:
        with st.container(border=True):
            st.success(f"Clusters attached to {plain(ss['att_last'].dataset_code)}.", icon=":material/check_circle:")
            st.text("\n".join(ss["att_last"].lines()))
            shell.page_link("regional_stats", label="Open the regional statistics")


# ---- a new import --------------------------------------------------------------------------------

def show_summary(summary) -> None:
    with st.container(border=True):
        for w in summary.warnings:  # e.g. a year with far fewer regions, naming the missing ones
            st.warning(plain(w), icon=":material/warning:")
        st.success(f"Imported {plain(summary.title)} ({plain(summary.dataset_code)}) in {summary.seconds:.1f} s.",
                   icon=":material/check_circle:")
        st.text("\n".join(line for line in summary.lines() if not line.startswith("WARNING: ")))
        if summary.rejected_count:
            download_csv(summary.rejected, f"{summary.dataset_code}_rejected_rows.csv",
                         source=f"rows of the imported file(s) not used, with the reason ({summary.dataset_code})",
                         label=f"Download the {summary.rejected_count:,} rejected rows (CSV)", key="dl-rejected-last")
        shell.page_link("regional_stats", label="Open the regional statistics")


def _format_options(fmt: str) -> dict:
    opts: dict = {}
    if fmt == "cbp":
        y = st.number_input("Year of a Census API JSON file (its response has no year column; leave empty for the CSV)",
                            min_value=1986, max_value=2100, value=None, step=1, key="imp_year")
        opts["year"] = int(y) if y else None
    elif fmt == "eurostat":
        e1, e2, e3, e4 = st.columns(4)
        age = e1.text_input("Age", value="Y_GE15", key="imp_age", help="Y_GE15 = 15 years and over")
        sex = e2.text_input("Sex (only if the file has it)", key="imp_sex", placeholder="e.g. T (lfst_r_lfe2en2 has none)")
        level = e3.selectbox("NUTS level of the regions", [2, 1, 0, 3], key="imp_nuts")
        national = e4.text_input("National benchmark (optional)", key="imp_national_eu", placeholder="e.g. EU28",
                                 help="Empty: each region's LQ is measured against its own country")
        opts.update(eurostat_slice={k: v.strip() for k, v in (("age", age), ("sex", sex)) if v.strip()},
                    region_level=int(level), national_region=national.strip() or None)
    else:
        l1, l2, l3 = st.columns(3)
        opts["employment_unit"] = l1.text_input("Employment unit", value="persons", key="imp_emp_unit") or None
        opts["payroll_unit"] = l2.text_input("Payroll unit (if given)", key="imp_pay_unit", placeholder="e.g. EUR thousands") or None
        opts["national_region"] = l3.text_input("Region code holding national totals (optional)", key="imp_national") or None
    return opts


def import_form(store: Store) -> None:
    """Format, files, names and options of a new import; the import itself (all or nothing)."""
    st.subheader("New import")
    fmt = st.radio("Format", FORMATS, format_func=partial(fields.value_label, "format"), key="imp_format", horizontal=False)
    data_files = st.file_uploader("Data file(s)", type=["csv", "json", "tsv", "txt"], accept_multiple_files=True,
                                  key=f"imp_files_{fmt}",
                                  help="Several files of the same format make one dataset (e.g. one Census API file per year)")
    name_ph, title_ph, source_ph = PLACEHOLDERS[fmt]
    c1, c2 = st.columns(2)
    dataset_code = c1.text_input("Dataset name", key="imp_name", placeholder=name_ph,
                                 help="Letters, digits, '-', '_' or '.'; empty: <format>_<first year>_<last year>")
    title = c2.text_input("Title", key="imp_title", placeholder=title_ph)
    source = st.text_input("Source of the figures (publisher)", key="imp_source", placeholder=source_ph,
                           help="Shown under every table and chart of this dataset")
    opts = _format_options(fmt)
    with st.expander("Optional: crosswalk, regions, relatedness", expanded=False, icon=":material/add_link:"):
        cw = st.file_uploader("Industry → cluster crosswalk (CSV)", type=["csv"], key="imp_cw")
        cw_source = st.text_input("Citation of the crosswalk", key="imp_cw_source",
                                  placeholder="e.g. Delgado, Porter & Stern (2016)")
        reg = st.file_uploader("Region file (CSV: region_code, region_name, latitude, longitude)", type=["csv"], key="imp_reg")
        rel = st.file_uploader("Cluster relatedness (CSV)", type=["csv"], key="imp_rel")
        rel_source = st.text_input("Citation of the relatedness file", key="imp_rel_source",
                                   placeholder="e.g. U.S. Cluster Mapping, Harvard Business School")
    replace = st.checkbox("Replace a dataset of the same name", key="imp_replace")
    st.button("Import", type="primary", icon=":material/upload:", key="imp_go", disabled=not data_files,
              on_click=request, args=("imp_go_requested",))
    # (the request flag survives a rerun that would drop a plain button click)
    if ss.pop("imp_go_requested", False) and data_files and shell.allowed():
        spec = ImportSpec(
            format=fmt, files=[SourceFile(f.name, f.getvalue()) for f in data_files],
            dataset_code=dataset_code.strip() or None, title=title.strip() or None, source=source.strip() or None,
            crosswalk=SourceFile(cw.name, cw.getvalue()) if cw else None, crosswalk_source=cw_source.strip() or None,
            regions=SourceFile(reg.name, reg.getvalue()) if reg else None,
            related=SourceFile(rel.name, rel.getvalue()) if rel else None, related_source=rel_source.strip() or None,
            replace=replace, **opts,
        )
        bar, report = progress_bar()
        try:
            ss["imp_last"] = queries.import_stats(store, spec, report)
        except UserError as exc:
            bar.empty()
            ss.pop("imp_last", None)
            show_error(exc)
        else:
            bar.empty()
            ss["imp_select"] = ss["imp_last"].dataset_code  # the dataset list below opens on it
    if ss.get("imp_last") is not None:
        show_summary(ss["imp_last"])
    demo_box(store)


def demo_box(store: Store) -> None:
    if not queries.stats_demo_available():
        return
    with st.container(border=True):
        st.markdown("**Demo data**: U.S. County Business Patterns 2017–2021 (50 states) with the U.S. Cluster Mapping "
                    "cluster definitions and related clusters, from `../shared/data` (read there, not copied).")
        st.button("Load U.S. County Business Patterns 2017–2021 from ../shared/data", key="imp_demo",
                  icon=":material/download:", on_click=request, args=("imp_demo_requested",))
        if ss.pop("imp_demo_requested", False) and shell.allowed():
            bar, report = progress_bar()
            try:
                ss["imp_last"] = queries.load_stats_demo(store, report)
            except UserError as exc:
                bar.empty()
                show_error(exc)
            else:
                bar.empty()
                ss["imp_select"] = ss["imp_last"].dataset_code
                st.rerun()


# ---- datasets in the store -----------------------------------------------------------------------

def datasets_section(store: Store) -> None:
    """The datasets in the store, their rejected rows, deleting one. After an import the dataset
    chosen here is the new one."""
    st.subheader("Datasets in the store")
    datasets = queries.stats_datasets(store)
    if datasets.empty:
        st.info("No statistics in the store.")
        return
    shown = datasets[["dataset_code", "title", "format", "region_count", "year_min", "year_max", "row_count",
                      "withheld_count", "rejected_count", "source", "cluster_definition", "imported_at"]]
    show_table(shown, key="imp_datasets", column_config={
        "dataset_code": "Dataset", "title": "Title", "format": "Format", "region_count": "Regions",
        "year_min": st.column_config.NumberColumn("From", format="%d"),
        "year_max": st.column_config.NumberColumn("To", format="%d"),
        "row_count": st.column_config.NumberColumn("Observations", format="localized"),
        "withheld_count": st.column_config.NumberColumn("Withheld cells", format="localized"),
        "rejected_count": st.column_config.NumberColumn("Rejected rows", format="localized"),
        "source": "Source", "cluster_definition": "Cluster definitions", "imported_at": "Imported (UTC)"})
    download_csv(shown, "clusterdash_stats_datasets.csv", source="ClusterDash store: imported statistics datasets",
                 key="dl-datasets")
    codes = datasets["dataset_code"].tolist()
    wanted = ss.pop("imp_select", None)
    if wanted in codes:
        ss["imp_manage"] = wanted  # set before the widget exists in this run: it opens on the new dataset
    if ss.get("imp_manage") not in codes:
        ss.pop("imp_manage", None)
    code = st.selectbox("Dataset", codes, key="imp_manage")
    warnings = _dataset_warnings(datasets, code)
    for w in warnings:
        st.warning(plain(w), icon=":material/warning:")
    rejected = queries.stats_rejected_rows(store, code)
    if len(rejected):
        download_csv(rejected, f"{code}_rejected_rows.csv", source=f"rows of the imported file(s) not used ({code})",
                     label=f"Download the {len(rejected):,} rejected rows of {code} (CSV)", key="dl-rejected")
    else:
        st.caption("No rows of this dataset were rejected.")
    if shell.can_edit():
        confirm = st.checkbox(f"Yes, delete {code} and everything imported with it", key="imp_confirm_delete")
        st.button("Delete dataset", icon=":material/delete:", key="imp_delete", disabled=not confirm,
                  on_click=request, args=("imp_delete_requested",))
        if ss.pop("imp_delete_requested", False) and confirm and shell.allowed():
            try:
                queries.delete_stats_dataset(store, code)
            except UserError as exc:
                show_error(exc)
            else:
                ss.pop("imp_last", None)
                ss.pop("imp_confirm_delete", None)
                ss.pop("imp_manage", None)
                st.rerun()


def _dataset_warnings(datasets: pd.DataFrame, code: str) -> list[str]:
    """The import's warnings kept in the dataset's notes (e.g. a year refused as a benchmark)."""
    notes = datasets.loc[datasets["dataset_code"] == code, "notes"]
    text = notes.iloc[0] if len(notes) and isinstance(notes.iloc[0], str) else ""
    return [line.removeprefix("WARNING: ") for line in text.splitlines() if line.startswith("WARNING: ")]
