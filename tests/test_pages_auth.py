"""Signing in to the pages under /h5/: the whole redirect dance through the real stand-in (the app
in Flask's test client, the stand-in over HTTP, as a browser goes between them), the session cookie,
CSRF tokens, and who may see what."""
from __future__ import annotations

import logging
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from conversation import seed_month
from flask import g

import settings
from app import create_app
from handlers import messages as m
from handlers.registry import ADMINS
from models import Entry
from models.report import EntryStatus
from pages.auth import FILLERS, page
from tests.browser import PUBLIC_URL, begin, choose, csrf_token, pages_app, sign_in, text

OUTSIDER = "非企业成员（微信用户）"


@pytest.fixture
def app(config, redis_client, clock, standin):
    return pages_app(config, clock, standin)


@pytest.fixture(autouse=True)
def members(phone):
    phone.add_members(["sec01", "dep01", "dangwei01", "dangwei02", "stranger"])


def test_a_secretary_signs_in_through_wecom_and_sees_the_report(client, standin, clock):
    report = seed_month(clock.period())
    Entry.update(status=EntryStatus.DONE).where(Entry.report == report, Entry.position <= 2).execute()
    items = Entry.select().where(Entry.report == report).count()
    authorize = begin(client)
    assert authorize.startswith(standin.url + "/connect/oauth2/authorize?") and authorize.endswith("#wechat_redirect")
    asked = parse_qs(urlsplit(authorize).query)
    assert asked["appid"] == ["wwdemo0000000001"] and asked["redirect_uri"] == [PUBLIC_URL + "/h5/oauth"]
    assert asked["response_type"] == ["code"] and asked["scope"] == ["snsapi_base"] and asked["agentid"] == ["1000002"]
    assert re.fullmatch(r"[A-Za-z0-9]{16,128}", asked["state"][0])
    back = client.get(choose(authorize, "sec01"))
    assert back.status_code == 302 and back.headers["Location"] == "/h5/"
    home = text(client.get("/h5/"))
    assert "您好，张书记" in home and "哲学学院" in home and "填报中" in home
    due = f"截止 {int(report.period[5:])}月25日"       # the month's remind day (seed_month): the report has none
    assert f"已答 2/{items} 项（已完成 2）" in home and due in home
    assert due in text(client.get("/h5/report"))        # as the report's page says it
    assert "我的月历 · 本月清单" in home and "管理命令" not in home


def test_an_admin_sees_the_month_in_one_line(client, clock):
    seed_month(clock.period())
    sign_in(client, "dangwei01")
    home = text(client.get("/h5/"))
    assert "您好，王老师" in home and "已提交 0/1，填报中 0，未开始 1" in home
    assert "催办 [组织编号… 或 全部]" in home and "在聊天中发送" not in home


def test_an_admin_named_only_in_the_config_is_let_in(client, people, clock):
    sign_in(client, "dangwei02")
    home = text(client.get("/h5/"))
    assert "您好，dangwei02" in home and "尚未发布" in home and "导出 [月份 或 年份]" in home


def test_someone_the_directory_does_not_know_is_refused_politely(client, people):
    assert sign_in(client, "stranger").status_code == 302
    refused = client.get("/h5/")
    assert refused.status_code == 403 and m.UNKNOWN_USER in text(refused)


def test_someone_outside_the_corp_is_refused_politely(client, people):
    refused = sign_in(client, OUTSIDER)
    assert refused.status_code == 403 and "此页面仅对本单位企业微信成员开放。" in text(refused)
    assert client.get("/h5/").status_code == 302


def test_a_state_we_did_not_give_is_refused(app, client, people):
    callback = choose(begin(client), "sec01")
    state = parse_qs(urlsplit(callback).query)["state"][0]
    refused = client.get(callback.replace(state, "0" * len(state)))
    assert refused.status_code == 400 and "登录链接已失效" in text(refused)
    assert app.test_client().get(callback).status_code == 400      # another browser, no state given to it
    assert client.get(callback).status_code == 302


def test_a_code_works_once(app, client, people):
    callback = choose(begin(client), "sec01")
    assert client.get(callback).status_code == 302
    other = app.test_client()
    state = parse_qs(urlsplit(begin(other)).query)["state"][0]
    code = parse_qs(urlsplit(callback).query)["code"][0]
    refused = other.get(f"/h5/oauth?code={code}&state={state}")
    assert refused.status_code == 403 and "未能确认您的身份" in text(refused)


def test_wecom_out_of_reach_is_said_as_such(client, phone, people):
    callback = choose(begin(client), "sec01")
    phone.set_faults(fail_next=1, errcode=-1)
    busy = client.get(callback)
    assert busy.status_code == 503 and "暂时无法连接企业微信" in text(busy)


