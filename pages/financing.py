from clusterdash import queries, ui
from clusterdash.ui import financing as fin_ui

store = ui.get_store()

ui.page_intro(
    "Financing patterns",
    "How cluster organisations are financed: the three main sources, the levers for building the "
    "financing portfolio, what the guide reports for four world regions, a best-practice mix and its "
    "rules of thumb. Figures are shown **exactly as the text states them**; where the text gives only "
    "words, the words are shown and no bar is drawn.",
)
ui.page_link("financing_mix", label="Compare and plan your own cluster's financing mix")

patterns = queries.financing_patterns(store)
rules = queries.financing_rules(store)

fin_ui.main_sources(queries.financing_sources(store), rules)
fin_ui.levers_section(queries.financing_levers(store))
fin_ui.patterns_one(patterns)
fin_ui.patterns_two(patterns, rules)
fin_ui.upper_austria(queries.financing_mixes(store), rules)
fin_ui.mechatronics(queries.financing_figures(store))
fin_ui.rules_section(rules)
