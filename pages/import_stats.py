import streamlit as st

from clusterdash import queries, ui
from clusterdash.errors import UserError
from clusterdash.stats import FORMATS, ImportSpec, SourceFile

ss = st.session_state
store = ui.get_store()
editable = ui.can_edit()

FORMAT_LABELS = {
    "cbp": "U.S. County Business Patterns (CSV or Census API JSON)",
    "eurostat": "Eurostat raw TSV (e.g. lfst_r_lfe2en2)",
    "long": "Generic long CSV (your own regional statistics)",
}

ui.page_intro(
    "Import statistics",
    "Bring in regional employment statistics — U.S. County Business Patterns, a Eurostat table or your "
    "own CSV — with an optional cluster crosswalk, region file and cluster relatedness. Every file is "
    "checked first; an import is all or nothing, and a problem is reported with its file, line and field.",
)

with st.expander("File layouts", icon=":material/description:"):
    st.markdown(
        """
**cbp** — County Business Patterns by state × NAICS, either
* CSV with the columns `year, state_fips, naics, naics_level, estab, emp, payann_k` (payroll in $1,000), or
* the raw Census API JSON (first row the header `NAICS2017, ESTAB, EMP, PAYANN, state`, optionally
  `NAICS2017_LABEL`; PAYANN in $1,000). It has no year column: give the year below (or keep it in the file name).

A cell with `emp = 0` and `payann = 0` but establishments is *withheld* by the Census Bureau: it is stored as missing, not zero.

**eurostat** — the raw TSV as Eurostat publishes it: the first column holds the comma-joined dimensions
(`unit,nace_r2,age,geo\\time`), then one column per year; values carry flags (`b` break, `u` low reliability,
`c` confidential, `p` provisional), `:` is missing. One age/sex slice is kept (default `Y_GE15` / `T`); thousands of persons become persons.

**long** — a CSV with `region_code, region_name, industry_code, year, employment` and optionally
`establishments, payroll, industry_name, industry_level`. An empty employment cell is missing.

**Crosswalk** (optional) — `industry_code` (or `naics`), `cluster_code`, `cluster_name` (or `cluster`) and
`cluster_type` (or `traded_local`: traded/local). Industries are matched exactly or by their longest code
prefix. Without a crosswalk, clusters are the classification's own 2/3-digit groups.

**Region file** (optional) — `region_code, region_name[, latitude, longitude]`. U.S. states are built in.

**Relatedness** (optional) — the U.S. Cluster Mapping related-clusters file (`clustera, clusterb, cr_all_pc,
rel_all_90_v3, rel_i20_all_min_90_v3`; strongly related when `cr_all_pc ≥ 90` and both `rel_*` are non-zero)
or a plain `cluster_code, related_cluster_code` list.
"""
    )


def request(flag: str) -> None:
    """Button callback: remember the request; the page acts on it in its next run."""
    ss[flag] = True


def progress_bar():
    bar = st.progress(0.0, text="Starting…")
    return bar, (lambda f, m: bar.progress(min(max(f, 0.0), 1.0), text=m))


def show_summary(summary) -> None:
    with st.container(border=True):
        st.success(f"Imported {ui.plain(summary.title)} ({ui.plain(summary.dataset_code)}) in {summary.seconds:.1f} s.",
                   icon=":material/check_circle:")
        st.text("\n".join(summary.lines()))
        if summary.rejected_count:
            ui.download_csv(summary.rejected, f"{summary.dataset_code}_rejected_rows.csv",
                            source=f"rows of the imported file(s) not used, with the reason ({summary.dataset_code})",
                            label=f"Download the {summary.rejected_count:,} rejected rows (CSV)", key="dl-rejected-last")
        st.page_link("pages/regional_stats.py", label="Open the regional statistics", icon=":material/analytics:")


if not editable:
    st.info("View only: enter the facilitator passcode in the sidebar to import or delete statistics.",
            icon=":material/lock:")

