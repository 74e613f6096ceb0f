"""The WeCom directory sync, against the stand-in over HTTP: a dry run first, tags give roles, people
who left are deactivated, change events, WeCom's refusals, 同步通讯录 in chat, the org list's column."""
import pytest

from bot import contacts
from bot.services import Services
from models import Org, Person
from models.checkin import sender
from models.directory_sync import compute
from models.lists_io import export_rows, import_rows
from models.lists_io.orgs import EXPORT_HEADERS
from tests.setups import run_worker

PHILOSOPHY, HISTORY, UNKNOWN = 10, 20, 30
SECRETARY_TAG, DEPUTY_TAG = 1, 2
WECOM = "企业微信部门ID"


@pytest.fixture
def config(config):
    """Change events start their sync at once (no delay to wait out)."""
    return config.replace(directory={"sync_delay_seconds": 0})


@pytest.fixture
def wecom(phone, db):
    """Two orgs, one mapped to WeCom department 10; WeCom's directory with departments 10, 20, 30."""
    philosophy = Org.create(code="ORG01", name="哲学学院", type="学院", area="北区", wecom_department=PHILOSOPHY)
    history = Org.create(code="ORG02", name="历史学院", type="学院")
    Person.create(userid="sec01", name="张书记", roles=["secretary"], org=philosophy)
    Person.create(userid="hist01", name="赵书记", roles=["secretary"], org=history)
    Person.create(userid="excel01", name="钱老师", roles=["deputy"], org=history)      # never in WeCom
    for dept, name in ((PHILOSOPHY, "哲学学院"), (HISTORY, "历史学院"), (UNKNOWN, "后勤处")):
        phone.put_department(dept, name)
    phone.put_person("sec01", "张明", [PHILOSOPHY])
    phone.put_person("dep09", "孙代填", [PHILOSOPHY])
    phone.put_person("old01", "周老师", [PHILOSOPHY])
    phone.put_person("hist01", "赵书记", [HISTORY])
    phone.put_person("cook01", "吴师傅", [UNKNOWN])
    phone.put_tag(SECRETARY_TAG, "书记", ["sec01", "hist01"])
    phone.put_tag(DEPUTY_TAG, "代填人", ["dep09", "old01"])
    return phone


def _people() -> dict:
    return {p.userid: (p.name, p.roles, p.org.code if p.org else "", p.active)
            for p in Person.select().order_by(Person.userid)}


def _sync(app, *args, answer=""):
    return app.test_cli_runner().invoke(args=["directory", "sync", *args], input=answer)


