"""月度任务 on the pages: a department liaison raises December's task by the form, an admin approves it
there and the liaison is told; a liaison sees which organisations did what for their department's
task of the month, and nothing of another department's. November (published) has 组织部's T1 and T2."""
from __future__ import annotations

import datetime

import pytest

from models import Department, OutboxMessage, Person, Task
from tests.browser import csrf_token, pages_app, sign_in, text
from tests.conversation import seed_month

PERIOD = "2026-11"


@pytest.fixture
def app(config, redis_client, clock, standin):
    clock.set(datetime.datetime(2026, 11, 20, 9, 30))
    return pages_app(config, clock, standin)


@pytest.fixture
def liaisons(db, phone):
    seed_month(PERIOD)
    Person.create(userid="zzb01", name="赵联络员", roles=["liaison"], department=Department.get(name="组织部"))
    Person.create(userid="xcb01", name="孙联络员", roles=["liaison"], department=Department.get(name="宣传部"))
    phone.add_members(["zzb01", "xcb01", "dangwei01"])


def post(client, path: str, **form):
    return client.post(path, data={"csrf_token": csrf_token(client), **form}, follow_redirects=True)


def test_a_liaison_raises_a_task_by_the_form_and_an_admin_approves_it_there(app, liaisons):
    liaison, office = app.test_client(), app.test_client()
    sign_in(liaison, "zzb01")
    assert "2026年12月月度任务" in text(liaison.get("/h5/tasks"))
    shown = text(post(liaison, "/h5/tasks/add", title="报送学习|总结", due="2026-12-20", applies=""))
    assert "已提交2026年12月任务，待党委办公室审核：T01 报送学习 总结 · 组织部 · 截止 12月20日 · 待审核" in shown
    assert "“2026-02-30”不是日期" in text(post(liaison, "/h5/tasks/T01/edit", title="", due="2026-02-30"))
    assert [(t.code, t.title, t.status) for t in Task.select().where(Task.period == "2026-12")] == [
        ("T01", "报送学习 总结", "pending")]

    sign_in(office, "dangwei01")
    assert "T01 报送学习 总结 · 组织部 · 截止 12月20日 · 待审核 通过 退回原因" in text(office.get("/h5/tasks"))
    assert "已通过2026年12月任务：T01 报送学习 总结" in text(post(office, "/h5/tasks/T01/approve"))
    told = [row.payload for row in OutboxMessage.select().where(OutboxMessage.recipient == "zzb01")]
    assert len(told) == 1 and "您提交的2026年12月任务 T01 报送学习 总结 已审核通过" in told[0]


def test_a_liaison_sees_the_answers_to_their_own_task_only(app, liaisons):
    ours, theirs = app.test_client(), app.test_client()
    sign_in(ours, "zzb01")
    shown = text(ours.get("/h5/tasks"))
    assert "2026年11月的任务：各组织完成情况 T1 报送主题教育总结 · 组织部 T2 毕业生就业帮扶 · 组织部" in shown
    progress = text(ours.get(f"/h5/tasks/{PERIOD}/T1"))
    assert "T1 报送主题教育总结（组织部 · 2026年11月）：未答 1 ⬜ 未答：哲学学院" in progress
    sign_in(theirs, "xcb01")
    refused = theirs.get(f"/h5/tasks/{PERIOD}/T1")
    assert refused.status_code == 403 and "T1 不是本部门的任务。" in text(refused)
    assert "哲学学院" not in text(theirs.get("/h5/tasks"))