# ---- the import form ---------------------------------------------------------------------------
if editable:
    st.subheader("New import")
    fmt = st.radio("Format", FORMATS, format_func=FORMAT_LABELS.get, key="imp_format", horizontal=False)
    data_files = st.file_uploader("Data file(s)", type=["csv", "json", "tsv", "txt"], accept_multiple_files=True,
                                  key=f"imp_files_{fmt}",
                                  help="Several files of the same format make one dataset (e.g. one Census API file per year)")
    c1, c2 = st.columns(2)
    dataset_code = c1.text_input("Dataset name", key="imp_name", placeholder="e.g. us_cbp_2017_2021",
                                 help="Letters, digits, '-', '_' or '.'; empty: <format>_<first year>_<last year>")
    title = c2.text_input("Title", key="imp_title", placeholder="e.g. Manufacturing employment, Upper Austria")
    source = st.text_input(
        "Source of the figures (publisher)", key="imp_source",
        placeholder={"cbp": "default: U.S. Census Bureau, County Business Patterns <years>",
                     "eurostat": "default: Eurostat, <dataset code> <years>",
                     "long": "e.g. Statistics Austria, regional employment survey 2022"}[fmt],
        help="Shown under every table and chart of this dataset")
    opts: dict = {}
    if fmt == "cbp":
        y = st.number_input("Year of a Census API JSON file (its response has no year column)", min_value=1986,
                            max_value=2100, value=None, step=1, key="imp_year")
        opts["year"] = int(y) if y else None
    elif fmt == "eurostat":
        e1, e2, e3, e4 = st.columns(4)
        age = e1.text_input("Age", value="Y_GE15", key="imp_age")
        sex = e2.text_input("Sex (if the file has it)", value="T", key="imp_sex")
        level = e3.selectbox("NUTS level of the regions", [2, 1, 0, 3], key="imp_nuts")
        national = e4.text_input("National benchmark (optional)", key="imp_national_eu", placeholder="e.g. EU28")
        opts.update(eurostat_slice={k: v.strip() for k, v in (("age", age), ("sex", sex)) if v.strip()},
                    region_level=int(level), national_region=national.strip() or None)
    else:
        l1, l2, l3 = st.columns(3)
        opts["employment_unit"] = l1.text_input("Employment unit", value="persons", key="imp_emp_unit") or None
        opts["payroll_unit"] = l2.text_input("Payroll unit (if given)", key="imp_pay_unit", placeholder="e.g. EUR thousands") or None
        opts["national_region"] = l3.text_input("Region code holding national totals (optional)", key="imp_national") or None
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
    if ss.pop("imp_go_requested", False) and data_files:
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
            ui.show_error(exc)
        else:
            bar.empty()
    if ss.get("imp_last") is not None:
        show_summary(ss["imp_last"])

    if queries.stats_demo_available():
        with st.container(border=True):
            st.markdown("**Demo data**: U.S. County Business Patterns 2017–2021 (50 states) with the U.S. Cluster Mapping "
                        "cluster definitions and related clusters, from `../shared/data` (read there, not copied).")
            st.button("Load U.S. County Business Patterns 2017–2021 from ../shared/data", key="imp_demo",
                      icon=":material/download:", on_click=request, args=("imp_demo_requested",))
            if ss.pop("imp_demo_requested", False):
                bar, report = progress_bar()
                try:
                    ss["imp_last"] = queries.load_stats_demo(store, report)
                except UserError as exc:
                    bar.empty()
                    ui.show_error(exc)
                else:
                    bar.empty()
                    st.rerun()

# ---- datasets in the store ---------------------------------------------------------------------
st.subheader("Datasets in the store")
datasets = queries.stats_datasets(store)
if datasets.empty:
    st.info("No statistics imported yet.")
else:
    shown = datasets[["dataset_code", "title", "format", "region_count", "year_min", "year_max", "row_count",
                      "withheld_count", "rejected_count", "source", "cluster_definition", "imported_at"]]
    st.dataframe(shown, hide_index=True, width="stretch", key="imp_datasets", column_config={
        "dataset_code": "Dataset", "title": "Title", "format": "Format", "region_count": "Regions",
        "year_min": st.column_config.NumberColumn("From", format="%d"),
        "year_max": st.column_config.NumberColumn("To", format="%d"),
        "row_count": st.column_config.NumberColumn("Observations", format="localized"),
        "withheld_count": st.column_config.NumberColumn("Withheld cells", format="localized"),
        "rejected_count": st.column_config.NumberColumn("Rejected rows", format="localized"),
        "source": "Source", "cluster_definition": "Cluster definitions", "imported_at": "Imported (UTC)"})
    ui.download_csv(shown, "clusterdash_stats_datasets.csv", source="ClusterDash store: imported statistics datasets",
                    key="dl-datasets")
    code = st.selectbox("Dataset", datasets["dataset_code"].tolist(), key="imp_manage")
    rejected = queries.stats_rejected_rows(store, code)
    if len(rejected):
        ui.download_csv(rejected, f"{code}_rejected_rows.csv", source=f"rows of the imported file(s) not used ({code})",
                        label=f"Download the {len(rejected):,} rejected rows of {code} (CSV)", key="dl-rejected")
    else:
        st.caption("No rows of this dataset were rejected.")
    if editable:
        confirm = st.checkbox(f"Yes, delete {code} and everything imported with it", key="imp_confirm_delete")
        st.button("Delete dataset", icon=":material/delete:", key="imp_delete", disabled=not confirm,
                  on_click=request, args=("imp_delete_requested",))
        if ss.pop("imp_delete_requested", False) and confirm:
            try:
                queries.delete_stats_dataset(store, code)
            except UserError as exc:
                ui.show_error(exc)
            else:
                ss.pop("imp_last", None)
                ss.pop("imp_confirm_delete", None)
                st.rerun()
