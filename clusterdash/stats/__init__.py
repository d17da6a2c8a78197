"""Regional statistics: import (CBP, Eurostat, a generic long CSV; crosswalks, regions,
relatedness), indicators in DuckDB SQL (U.S. Cluster Mapping location quotients and strong
clusters, growth, job creation), the command line, and the pure-Python analysis behind the
pages. No Streamlit here.

- :mod:`clusterdash.stats.readers` — read and validate one file into a staging database.
- :mod:`clusterdash.stats.importer` — one import = one transaction, with a summary.
- :mod:`clusterdash.stats.indicators` — the indicators SQL.
- :mod:`clusterdash.stats.analysis` — portfolio, comparison and diversification views.
- :mod:`clusterdash.stats.census` — download CBP from the Census API.
- :mod:`clusterdash.stats.demo` — load the shared CBP demo data.
- :mod:`clusterdash.stats.cli` — ``import-stats``, ``export indicators``, ``fetch-cbp``.
"""

FORMATS = ("cbp", "eurostat", "long")
