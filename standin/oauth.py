"""WeCom's OAuth2 web flow, the way a page inside the app learns who opened it.

The authorize page (open.weixin.qq.com/connect/oauth2/authorize on the real servers) knows who
is signed in to the WeCom client; the stand-in asks instead, so a demo opens in any browser as
anyone. Picking someone redirects to redirect_uri?code=…&state=…; the code, used once within five
minutes, names them through /cgi-bin/auth/getuserinfo (registered with the other API calls in
standin/api.py, behind the same token check and fault switches). Pages: developer.work.weixin.qq.com
document/path/91022 (构造网页授权链接) and 91023 (获取访问用户身份).
"""
from __future__ import annotations

import re
import secrets
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import Blueprint, current_app, redirect, render_template_string, request, url_for

from standin.cards import ControlError
from standin.rules import ApiError

OAUTH_CODE_TTL = 300        # "code只能使用一次，5分钟未被使用自动过期"
SCOPES = ("snsapi_base", "snsapi_privateinfo")
PARAMETERS = ("appid", "redirect_uri", "response_type", "scope", "state", "agentid")
STATE = re.compile(r"[A-Za-z0-9]{0,128}")      # "a-zA-Z0-9的参数值，长度不可超过128个字节"
OUTSIDER_OPENID = "oStandinWeChatUser"          # the one person outside the corp the stand-in knows

bp = Blueprint("wecom_oauth", __name__, url_prefix="/connect/oauth2")


class OAuthMixin:
    """The codes of the authorize page, kept with the response codes. A mixin of State."""

    def oauth_code(self, userid: str | None, scope: str) -> str:
        """A code naming a member, or (userid None) someone outside the corp."""
        with self.lock:
            member = None if userid is None else self._member(userid)
            return self._new_code("oauth", OAUTH_CODE_TTL, userid=member, scope=scope)

    def user_from_code(self, code: str | None) -> dict:
        """auth/getuserinfo's answer: the member's userid (and a user_ticket for snsapi_privateinfo),
        or an openid for someone outside the corp."""
        if not code:
            raise ApiError(41008)
        with self.lock:
            entry = self.codes.get(code)
            if entry is None or entry["kind"] != "oauth" or entry["used"] or entry["expires"] <= self.clock():
                raise ApiError(40029)
            entry["used"] = True
            if entry["userid"] is None:
                return {"errcode": 0, "errmsg": "ok", "openid": OUTSIDER_OPENID}
            answer = {"errcode": 0, "errmsg": "ok", "userid": entry["userid"]}
            if entry["scope"] == "snsapi_privateinfo":
                answer["user_ticket"] = secrets.token_urlsafe(48)
            return answer


PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{{ title }}</title>
<style>body{font:16px/1.6 sans-serif;margin:0 auto;max-width:32rem;padding:1rem}
a{display:block;padding:.6rem .8rem;margin:.4rem 0;border:1px solid #ccc;border-radius:6px;
color:#222;text-decoration:none}small{color:#777}</style></head><body>
<h1>{{ title }}</h1>
{% if error %}<p>{{ error }}</p>{% else %}
<p><small>企业微信模拟器：真实的企业微信直接带上当前成员的身份。</small></p>
{% for userid, link in members %}<a href="{{ link }}">{{ userid }}</a>{% endfor %}
<a href="{{ outsider }}">非企业成员（微信用户）</a>{% endif %}
</body></html>"""


def _state():
    return current_app.extensions["standin"]


def _problem(args) -> str | None:
    """What WeCom would say about the authorize link, or None when it is right."""
    wecom = _state().config.wecom
    if args.get("appid") != wecom.corp_id:
        return "appid 参数错误"
    target = urlsplit(args.get("redirect_uri", ""))
    if target.scheme not in ("http", "https") or not target.hostname:
        return "redirect_uri 参数错误"
    if target.hostname != urlsplit(_state().config.standin.app_url).hostname:
        return "redirect_uri 需使用应用可信域名"
    if args.get("response_type") != "code":
        return "response_type 参数错误"
    if args.get("scope") not in SCOPES:
        return "scope 参数错误或没有 scope 权限"
    agentid = args.get("agentid", "")
    if agentid != str(wecom.agent_id) and (agentid or args["scope"] == "snsapi_privateinfo"):
        return "agentid 参数错误"
    if not STATE.fullmatch(args.get("state", "")):
        return "state 参数错误"
    return None


def _error(problem: str):
    return render_template_string(PAGE, title="授权失败", error=problem), 400


@bp.get("/authorize")
def authorize():
    """The page to pick whom to be: the configured admins first, then every member."""
    problem = _problem(request.args)
    if problem:
        return _error(problem)
    admins = _state().config.admins.userids
    members = sorted(_state().member_list(), key=lambda userid: (userid not in admins, userid))
    asked = {name: request.args[name] for name in PARAMETERS if name in request.args}
    return render_template_string(PAGE, title="以谁的身份打开？", outsider=url_for(".pick", outsider=1, **asked),
                                  members=[(u, url_for(".pick", userid=u, **asked)) for u in members])


@bp.get("/pick")
def pick():
    """The choice made: back to redirect_uri with a code and the state, as WeCom sends people."""
    args = request.args
    problem = _problem(args)
    if problem:
        return _error(problem)
    try:
        code = _state().oauth_code(None if args.get("outsider") else args.get("userid"), args["scope"])
    except ControlError:
        return _error("该账号不是企业成员")
    target = urlsplit(args["redirect_uri"])
    query = urlencode([*parse_qsl(target.query), ("code", code), ("state", args.get("state", ""))])
    return redirect(urlunsplit((target.scheme, target.netloc, target.path, query, target.fragment)), 302)
