"""The stand-in's OAuth2 web flow over real HTTP: the authorize page that asks whom to be, the
redirect back with a code, and auth/getuserinfo naming the person once."""
from __future__ import annotations

import html
import re
import time
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests

APP = "http://127.0.0.1:5000"            # the demo's app_url: its host is the app's trusted domain
OUTSIDER = "非企业成员（微信用户）"
LINK = re.compile(r'<a href="([^"]+)">([^<]+)</a>')


def authorize(standin, **changes) -> requests.Response:
    """Open the authorize link as the app builds it, with some parameters changed (None: left out)."""
    wecom = standin.state.config.wecom
    params = {"appid": wecom.corp_id, "redirect_uri": APP + "/h5/oauth?from=card", "response_type": "code",
              "scope": "snsapi_base", "state": "abc123", "agentid": str(wecom.agent_id), **changes}
    return requests.get(standin.url + "/connect/oauth2/authorize",
                        params={k: v for k, v in params.items() if v is not None}, timeout=10)


def choices(page: requests.Response) -> dict[str, str]:
    """What the page offers to tap: label → the link's URL."""
    return {label: urljoin(page.url, html.unescape(href)) for href, label in LINK.findall(page.text)}


def pick(standin, who: str, **changes) -> requests.Response:
    page = authorize(standin, **changes)
    return requests.get(choices(page)[who], allow_redirects=False, timeout=10)


def code_of(answer: requests.Response) -> str:
    return parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]


def token(standin) -> str:
    wecom = standin.state.config.wecom
    return requests.get(standin.url + "/cgi-bin/gettoken", params={"corpid": wecom.corp_id,
                        "corpsecret": wecom.secret}, timeout=10).json()["access_token"]


def userinfo(standin, code: str | None, access_token: str | None = "") -> dict:
    params = {"access_token": token(standin) if access_token == "" else access_token, "code": code}
    return requests.get(standin.url + "/cgi-bin/auth/getuserinfo",
                        params={k: v for k, v in params.items() if v is not None}, timeout=10).json()


@pytest.fixture
def members(phone):
    return phone.add_members(["sec01", "dep01", "dangwei02", "dangwei01"])


def test_the_page_asks_whom_to_be_admins_first(standin, members):
    page = authorize(standin)
    assert page.status_code == 200 and "以谁的身份打开？" in page.text
    assert list(choices(page)) == ["dangwei01", "dangwei02", "dep01", "sec01", OUTSIDER]


def test_picking_a_member_goes_back_with_a_code_that_names_them_once(standin, members):
    answer = pick(standin, "sec01")
    assert answer.status_code == 302
    back = urlsplit(answer.headers["Location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == APP + "/h5/oauth"
    query = parse_qs(back.query)
    assert query["from"] == ["card"] and query["state"] == ["abc123"] and query["code"][0]
    code = query["code"][0]
    assert userinfo(standin, code) == {"errcode": 0, "errmsg": "ok", "userid": "sec01"}
    again = userinfo(standin, code)
    assert again["errcode"] == 40029 and again["errmsg"].startswith("invalid code")


def test_privateinfo_also_gives_a_user_ticket(standin, members):
    answer = userinfo(standin, code_of(pick(standin, "dep01", scope="snsapi_privateinfo")))
    assert answer["userid"] == "dep01" and answer["user_ticket"]


def test_someone_outside_the_corp_gets_an_openid_only(standin, members):
    answer = userinfo(standin, code_of(pick(standin, OUTSIDER)))
    assert answer["errcode"] == 0 and answer["openid"] and "userid" not in answer


def test_a_code_expires_after_five_minutes(standin, members):
    fresh, stale = code_of(pick(standin, "sec01")), code_of(pick(standin, "sec01"))
    now = time.time()
    standin.state.clock = lambda: now + 299
    assert userinfo(standin, fresh)["userid"] == "sec01"
    standin.state.clock = lambda: now + 301
    assert userinfo(standin, stale)["errcode"] == 40029


def test_getuserinfo_checks_the_token_and_the_code(standin, members):
    code = code_of(pick(standin, "sec01"))
    assert userinfo(standin, code, access_token=None)["errcode"] == 41001
    assert userinfo(standin, code, access_token="not-a-token")["errcode"] == 40014
    assert userinfo(standin, None)["errcode"] == 41008
    assert userinfo(standin, "made-up")["errcode"] == 40029
    assert userinfo(standin, code)["userid"] == "sec01"


def test_fault_switches_apply_and_a_failed_call_leaves_the_code_unused(standin, phone, members):
    code = code_of(pick(standin, "sec01"))
    phone.set_faults(fail_next=1, errcode=-1)
    assert userinfo(standin, code)["errcode"] == -1
    assert userinfo(standin, code)["userid"] == "sec01"
    assert phone.stats()["api_calls"]["/cgi-bin/auth/getuserinfo"] == 2


@pytest.mark.parametrize("changes, problem", [
    ({"appid": "wwother"}, "appid 参数错误"),
    ({"appid": None}, "appid 参数错误"),
    ({"redirect_uri": None}, "redirect_uri 参数错误"),
    ({"redirect_uri": "/h5/oauth"}, "redirect_uri 参数错误"),
    ({"redirect_uri": "https://evil.example/h5/oauth"}, "redirect_uri 需使用应用可信域名"),
    ({"response_type": "token"}, "response_type 参数错误"),
    ({"scope": "snsapi_userinfo"}, "scope 参数错误或没有 scope 权限"),
    ({"agentid": "1000009"}, "agentid 参数错误"),
    ({"agentid": None, "scope": "snsapi_privateinfo"}, "agentid 参数错误"),
    ({"state": "a-b"}, "state 参数错误"),
    ({"state": "a" * 129}, "state 参数错误"),
])
def test_a_wrong_link_gets_an_error_page(standin, members, changes, problem):
    page = authorize(standin, **changes)
    assert page.status_code == 400 and "授权失败" in page.text and problem in page.text
    assert not choices(page)


def test_without_agentid_snsapi_base_still_works(standin, members):
    assert userinfo(standin, code_of(pick(standin, "sec01", agentid=None)))["userid"] == "sec01"


def test_a_changed_pick_link_is_checked_again(standin, members):
    link = choices(authorize(standin))["sec01"]
    assert requests.get(link.replace("sec01", "ghost"), allow_redirects=False, timeout=10).status_code == 400
    evil = link.replace("127.0.0.1%3A5000", "evil.example").replace("127.0.0.1:5000", "evil.example")
    refused = requests.get(evil, allow_redirects=False, timeout=10)
    assert refused.status_code == 400 and "可信域名" in refused.text
