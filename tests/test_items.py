"""Which items an org gets in a month: examples first, then properties over random calendars."""
from __future__ import annotations

import datetime

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from models import Action, Entry, Org, Report, Task, database, items as items_module, periods
from models.directory import CATEGORIES
from models.items import Item, items_for, items_for_orgs
from models.report import EntryStatus

FREQUENCIES = ("monthly", "quarterly", "half_yearly", "yearly")


def make_org(code="XY01", type="学院", size_class="党委", tags=()):
    return Org.create(code=code, name=f"组织{code}", type=type, size_class=size_class, tags=list(tags))


def make_action(code, frequency="monthly", target=None, category=CATEGORIES[0], **fields):
    return Action.create(code=code, category=category, title=f"动作{code}", frequency=frequency,
                         target=target, unit="次" if target else "", **fields)


def make_task(code, period="2026-11", **fields):
    return Task.create(period=period, code=code, title=f"任务{code}", **fields)


def answer(org, period, *answers):
    """Record a report: answers are (Action | Task, status, amount)."""
    report = Report.create(org=org, period=period, created_at=datetime.datetime(2026, 1, 1))
    for position, (source, status, amount) in enumerate(answers, start=1):
        kind = "action" if isinstance(source, Action) else "task"
        Entry.create(report=report, position=position, status=status, amount=amount, **{kind: source})


def shown(org, period):
    """(code, carried over) of each item, in order."""
    return [(item.source.code, item.carried_over) for item in items_for(org, period)]


def codes(org, period):
    return [item.source.code for item in items_for(org, period)]


def test_monthly_action_every_month_and_task_only_in_its_month(db):
    org = make_org()
    make_action("A1")
    make_task("T1", period="2026-11")
    answer(org, "2026-11", (Action.get(), EntryStatus.DONE, None))
    assert codes(org, "2026-11") == ["A1", "T1"]
    assert codes(org, "2026-12") == ["A1"]
    assert codes(org, "2026-10") == ["A1"]


def test_yearly_target_counts_up_across_months(db):
    org = make_org()
    lectures = make_action("A1", "yearly", target=2)
    item = items_for(org, "2026-01")[0]
    assert (item.tally, item.target) == (0, 2)
    answer(org, "2026-02", (lectures, EntryStatus.DONE, 1))
    assert items_for(org, "2026-03")[0].tally == 1
    answer(org, "2026-03", (lectures, EntryStatus.IN_PROGRESS, 1))
    assert codes(org, "2026-04") == []
    assert codes(org, "2026-12") == []
    assert codes(org, "2027-01") == ["A1"]


def test_answers_of_the_month_itself_do_not_hide_its_items(db):
    org = make_org()
    lectures = make_action("A1", "yearly", target=1)
    answer(org, "2026-05", (lectures, EntryStatus.DONE, 1))
    assert codes(org, "2026-05") == ["A1"]
    assert codes(org, "2026-06") == []


def test_done_without_an_amount_counts_one(db):
    org = make_org()
    analysis = make_action("A1", "yearly", target=2)
    answer(org, "2026-01", (analysis, EntryStatus.DONE, None))
    answer(org, "2026-02", (analysis, EntryStatus.NOT_DONE, None))
    assert items_for(org, "2026-03")[0].tally == 1
    answer(org, "2026-03", (analysis, EntryStatus.DONE, None))
    assert codes(org, "2026-04") == []


def test_quarterly_without_target_until_done_then_next_quarter(db):
    org = make_org()
    talks = make_action("A1", "quarterly")
    answer(org, "2026-04", (talks, EntryStatus.IN_PROGRESS, 5))
    assert codes(org, "2026-05") == ["A1"]
    answer(org, "2026-05", (talks, EntryStatus.DONE, None))
    assert codes(org, "2026-06") == []
    assert codes(org, "2026-07") == ["A1"]


@pytest.mark.parametrize("done_in, hidden_in, shown_again_in", [
    ("2026-03", "2026-06", "2026-07"),
    ("2026-08", "2026-12", "2027-01"),
])
def test_half_year_windows(db, done_in, hidden_in, shown_again_in):
    org = make_org()
    survey = make_action("A1", "half_yearly")
    answer(org, done_in, (survey, EntryStatus.DONE, None))
    assert codes(org, hidden_in) == []
    assert codes(org, shown_again_in) == ["A1"]


def test_not_applicable_closes_the_window(db):
    org = make_org()
    hours = make_action("A1", "yearly", target=56)
    answer(org, "2026-01", (hours, EntryStatus.NOT_APPLICABLE, None))
    assert codes(org, "2026-02") == []
    assert codes(org, "2027-01") == ["A1"]


