"""ClusterDash: an interactive policy dashboard for industry-cluster development.

Data flows one way: ``data/`` files -> :mod:`clusterdash.store` (schema, loaders) ->
:mod:`clusterdash.queries` -> domain logic -> chart builders -> thin ``pages/``.
Nothing in this package imports Streamlit except :mod:`clusterdash.ui`.
"""

__version__ = "0.1.0"
