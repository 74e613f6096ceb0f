"""Opening the pages under /h5/ as a browser does: the app in Flask's test client, WeCom's authorize
page on the real stand-in over HTTP, and what a page says as plain text."""
from __future__ import annotations

import html
import re
from urllib.parse import urljoin

import requests

from app import create_app

PUBLIC_URL = "http://127.0.0.1:5000"        # the demo's [pages] public_url


def pages_app(config, clock, standin):
    """The app, its pages signing in through this test's stand-in."""
    return create_app(config.replace(pages={"oauth_base_url": f"{standin.url}/connect/oauth2/authorize"}), clock)


def begin(client, start: str = "/h5/") -> str:
    """Open a page without a session: the app sends the browser to WeCom's authorize page."""
    response = client.get(start)
    assert response.status_code == 302
    return response.headers["Location"]


def choose(authorize_url: str, who: str, public_url: str = PUBLIC_URL) -> str:
    """On the stand-in's page, tap `who`: the path of the app's callback the browser is sent to."""
    shown = requests.get(authorize_url, timeout=10)
    assert "以谁的身份打开？" in shown.text
    links = {label: href for href, label in re.findall(r'<a href="([^"]+)">([^<]+)</a>', shown.text)}
    back = requests.get(urljoin(authorize_url, html.unescape(links[who])), allow_redirects=False, timeout=10)
    assert back.status_code == 302 and back.headers["Location"].startswith(public_url + "/h5/oauth?")
    return back.headers["Location"].removeprefix(public_url)


def sign_in(client, who: str, start: str = "/h5/"):
    return client.get(choose(begin(client, start), who))


def text(response) -> str:
    """The page as the person reads it: its text without the markup, each run of spaces one space."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def csrf_token(client) -> str:
    """The session's CSRF token, as every form of the home page carries it."""
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get("/h5/").get_data(as_text=True))[1]


def post(client, path: str, **form):
    """A form sent as the page sends it, with the session's CSRF token."""
    return client.post(path, data={"csrf_token": csrf_token(client), **form})
