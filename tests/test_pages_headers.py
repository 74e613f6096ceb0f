"""What every answer under /h5/ says about itself (no script, styles only its own, no referrer, no
sniffing, no framing), that the pages still look as designed under it, and that the OAuth code never
reaches the web server's access log."""
from __future__ import annotations

import datetime
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config as GunicornConfig
from gunicorn.glogging import Logger

from app import create_app
from models import Department, Entry, Person
from models.checkin import add_feedback
from models.report import EntryStatus
from tests.browser import csrf_token, pages_app, sign_in
from tests.conversation import seed_month

TEMPLATES = Path(__file__).resolve().parent.parent / "pages" / "templates"


@pytest.fixture
def app(config, redis_client, clock, standin):
    return pages_app(config, clock, standin)


@pytest.fixture(autouse=True)
def members(phone):
    phone.add_members(["sec01", "dangwei01"])


def test_every_answer_under_h5_carries_the_headers_and_styles_only_with_its_nonce(app, client, clock):
    seed_month(clock.period())
    answers = [client.get("/h5/")]                                  # → WeCom's authorize page
    answers.append(client.get("/h5/oauth?code=x&state=nobody"))     # a refusal
    sign_in(client, "dangwei01")
    answers += [client.get(path) for path in ("/h5/", "/h5/desk", "/h5/feedback", "/h5/no-such-page")]
    answers.append(client.post("/h5/logout", data={"csrf_token": csrf_token(client)}))
    for answer in answers:
        headers = answer.headers
        assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "no-referrer"
        policy = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
        assert policy["default-src"] == "'none'" and "script-src" not in policy and "unsafe" not in str(policy)
        assert policy["frame-ancestors"] == "'none'" and policy["form-action"] == "'self'"
        page = answer.get_data(as_text=True)
        if "<style" in page:
            assert re.findall(r'<style nonce="([^"]+)">', page) == [policy["style-src"][len("'nonce-"):-1]]
    assert answers[2].headers["Content-Security-Policy"] != answers[3].headers["Content-Security-Policy"]
    assert client.get("/healthz").headers.get("Content-Security-Policy") is None      # the pages' own


def test_what_people_wrote_is_escaped_on_the_pages(app, client, clock):
    report = seed_month(clock.period())
    written = '<script>alert(1)</script><a href="http://e.vil">点我</a>'
    Entry.update(note=written, status=EntryStatus.DONE).where(Entry.report == report, Entry.position == 1).execute()
    add_feedback(report, "difficulty", written, Person.get(Person.userid == "sec01"), clock.utcnow(),
                 Department.get(name="组织部"))
    sign_in(client, "sec01")
    mine = client.get("/h5/report").get_data(as_text=True)
    admin = app.test_client()
    sign_in(admin, "dangwei01")
    theirs = admin.get("/h5/feedback").get_data(as_text=True)
    for page in (mine, theirs):
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script" not in page
        assert 'href="http://e.vil' not in page


def test_the_templates_style_and_run_nothing_the_policy_would_block():
    for template in TEMPLATES.glob("*.html"):
        source = template.read_text(encoding="utf-8")
        assert not re.search(r"<script|\sstyle=|\son[a-z]+=|javascript:", source), template.name


def test_the_oauth_code_is_masked_in_gunicorns_access_log(config, redis_client, clock, tmp_path):
    served = GunicornConfig()
    served.set("accesslog", str(tmp_path / "access.log"))
    access = Logger(served)             # as gunicorn sets it up, before it loads the app
    create_app(config, clock)
    request = SimpleNamespace(headers=[("USER-AGENT", "wxwork")])
    response = SimpleNamespace(status="302 FOUND", response_length=0, headers=[], sent=0)
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": "/h5/oauth?code=SECRETCODE42&state=abc", "PATH_INFO": "/h5/oauth",
               "QUERY_STRING": "code=SECRETCODE42&state=abc", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "10.0.0.9"}
    access.access(response, request, environ, datetime.timedelta(milliseconds=5))
    for handler in access.access_log.handlers[:]:       # gunicorn's logger is the process's: leave it as found
        access.access_log.removeHandler(handler)
        handler.close()
    logged = (tmp_path / "access.log").read_text()
    assert "GET /h5/oauth?code=***&state=abc HTTP/1.1" in logged and "SECRETCODE42" not in logged
