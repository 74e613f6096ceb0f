"""Who opens a page: WeCom's OAuth2 web flow, Flask's signed session, a CSRF token on every form,
and the chat's rules of who may see what (the config's admins, handlers.admin.allowed).

A request under /h5/ without a session goes to WeCom's authorize page, which sends the person back
to /h5/oauth with a code and the state we gave; the code names them through auth/getuserinfo.
The page first asked for is kept in the session beside the state: only a path of ours is ever a
place to send someone back to.
"""
from __future__ import annotations

import functools
import hmac
import logging
import secrets
from urllib.parse import urlencode

from flask import Blueprint, current_app, g, redirect, render_template, request, session, url_for
from redis.exceptions import RedisError

from bot.dispatch import context
from bot.wecom_client import WeComError
from handlers import messages as m
from handlers.admin import allowed
from handlers.registry import EVERYONE
from handlers.router import Context
from models.checkin import sender
from models.directory import ROLE_DEPUTY, ROLE_SECRETARY, Person, configured_admin
from models.sessions import SignIn
from pages import texts

log = logging.getLogger(__name__)
bp = Blueprint("pages", __name__, url_prefix="/h5", template_folder="templates")

READY = "YUEBAO_PAGES_READY"            # app.config: [pages] has what signing in needs
USERID, CSRF, PENDING, GENERATION = "userid", "csrf", "oauth", "generation"       # the session's keys
FILLERS = "fillers"         # who a page is for, besides EVERYONE, LIAISONS and ADMINS: an org's secretaries, deputies
PENDING_LOGINS = 3          # sign-ins begun and not finished that are kept (two pages opened at once)
LONGEST_TARGET = 512        # a longer page address is not kept in the cookie: the person lands on /h5/
SERVER_ERRORS = (None, -1)  # WeCom unreachable or busy: try again later, not "who are you"


def current_person() -> Person:
    """The person who opened this page (a config admin without a directory row as the chat sees them)."""
    return g.person


def chat_context() -> Context:
    """The handlers' context: the clock and the admins, as the chat has them."""
    return context(current_app.extensions["yuebao"])


def fills_in(person: Person) -> bool:
    """A secretary or deputy of an org: the people who fill in its report."""
    return (person.has_role(ROLE_SECRETARY) or person.has_role(ROLE_DEPUTY)) and person.org_id is not None


def page(who: str = EVERYONE):
    """A page for `who`: EVERYONE in the directory, FILLERS, LIAISONS (and admins) or ADMINS, by
    the chat's rules; anyone else gets a polite 403."""
    def decorate(view):
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            person = current_person()
            if not (fills_in(person) if who == FILLERS else allowed(who, person, chat_context())):
                return message(403, texts.NOT_FOR_YOU)
            return view(*args, **kwargs)
        return guarded
    return decorate


def message(status: int, text: str, link: str | None = None):
    """A page that only says something (a refusal, an error, a goodbye)."""
    return render_template("message.html", title=texts.TITLES[status], text=text, link=link), status


@bp.context_processor
def _csrf_field() -> dict:
    return {"csrf_token": lambda: session.get(CSRF, ""), "csp_nonce": _csp_nonce}