def test_deferred_items_come_back_once_marked_carried_over(db):
    org = make_org()
    monthly = make_action("A1")
    yearly = make_action("A2", "yearly", target=1)
    task = make_task("T1", period="2026-11")
    make_task("T2", period="2026-12")
    answer(org, "2026-11", (monthly, EntryStatus.DEFERRED, None), (yearly, EntryStatus.DEFERRED, 1),
           (task, EntryStatus.DEFERRED, None))
    assert shown(org, "2026-12") == [("A1", True), ("A2", True), ("T1", True), ("T2", False)]
    assert shown(org, "2027-01") == [("A1", False), ("A2", False)]


def test_an_item_deferred_again_keeps_coming_back(db):
    org = make_org()
    task = make_task("T1", period="2026-10")
    answer(org, "2026-10", (task, EntryStatus.DEFERRED, None))
    answer(org, "2026-11", (task, EntryStatus.DEFERRED, None))
    assert shown(org, "2026-12") == [("T1", True)]


def test_deferred_only_from_the_month_before(db):
    org = make_org()
    task = make_task("T1", period="2026-10")
    answer(org, "2026-10", (task, EntryStatus.DEFERRED, None))
    assert shown(org, "2026-12") == []


@pytest.mark.parametrize("org_fields, expected", [
    ({"type": "学院"}, ["A0", "A1", "A4", "T1"]),
    ({"type": "学院", "tags": ["无毕业年级"]}, ["A0", "A1"]),
    ({"type": "附属医院"}, ["A0", "A2", "A4"]),
    ({"type": "直属单位", "size_class": "党支部"}, ["A0", "A3", "A4"]),
])
def test_applicability_by_type_size_and_tags(db, org_fields, expected):
    org = make_org(**org_fields)
    make_action("A0")
    make_action("A1", applies_to=["学院", "直属系"])
    make_action("A2", applies_to=["附属医院"])
    make_action("A3", applies_to=["党支部"])
    make_action("A4", excludes=["无毕业年级"])
    make_action("A5", active=False)
    make_task("T1", applies_to=["学院"], excludes=["无毕业年级"])
    assert codes(org, "2026-11") == expected


def test_a_deferred_item_that_no_longer_applies_is_not_shown(db):
    org = make_org()
    action = make_action("A1", applies_to=["学院"])
    answer(org, "2026-10", (action, EntryStatus.DEFERRED, None))
    Action.update(applies_to=["附属医院"]).execute()
    assert codes(org, "2026-11") == []


def test_order_carried_first_then_categories_then_tasks(db):
    org = make_org()
    late = make_action("A10", category=CATEGORIES[0])
    make_action("A2", category=CATEGORIES[0])
    make_action("A1", category=CATEGORIES[8])
    make_action("B1", category=CATEGORIES[3])
    make_task("T10")
    make_task("T9")
    answer(org, "2026-10", (late, EntryStatus.DEFERRED, None))
    assert shown(org, "2026-11") == [
        ("A10", True), ("A2", False), ("B1", False), ("A1", False), ("T9", False), ("T10", False)]


@pytest.mark.parametrize("many", [False, True])
def test_batched_form_takes_a_constant_number_of_queries(db, monkeypatch, many):
    if many:
        monkeypatch.setattr(items_module, "MAX_ORG_PARAMETERS", 2)
    orgs = [make_org(f"XY{n:02d}") for n in range(12)]
    action = make_action("A1", "yearly", target=2)
    task = make_task("T1", period="2026-10")
    for org in orgs[::2]:
        answer(org, "2026-10", (action, EntryStatus.DONE, 2), (task, EntryStatus.DEFERRED, None))
    executed, original = [], database.obj.execute_sql
    monkeypatch.setattr(database.obj, "execute_sql",
                        lambda sql, *args, **kwargs: executed.append(sql) or original(sql, *args, **kwargs))
    result = items_for_orgs(orgs[:6], "2026-11")
    assert len(executed) == 4
    assert sorted(result) == [org.id for org in orgs[:6]]
    assert [item.source.code for item in result[orgs[0].id]] == ["T1"]
    assert [item.source.code for item in result[orgs[1].id]] == ["A1"]


def test_items_are_frozen_values(db):
    org = make_org()
    make_action("A1")
    item = items_for(org, "2026-11")[0]
    assert item == Item("action", action=Action.get(), tally=None, target=None)
    with pytest.raises(AttributeError):
        item.carried_over = True


# Properties: random calendars and answers, checked against a plain restatement of the rules.

