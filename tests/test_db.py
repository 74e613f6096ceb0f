"""Prepared queries: written once per database, they give what the plain query gives."""
from __future__ import annotations

from peewee import JOIN

from models import Org, Person, bind, database, migrate
from models.db import Prepared

PEOPLE_OF_TYPE = Prepared(lambda org_type, name: (
    Person.select(Person, Org).join(Org, JOIN.LEFT_OUTER)
    .where(Org.type == org_type, Person.name != name, Org.code.not_in(["X1", "X2"]))
    .order_by(Person.userid)))


def plain(org_type, name):
    return list(Person.select(Person, Org).join(Org, JOIN.LEFT_OUTER)
                .where(Org.type == org_type, Person.name != name, Org.code.not_in(["X1", "X2"]))
                .order_by(Person.userid))


def seed():
    college = Org.create(code="C1", name="哲学学院", type="学院")
    hospital = Org.create(code="H1", name="第一医院", type="附属医院")
    Person.create(userid="a", name="甲", roles=["secretary"], org=college)
    Person.create(userid="b", name="乙", roles=["secretary"], org=college)
    Person.create(userid="c", name="丙", roles=["deputy"], org=college)
    Person.create(userid="d", name="丁", roles=["secretary"], org=hospital)


def test_same_rows_as_the_plain_query_for_each_set_of_values(db):
    seed()
    for values in (("学院", "甲"), ("学院", "无名"), ("附属医院", "甲"), ("机关部门", "甲")):
        prepared = PEOPLE_OF_TYPE(*values)
        assert [(p.userid, p.org.name) for p in prepared] == [(p.userid, p.org.name) for p in plain(*values)]
    assert [p.userid for p in PEOPLE_OF_TYPE("学院", "甲")] == ["b", "c"]


def test_first_is_none_without_rows(db):
    seed()
    assert PEOPLE_OF_TYPE.first("附属医院", "乙").userid == "d"
    assert PEOPLE_OF_TYPE.first("机关部门", "乙") is None


def test_another_database_gets_its_own_sql(db, tmp_path):
    seed()
    assert PEOPLE_OF_TYPE.first("学院", "乙").userid == "a"
    first = database.obj
    try:
        bind(f"sqlite:///{tmp_path / 'other.db'}")
        with database.connection_context():
            migrate()
            assert PEOPLE_OF_TYPE.first("学院", "乙") is None
    finally:
        database.initialize(first)
    assert PEOPLE_OF_TYPE.first("学院", "乙").userid == "a"


def test_rows_after_an_empty_first_run_and_again_from_the_kept_layout(db):
    seed()
    by_code = Prepared(lambda code: Person.select(Person, Org).join(Org).where(Org.code == code)
                       .order_by(Person.userid))
    assert by_code("X9") == []
    for _ in range(2):
        assert [(p.userid, p.org.code, p.org.type) for p in by_code("H1")] == [("d", "H1", "附属医院")]
        assert [p.userid for p in by_code("C1")] == ["a", "b", "c"]