def test_a_dry_run_shows_the_diff_and_changes_nothing_then_the_sync_applies_it(app, services, wecom):
    before = _people()
    dry = _sync(app, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "+ dep09 孙代填: roles 代填人, org ORG01" in dry.output
    assert "+ old01 周老师: roles 代填人, org ORG01" in dry.output
    assert "~ sec01 张明: name 张书记 → 张明" in dry.output
    assert "added 2, changed 1, left 0" in dry.output
    assert _people() == before

    refused = _sync(app, answer="n\n")
    assert refused.exit_code != 0 and _people() == before

    done = _sync(app, "--yes")
    assert done.exit_code == 0 and "applied" in done.output
    people = _people()
    assert people["sec01"] == ("张明", ["secretary"], "ORG01", True)
    assert people["dep09"] == ("孙代填", ["deputy"], "ORG01", True)
    assert "cook01" not in people                      # in WeCom, in no org's department, no role: not ours

    wecom.delete_person("old01")
    wecom.put_tag(SECRETARY_TAG, "书记", ["hist01"])    # sec01 is no longer tagged secretary
    left = _sync(app, "--yes")
    assert "- old01 周老师: left WeCom, deactivated" in left.output
    people = _people()
    assert people["old01"] == ("周老师", ["deputy"], "ORG01", False)        # kept, never deleted
    assert people["sec01"] == ("张明", [], "ORG01", True)


def test_people_and_orgs_the_directory_does_not_know_stay_as_imported(app, services, wecom):
    _sync(app, "--yes")
    wecom.delete_person("hist01")       # an org without a WeCom department: its secretary, seen once, left
    people = _people()
    assert people["hist01"] == ("赵书记", ["secretary"], "ORG02", True)    # ORG02 unmapped: its roles stay
    assert people["excel01"] == ("钱老师", ["deputy"], "ORG02", True)      # never in WeCom: never "left"
    diff = compute(contacts.read_directory(services))
    assert [change.userid for change in diff.left] == ["hist01"]
    assert "excel01" not in {c.userid for c in diff.changed + diff.added + diff.left}


def test_a_deactivated_person_is_no_one_in_the_chat(app, services, wecom):
    _sync(app, "--yes")
    wecom.delete_person("dep09")
    _sync(app, "--yes")
    assert sender("dep09") is None and sender("sec01") is not None


def test_a_storm_of_change_events_is_one_sync(app, services, live_app, phone, db):
    Org.create(code="ORG01", name="哲学学院", type="学院", wecom_department=PHILOSOPHY)
    answers = [phone.put_department(PHILOSOPHY, "哲学学院"), phone.put_person("sec01", "张明", [PHILOSOPHY]),
               phone.put_person("dep09", "孙代填", [PHILOSOPHY]), phone.put_tag(SECRETARY_TAG, "书记", ["sec01"])]
    assert [a["event"]["ChangeType"] for a in answers] == ["create_party", "create_user", "create_user", "update_tag"]
    assert all(a["callback"]["status"] == 200 for a in answers)
    assert services.queue.count == 1
    run_worker(services)
    assert _people() == {"sec01": ("张明", ["secretary"], "ORG01", True)}

    phone.put_person("sec01", "张晓明", [PHILOSOPHY])      # after the sync started: the next one
    phone.put_person("sec01", "张小明", [PHILOSOPHY])
    assert services.queue.count == 1
    run_worker(services)
    assert _people()["sec01"][0] == "张小明"


def test_wecom_refusals_are_one_line_each_with_the_fix(services, wecom, caplog):
    app_secret = Services(services.config.replace(wecom={"contacts_secret": services.config.wecom.secret}))
    app_secret.redis = services.redis
    with pytest.raises(contacts.DirectoryRefused):
        contacts.read_directory(app_secret)
    assert "WeCom refused user/list_id with 48009: this API does not take this secret: set [wecom] " \
           "contacts_secret to the 通讯录同步 Secret" in caplog.text
    app_secret.contacts.session.delete(app_secret.contacts.access_token_key)     # the app's token, kept

    caplog.clear()
    wecom.set_faults(fail_next=1, errcode=60020)
    with pytest.raises(contacts.DirectoryRefused):
        contacts.read_directory(services)
    assert "with 60020: this server's IP is not among the trusted IPs" in caplog.text

    caplog.clear()
    wecom.put_person("sec01", "张明", [PHILOSOPHY], visible=False)
    snapshot = contacts.read_directory(services)
    assert "WeCom refused user/get sec01 with 60011: no permission" in caplog.text
    assert snapshot.members["sec01"].name == ""      # the name we have stays
    assert "sec01" not in {c.userid for c in compute(snapshot).changed}


def test_a_rate_limit_is_waited_out(services, wecom, caplog):
    wecom.set_faults(fail_next=1, errcode=45009)
    snapshot = contacts.read_directory(services)
    assert "sec01" in snapshot.members and "45009" in caplog.text


def test_an_admin_syncs_from_the_chat_on_confirm(app, services, wecom, live_app):
    wecom.add_members(["dangwei01"])      # the directory was filled before the app listened: no sync yet
    wecom.say("dangwei01", "同步通讯录")
    run_worker(services)
    asked = wecom.messages("dangwei01")[-1]["content"]["text"]["content"]
    assert "新增 2 人，变更 1 人，已离开（停用）0 人" in asked and "确认" in asked
    assert "dep09" not in _people()
    wecom.say("dangwei01", "确认")
    run_worker(services)
    last = wecom.messages("dangwei01")[-1]["content"]["text"]["content"]
    assert "通讯录已同步：新增 2 人，变更 1 人，停用 0 人" in last
    assert _people()["dep09"] == ("孙代填", ["deputy"], "ORG01", True)


def test_the_org_list_round_trips_the_wecom_department(services, db):
    cells = {"编号": "ORG01", "名称": "哲学学院", "类型": "学院", "规模": "党委", WECOM: "10"}
    result = import_rows("orgs", [(2, cells)], services.config.directory, headers=list(EXPORT_HEADERS))
    assert not result.errors
    row = export_rows("orgs")[0]
    assert dict(zip(EXPORT_HEADERS, row, strict=True))[WECOM] == 10
    again = import_rows("orgs", [(2, {**cells, "编号": "ORG02"})], services.config.directory)
    assert [(e.column, e.reason) for e in again.errors] == [(WECOM, "已用于组织 ORG01")]
    without = import_rows("orgs", [(2, {k: v for k, v in cells.items() if k != WECOM})], services.config.directory)
    assert not without.errors and Org.get(Org.code == "ORG01").wecom_department == 10


def test_the_sync_takes_wecom_s_mobile_numbers_and_an_empty_one_changes_nothing(app, services, wecom):
    wecom.put_person("sec01", "张明", [PHILOSOPHY], mobile="+86 138 1234 1234")
    dry = _sync(app, "--dry-run")
    assert "~ sec01 张明: name 张书记 → 张明, mobile - → 138****1234" in dry.output     # masked in the printout
    assert "13812341234" not in dry.output
    assert _sync(app, "--yes").exit_code == 0
    assert Person.get(Person.userid == "sec01").mobile == "13812341234"

    wecom.put_person("sec01", "张明", [PHILOSOPHY], mobile="")
    assert "changed 0" in _sync(app, "--yes").output
    assert Person.get(Person.userid == "sec01").mobile == "13812341234"
