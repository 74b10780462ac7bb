"""The measures of a case journey on hand-built journeys, and across journeys with the threshold of 3."""

from __future__ import annotations

from datetime import date

import pytest

from facilitation.live import journey_measures as jm
from facilitation.live.journey_measures import Fact


def journey(*moments: tuple) -> list[Fact]:
    """(kind, date text or None, organisations, law, ground, answers index) -> facts with ids 1.."""
    facts = []
    for index, (kind, when, *rest) in enumerate(moments, start=1):
        orgs, law, ground, answers = (list(rest) + [(), None, None, None])[:4]
        parsed = jm.parse_date(when) if when else None
        facts.append(
            Fact(
                id=index,
                kind=kind,
                day=parsed[0] if parsed else None,
                precision=parsed[1] if parsed else None,
                organisations=tuple(orgs),
                law=law,
                ground=ground,
                answers=answers,
            )
        )
    return facts


def test_dates_people_type_are_read_one_way_only():
    assert jm.parse_date("2024-03-05") == (date(2024, 3, 5), "day")
    assert jm.parse_date("5-3-2024") == (date(2024, 3, 5), "day")
    assert jm.parse_date("2024-03") == (date(2024, 3, 1), "month")
    assert jm.parse_date("3-2024") == (date(2024, 3, 1), "month")
    assert jm.parse_date("voorjaar 2024") is None and jm.parse_date("2024") is None
    with pytest.raises(ValueError):
        jm.parse_date("2024-02-30")
    assert jm.date_value(date(2024, 3, 1), "month") == "2024-03"
    assert jm.date_value(date(2024, 3, 5), "day") == "2024-03-05"


def test_a_full_journey_with_exact_dates():
    m = jm.measure(
        journey(
            ("signal", "2024-01-10", ["school"]),
            ("intake", "2024-01-20", ["wijkteam"]),
            ("application", "2024-02-01", ["gemeente_jeugd"], "jeugdwet"),
            ("rejection", "2024-02-20", ["gemeente_jeugd"], "jeugdwet", "not_covered", 3),
            ("crisis", "2024-06-01", ["veilig_thuis"]),
            ("breakthrough", "2024-06-02", ["wijkteam"]),
            ("other", "2024-07-01", ["ggz"]),
        )
    )
    assert m.days_to_breakthrough == (date(2024, 6, 2) - date(2024, 1, 10)).days and not m.approximate
    assert (m.applications, m.rejections, m.rejections_new_ground) == (1, 1, 0)
    assert m.organisations == ("school", "wijkteam", "gemeente_jeugd", "veilig_thuis", "ggz")
    # school -> wijkteam -> gemeente (twice, no handover between them) -> veilig thuis; after the breakthrough none
    assert [h.moment_id for h in m.handovers] == [2, 3, 5]
    assert m.after_crisis and m.days_after_crisis == 1 and m.has_breakthrough
    assert m.rejection_grounds == (("jeugdwet", "not_covered"),) and m.start == date(2024, 1, 10)


def test_month_only_dates_count_as_the_middle_of_the_month_and_are_marked():
    m = jm.measure(journey(("signal", "2024-01"), ("crisis", "2024-03"), ("breakthrough", "2024-03-20")))
    assert m.days_to_breakthrough == (date(2024, 3, 20) - date(2024, 1, 15)).days and m.approximate
    assert m.days_after_crisis == 5 and m.crisis_approximate


def test_missing_dates_leave_days_unknown_but_count_the_rest():
    m = jm.measure(journey(("signal", None, ["school"]), ("application", "2024-02-01", ["uwv"], "wmo")))
    assert m.days_to_breakthrough is None and not m.has_breakthrough and not m.after_crisis
    assert m.applications == 1 and len(m.handovers) == 1 and m.start == date(2024, 2, 1)
    undated_breakthrough = jm.measure(journey(("signal", "2024-01-01"), ("breakthrough", None)))
    assert undated_breakthrough.has_breakthrough and undated_breakthrough.days_to_breakthrough is None
    assert jm.measure([]).moments == 0 and jm.measure([]).days_to_breakthrough is None


