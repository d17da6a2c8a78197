"""Content of the home page that is not data: the four pillars."""

PILLARS = [
    ("Mapping", "Where clusters are and how strong: cluster initiatives on a map, and regional "
     "cluster statistics (employment, establishments, wages, location quotients, strong clusters, growth)."),
    ("Maturity-stage assessment", "Which of the four stages a cluster initiative has reached — initiation, "
     "establishment, operationalisation, transformation — and what to do next."),
    ("Financing patterns", "How cluster organisations are financed, by world region and over time, "
     "and how your own cluster's mix compares."),
    ("Dos-and-don'ts checklists", "The guide's dos and don'ts for cluster policy and cluster management, "
     "as checklists you can work through in a workshop."),
]