@pytest.mark.parametrize("start, lands", [
    ("/h5/?next=https://evil.example/", "/h5/?next=https://evil.example/"),
    ("/h5/?x=" + "a" * 600, "/h5/"),
])
def test_the_person_lands_on_the_page_asked_for_and_never_elsewhere(client, people, start, lands):
    assert sign_in(client, "sec01", start).headers["Location"] == lands


def test_a_next_on_the_callback_is_ignored(client, people):
    back = client.get(choose(begin(client), "sec01") + "&next=https://evil.example/")
    assert back.headers["Location"] == "/h5/"


@pytest.mark.parametrize("public_url, secure", [(PUBLIC_URL, False), ("https://yuebao.example.edu.cn", True)])
def test_the_session_cookie(config, redis_client, clock, standin, people, public_url, secure):
    standin.state.config = standin.state.config.replace(standin={"app_url": public_url})
    pages = {"oauth_base_url": f"{standin.url}/connect/oauth2/authorize", "public_url": public_url}
    client = create_app(config.replace(pages=pages), clock).test_client()
    back = client.get(choose(begin(client), "sec01", public_url))
    assert back.status_code == 302
    cookie = back.headers["Set-Cookie"]
    assert cookie.startswith("yuebao_h5=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Path=/h5" in cookie and ("Secure" in cookie) == secure
    signed, signature = cookie.split(";")[0].removeprefix("yuebao_h5=").rsplit(".", 1)
    client.set_cookie("yuebao_h5", f"{signed}.{'A' * len(signature)}", path="/h5")
    assert client.get("/h5/").status_code == 302            # a cookie signed by someone else is no session


def test_forms_need_the_session_csrf_token(client, people):
    sign_in(client, "sec01")
    token = csrf_token(client)
    for form in ({}, {"csrf_token": "wrong"}, {"csrf_token": token + "x"}):
        refused = client.post("/h5/logout", data=form)
        assert refused.status_code == 400 and "页面已过期" in text(refused)
    assert client.get("/h5/").status_code == 200
    done = client.post("/h5/logout", data={"csrf_token": token})
    assert done.status_code == 200 and "您已退出。" in text(done)
    assert client.get("/h5/").status_code == 302
    assert client.post("/h5/logout", data={"csrf_token": token}).status_code == 400


def test_a_logout_ends_the_session_on_the_server(app, client, people):
    sign_in(client, "sec01")
    other = app.test_client()           # the same person on another browser
    sign_in(other, "sec01")
    kept = client.get_cookie("yuebao_h5", path="/h5").value
    assert client.post("/h5/logout", data={"csrf_token": csrf_token(client)}).status_code == 200
    client.set_cookie("yuebao_h5", kept, path="/h5")       # the cookie as it was before, shown again
    assert client.get("/h5/").status_code == 302 and client.get("/h5/report").status_code == 302
    assert other.get("/h5/").status_code == 302             # logged out there too
    assert sign_in(client, "sec01").status_code == 302 and client.get("/h5/").status_code == 200


def test_pages_refuse_to_open_without_a_secret_key(config, redis_client, clock, caplog):
    with caplog.at_level(logging.ERROR, logger="pages"):
        client = create_app(config.replace(pages={"secret_key": ""}), clock).test_client()
    assert "[pages] secret_key not set, so /h5/ answers 503" in caplog.text
    refused = client.get("/h5/")
    assert refused.status_code == 503 and "网页暂未开放" in text(refused)


def test_a_page_for_others_says_so_politely(app, people):
    for who, person, allowed in ((ADMINS, "secretary", False), (ADMINS, "admin", True),
                                 (FILLERS, "deputy", True), (FILLERS, "admin", False)):
        with app.test_request_context("/h5/"):
            g.person = people[person]
            answer = page(who=who)(lambda: "工作台")()
        assert (answer == "工作台") == allowed
        if not allowed:
            assert answer[1] == 403 and "此页面不对您开放" in answer[0]


@pytest.mark.parametrize("text_, message", [
    ('[pages]\nsecret_key = "short"\n', "pages.secret_key: must be at least 32 random characters (not shown)"),
    ('[pages]\npublic_url = "yuebao.example.edu.cn"\n', "pages.public_url: must start with http:// or https://"),
])
def test_pages_settings_are_checked(tmp_path, text_, message):
    path = tmp_path / "config.toml"
    path.write_text(text_, encoding="utf-8")
    with pytest.raises(settings.ConfigError) as err:
        settings.load(path, env={})
    assert str(err.value).startswith(message) and "short" not in str(err.value)