TRAITS = ("学院", "附属医院", "无毕业年级")
STATUSES = (*EntryStatus, None)

action_specs = st.lists(st.tuples(
    st.sampled_from(FREQUENCIES),
    st.one_of(st.none(), st.integers(1, 4)),
    st.integers(0, len(CATEGORIES) - 1),
    st.lists(st.sampled_from(TRAITS[:2]), max_size=1),
    st.lists(st.sampled_from(TRAITS[2:]), max_size=1),
), min_size=1, max_size=5)
org_specs = st.lists(st.tuples(st.sampled_from(TRAITS[:2]), st.booleans()), min_size=1, max_size=2)


def window_first(frequency, period):
    year, month = map(int, period.split("-"))
    size = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}[frequency]
    return f"{year:04d}-{(month - 1) // size * size + 1:02d}"


def fits(source, org):
    traits = {org.type, org.size_class, *org.tags}
    return (not source.applies_to or traits & set(source.applies_to)) and not traits & set(source.excludes)


def expected_items(org, period, actions, tasks, history):
    """The rules restated: history is [(period, org id, kind, id, status, amount)]."""
    previous = periods.previous(period)
    deferred = {(kind, key) for month, org_id, kind, key, status, _ in history
                if month == previous and org_id == org.id and status == EntryStatus.DEFERRED}
    carried, due = [], []
    for action in sorted(actions, key=lambda a: (CATEGORIES.index(a.category), int(a.code[1:]))):
        answers = [(status, amount) for month, org_id, kind, key, status, amount in history
                   if org_id == org.id and (kind, key) == ("action", action.id)
                   and window_first(action.frequency, period) <= month < period]
        amount = sum(amount if amount is not None else int(status == EntryStatus.DONE) for status, amount in answers)
        fulfilled = any(status == EntryStatus.NOT_APPLICABLE for status, _ in answers) or (
            amount >= action.target if action.target else any(status == EntryStatus.DONE for status, _ in answers))
        is_carried = ("action", action.id) in deferred
        if fits(action, org) and (is_carried or not fulfilled):
            (carried if is_carried else due).append(
                (action.code, is_carried, amount if action.target else None))
    for task in sorted(tasks, key=lambda t: int(t.code[1:])):
        is_carried = ("task", task.id) in deferred
        if fits(task, org) and (is_carried or task.period == period):
            (carried if is_carried else due).append((task.code, is_carried, None))
    return carried + due


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(action_specs, org_specs, st.integers(2025, 2027), st.integers(1, 12), st.integers(1, 14), st.data())
@pytest.mark.slow
def test_random_calendars_follow_the_rules(db, action_specs, org_specs, year, month, months, data):
    with database.atomic() as transaction:
        orgs = [make_org(f"XY{n}", type=kind, tags=["无毕业年级"] if tagged else [])
                for n, (kind, tagged) in enumerate(org_specs)]
        actions = [make_action(f"A{n}", frequency, target, CATEGORIES[category],
                               applies_to=applies_to, excludes=excludes)
                   for n, (frequency, target, category, applies_to, excludes) in enumerate(action_specs)]
        tasks, history = [], []
        for period in (periods.shift(periods.make(year, month), n) for n in range(months)):
            for _ in range(data.draw(st.integers(0, 2))):
                applies_to = data.draw(st.lists(st.sampled_from(TRAITS[:2]), max_size=1))
                excludes = data.draw(st.lists(st.just(TRAITS[2]), max_size=1))
                tasks.append(make_task(f"T{len(tasks)}", period=period, applies_to=applies_to, excludes=excludes))
            found = items_for_orgs(orgs, period)
            for org in orgs:
                got = [(item.source.code, item.carried_over, item.tally) for item in found[org.id]]
                assert got == expected_items(org, period, actions, tasks, history)
                answers = [(item.source, data.draw(st.sampled_from(STATUSES)),
                            data.draw(st.one_of(st.none(), st.integers(0, 3)))) for item in found[org.id]]
                answer(org, period, *answers)
                history += [(period, org.id, "action" if isinstance(source, Action) else "task",
                             source.id, status, amount) for source, status, amount in answers]
        transaction.rollback()


@given(st.integers(2000, 2100), st.integers(1, 12), st.integers(-30, 30))
def test_period_shift_and_windows(year, month, months):
    key = periods.make(year, month)
    assert periods.shift(periods.shift(key, months), -months) == key
    for frequency in FREQUENCIES:
        start, end = periods.window_start(frequency, key), periods.window_end(frequency, key)
        assert start <= key <= end
        assert start == window_first(frequency, key)
        assert periods.window_start(frequency, end) == start