def test_a_journey_without_a_signal_starts_at_its_first_moment():
    m = jm.measure(journey(("intake", "2024-01-01"), ("breakthrough", "2024-01-31")))
    assert m.days_to_breakthrough == 30


def test_a_breakthrough_without_a_crisis():
    m = jm.measure(journey(("signal", "2024-01-01"), ("breakthrough", "2024-02-01"), ("crisis", "2024-03-01")))
    assert m.has_breakthrough and not m.after_crisis and m.days_after_crisis is None


def test_several_rejections_of_one_application_on_new_grounds():
    m = jm.measure(
        journey(
            ("application", "2024-01-01", [], "wmo"),
            ("application", "2024-01-02", [], "jeugdwet"),
            ("rejection", "2024-01-10", [], "wmo", "not_covered", 1),
            ("rejection", "2024-01-11", [], "jeugdwet", "waiting_list", 2),
            # the Wmo application again: after a workaround, rejected on another point than its own last one
            ("rejection", "2024-02-01", [], "wmo", "residence", 1),
            ("rejection", "2024-03-01", [], "wmo", "residence", 1),
            ("rejection", "2024-03-02", [], "wmo", "own_strength"),
        )
    )
    assert (m.applications, m.rejections) == (2, 5)
    # 2nd differs from the 1st (no earlier rejection of application 2), 3rd from application 1's first,
    # the 4th repeats, the 5th (no application) from the journey's previous one
    assert m.rejections_new_ground == 3


def test_dates_that_run_backwards_give_no_days():
    m = jm.measure(journey(("signal", "2024-05-01"), ("breakthrough", "2024-01-01")))
    assert m.days_to_breakthrough is None


def test_patterns_show_nothing_from_fewer_than_three_journeys():
    rejected = ("rejection", None, [], "wmo", "waiting_list")
    one = jm.measure(journey(("signal", "2024-01-01"), rejected, ("breakthrough", "2024-01-11")))
    few = jm.patterns([one, one], minimum=3)
    assert not few.enough and few.spread is None and few.grounds == [] and few.within == 0
    enough = jm.patterns([one, one, one], minimum=3)
    assert enough.enough and enough.spread.median == 10 and enough.grounds[0].key == ("wmo", "waiting_list")


def test_patterns_across_journeys():
    def crisis_journey(days_to_crisis_breakthrough: int, total: str, orgs=("wijkteam", "ggz")):
        return jm.measure(
            journey(
                ("signal", "2024-01-01", [orgs[0]]),
                ("rejection", None, [orgs[1]], "jeugdwet", "waiting_list"),
                ("crisis", "2024-03-01", [orgs[0]]),
                ("breakthrough", f"2024-03-{1 + days_to_crisis_breakthrough:02d}"),
            )
        )

    calm = jm.measure(journey(("signal", "2024-01-01"), ("breakthrough", "2024-01-21")))
    measures = [crisis_journey(0, ""), crisis_journey(1, ""), crisis_journey(9, ""), calm, calm]
    p = jm.patterns(measures, minimum=3, within_days=1)
    assert p.journeys == 5 and p.with_breakthrough == 5 and p.after_crisis == 3 and p.within == 2
    assert p.spread.values == (20, 20, 60, 61, 69) and p.spread.median == 60
    assert (p.spread.q1, p.spread.q3) == (20, 61)
    assert [(c.key, c.times, c.journeys) for c in p.grounds] == [(("jeugdwet", "waiting_list"), 3, 3)]
    # wijkteam -> ggz -> wijkteam: two handovers per crisis journey, both organisations in each
    assert {c.key: (c.times, c.journeys) for c in p.handover_organisations} == {
        ("wijkteam",): (6, 3),
        ("ggz",): (6, 3),
    }
