"""Every published figure can be traced to the Parties and answers behind it, from the marts alone.

For every row of indicator_status (every indicator, cycle and region of the embedded run) the
Parties behind it are listed from fct_party_indicator, and their number is the row's n_met (and
those that answered, n_parties). For national-report indicators each Party counted as met has a
counted answer in fct_report_answer to one of the indicator's questions, found through the
reference question key every answer carries, whatever the cycle's own key (NR5 Q014 is not NR4
Q014); for `answer_in`, with a value the indicator accepts.
"""

LISTED_PARTIES = """
with status as (
    select indicator_code, cycle_code, region_code, n_met, n_parties from marts.indicator_status
),
behind as (
    select s.indicator_code, s.cycle_code, s.region_code,
           count(*) filter (where f.is_met) as listed_met,
           count(f.is_met) as listed_answered
    from status as s
    join marts.fct_party_indicator as f
      on f.indicator_code = s.indicator_code and f.cycle_code = s.cycle_code
     and (s.region_code = 'global' or f.region_code = s.region_code)
    group by all
)
select s.*, coalesce(b.listed_met, 0), coalesce(b.listed_answered, 0)
from status as s left join behind as b using (indicator_code, cycle_code, region_code)
"""

MET_WITHOUT_EVIDENCE = """
with met as (
    select f.cycle_code, f.party_code, f.indicator_code, i.rule,
           string_split(i.nr4_question_keys, '|') as question_keys,
           string_split(coalesce(i.met_values, ''), '|') as met_values
    from marts.fct_party_indicator as f
    join marts.dim_indicator as i using (indicator_code)
    where f.is_met and i.source = 'national_report'
)
select met.cycle_code, met.party_code, met.indicator_code
from met
where not exists (
    select 1 from marts.fct_report_answer as a
    where a.cycle_code = met.cycle_code and a.party_code = met.party_code and a.is_counted
      and a.is_reference_option and list_contains(met.question_keys, a.reference_question_key)
      and (met.rule <> 'answer_in' or list_contains(met.met_values, a.reference_value))
)
"""


def test_every_status_row_lists_the_parties_behind_it(embedded_run):
    rows = embedded_run.query(LISTED_PARTIES)
    cycles = {r[1] for r in rows}
    assert {"nr2", "nr3", "nr4", "nr5"} <= cycles
    assert {r[2] for r in rows} == {"global", "africa", "asia_pacific", "cee", "grulac", "weog"}
    wrong = [r for r in rows if (r[3], r[4]) != (r[5], r[6])]
    assert not wrong, f"{len(wrong)} figures whose Parties cannot be listed, e.g. {wrong[:3]}"


def test_every_party_counted_as_met_has_the_answer_behind_it(embedded_run):
    (n_met,) = embedded_run.query(
        "select count(*) from marts.fct_party_indicator f join marts.dim_indicator i using (indicator_code) "
        "where f.is_met and i.source = 'national_report' and f.cycle_code = 'nr5'"
    )[0]
    assert n_met > 1000  # nr5 answers reach the catalogue's questions through the 5-4 mapping
    missing = embedded_run.query(MET_WITHOUT_EVIDENCE)
    assert not missing, f"{len(missing)} Parties met without a counted answer, e.g. {missing[:3]}"


def test_a_later_cycle_answer_lands_on_the_question_the_indicator_names(embedded_run):
    # NR5 asks "measures in place" as Q007 (mapping 5-4: Q007 -> NR4 Q014); its own Q014 is another question
    rows = embedded_run.query(
        "select distinct question_key from marts.fct_report_answer "
        "where cycle_code = 'nr5' and reference_question_key = 'Q014'"
    )
    assert rows == [("Q007",)]