def _csp_nonce() -> str:
    """This response's nonce: the pages' one <style> carries it, and nothing else may style or run."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


@bp.before_request
def identify():
    """Every request under /h5/: pages configured, a form's CSRF token, a session (else WeCom's
    OAuth2), and a person the directory (or the config's admins) knows."""
    if not current_app.config[READY]:
        return message(503, texts.NOT_READY)
    if request.method == "POST" and not _csrf_ok():
        return message(400, texts.FORM_EXPIRED)
    if request.endpoint in ("pages.oauth", "pages.logout"):      # signing in, or out: whoever it was
        return None
    userid = session.get(USERID)
    if userid is not None and session.get(GENERATION) != SignIn.generation_of(userid):
        log.info("pages: a session %s logged out of was shown again", userid)
        session.clear()         # logged out since (here or on another browser): sign in again
        userid = None
    if userid is None:
        return redirect(_authorize_url(), 302)
    person = sender(userid) or configured_admin(userid, current_app.config["YUEBAO"].admins.userids)
    if person is None:
        return message(403, m.UNKNOWN_USER)
    g.person = person
    return None


@bp.errorhandler(RedisError)
def _redis_unavailable(exc: RedisError):
    """Redis is away (signing in needs the access token kept there): the pages' 503, never a raw 500."""
    log.warning("pages: Redis unavailable for %s %s (%s)", request.method, request.path, type(exc).__name__)
    return message(503, texts.TRY_AGAIN_LATER)


@bp.after_app_request
def _private(response):
    """Every answer under /h5/ (a page, a refusal, a 404): a person's page is theirs, never cached,
    never framed by another site, never read as another type than it says; it runs no script and
    takes styles only from its own <style>, images and forms only from here; the address it was
    opened from (an OAuth code in it) is never sent on."""
    if request.path != bp.url_prefix and not request.path.startswith(bp.url_prefix + "/"):
        return response
    response.headers.update({
        "Cache-Control": "no-store", "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Content-Security-Policy": f"default-src 'none'; style-src 'nonce-{_csp_nonce()}'; img-src 'self'; "
                                   "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    })
    return response


def _csrf_ok() -> bool:
    expected = session.get(CSRF, "")
    given = request.form.get("csrf_token", "")
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def _authorize_url() -> str:
    """WeCom's authorize link; its state is kept in the session with the page asked for."""
    config = current_app.config["YUEBAO"]
    state = secrets.token_hex(16)               # WeCom takes a-zA-Z0-9 only
    asked = request.full_path.removesuffix("?")
    target = asked if len(asked) <= LONGEST_TARGET else url_for("pages.home")
    session[PENDING] = [*session.get(PENDING, [])[1 - PENDING_LOGINS:], [state, target]]
    params = {"appid": config.wecom.corp_id, "redirect_uri": config.pages.public_url.rstrip("/") + url_for(".oauth"),
              "response_type": "code", "scope": "snsapi_base", "state": state, "agentid": config.wecom.agent_id}
    return f"{config.pages.oauth_base_url}?{urlencode(params)}#wechat_redirect"


@bp.get("/oauth")
def oauth():
    """WeCom sends the person back here: the state must be one we gave, the code names them."""
    state, code = request.args.get("state", ""), request.args.get("code", "")
    pending = session.get(PENDING, [])
    target = next((kept for given, kept in pending if given == state), None)
    session[PENDING] = [entry for entry in pending if entry[0] != state]
    if target is None or not code:
        return message(400, texts.LINK_EXPIRED)
    try:
        userid = current_app.extensions["yuebao"].wecom.user_from_code(code)
    except WeComError as exc:
        log.warning("pages: WeCom named nobody for a sign-in code (errcode %s)", exc.errcode)
        return message(503, texts.WECOM_UNAVAILABLE) if exc.errcode in SERVER_ERRORS else message(
            403, texts.NOT_IDENTIFIED)
    if userid is None:
        return message(403, texts.NOT_A_MEMBER)
    session.clear()             # a new session for whoever signs in: nothing carried over from before
    session.update({USERID: userid, CSRF: secrets.token_urlsafe(32), GENERATION: SignIn.generation_of(userid)})
    log.info("pages: %s signed in", userid)
    return redirect(target, 302)


@bp.post("/logout")
def logout():
    """Sign out of the pages on every browser, the cookie given to this one ended on the server too
    (models.sessions); the chat is not concerned."""
    if session.get(USERID) is not None:
        SignIn.end(session[USERID])
        log.info("pages: %s logged out", session[USERID])
    session.clear()
    return message(200, texts.LOGGED_OUT, link=url_for(".home"))
