from clusterdash.home import headline_figure


def test_headline_figure_keeps_the_qualifier_and_words():
    assert headline_figure(3000.0, "around 3000 specialised clusters", "clusters") == "≈ 3,000 clusters"
    assert headline_figure(54e6, "54 million jobs", "jobs") == "54 million jobs"
    # "Over the past 30 years" means during the last 30 years, not more than 30 years
    assert headline_figure(30.0, "Over the past 30 years", "years") == "30 years"
    assert headline_figure(None, "Over the past 30 years", None) == "Over the past 30 years"
    assert headline_figure(200e6, "over €200 million", "EUR") == "> 200 million EUR"
    assert headline_figure(1990.0, "introduced by Michael Porter in 1990.", "year") == "1990"
    assert headline_figure(None, "since the end of the 1990s", None) == "since the end of the 1990s"
