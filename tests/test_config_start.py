"""Which configuration a start gets: an operator's file, or the demo's only where the demo is meant
(its own commands, named explicitly by the tests, bench/ and `up`), and never the demo's public keys
anywhere else."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import settings
from app import DEVELOPMENT_COMMANDS, flask_command
from bot.services import Services
from stack.ports import moved
from tests.waiting import HANG

ROOT = Path(__file__).resolve().parent.parent
DEMO = settings.demo_secrets()
OWN_WECOM = {"YUEBAO_WECOM_CORP_ID": "ww0123456789abcdef", "YUEBAO_WECOM_SECRET": "s" * 32,
             "YUEBAO_WECOM_CONTACTS_SECRET": "c" * 32, "YUEBAO_WECOM_TOKEN": "t" * 16,
             "YUEBAO_WECOM_ENCODING_AES_KEY": "a" * 43}


def empty(folder: Path) -> Path:
    path = folder / "empty.toml"
    path.write_text("", encoding="utf-8")
    return path


def refusal(path, env) -> str:
    with pytest.raises(settings.ConfigError) as err:
        settings.load(path, env=env)
    message = str(err.value)
    assert "\n" not in message and not any(secret in message for secret in DEMO.values())
    return message


def test_the_demo_on_this_machine_is_a_development_start():
    config = settings.load(settings.DEMO_CONFIG, env={})
    assert config.is_demo and config.pages.secret_key == DEMO["pages.secret_key"]


def test_the_issues_hole_environment_only_with_a_public_address_is_refused(tmp_path, monkeypatch):
    """No file, the pages published and the WeCom keys set: the demo's cookie key stayed and opened
    /h5/desk. A production start stops for want of a file; a demo command stops at the demo's keys."""
    monkeypatch.chdir(tmp_path)
    env = {"YUEBAO_PAGES_PUBLIC_URL": "https://yuebao.example.edu.cn", **OWN_WECOM}
    assert refusal(None, env).startswith("no configuration file: set YUEBAO_CONFIG")
    with pytest.raises(settings.ConfigError) as err:
        settings.load(env=env, development=True)
    assert str(err.value) == ("robot.token: the demo's public value, allowed only while the demo stays on this "
                              "machine, and pages.public_url leaves it")


@pytest.mark.parametrize("env, leaves", [
    ({"YUEBAO_WECOM_API_BASE_URL": "https://qyapi.weixin.qq.com/cgi-bin/"}, "wecom.api_base_url"),
    ({"YUEBAO_PAGES_OAUTH_BASE_URL": "https://open.weixin.qq.com/connect/oauth2/authorize"}, "pages.oauth_base_url"),
    ({"YUEBAO_WEB_HOST": "0.0.0.0"}, "web.host"),
])
def test_the_demo_file_named_but_reaching_beyond_this_machine_is_refused(env, leaves):
    assert refusal(settings.DEMO_CONFIG, env).endswith(f"and {leaves} leaves it")


def test_a_copy_of_the_demo_file_is_not_the_demo(tmp_path):
    copy = tmp_path / "config.toml"
    shutil.copyfile(settings.DEMO_CONFIG, copy)
    assert refusal(copy, {}) == "wecom.secret: the demo's public value (config.demo.toml); set a secret of your own"


@pytest.mark.parametrize("key", sorted(DEMO))
def test_each_of_the_demos_secrets_is_refused_in_an_operators_file(tmp_path, key):
    section, name = key.split(".")
    path = tmp_path / "config.toml"
    path.write_text(f'[{section}]\n{name} = "{DEMO[key]}"\n', encoding="utf-8")
    assert refusal(path, {}) == f"{key}: the demo's public value (config.demo.toml); set a secret of your own"
    env = {f"YUEBAO_{section.upper()}_{name.upper()}": DEMO[key]}
    assert refusal(empty(tmp_path), env).startswith(f"{key}: the demo's")


def test_only_the_demo_looks_for_the_private_redis_of_dev_up(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "PRIVATE_REDIS", tmp_path)
    (tmp_path / "url").write_text("redis://127.0.0.1:6390/0", encoding="utf-8")
    assert Services(settings.load(settings.DEMO_CONFIG, env={})).redis_url == "redis://127.0.0.1:6390/0"
    with pytest.raises(settings.ConfigError, match=r"^redis.url: empty; set it, or YUEBAO_REDIS_URL"):
        _ = Services(settings.load(empty(tmp_path), env={})).redis_url


@pytest.mark.parametrize("argv, command", [
    (["/srv/yuebao/.venv/bin/flask", "--app", "app", "up", "--port", "5001"], "up"),
    (["/usr/lib/python3.11/site-packages/flask/__main__.py", "-A", "app", "--debug", "phone", "sec01"], "phone"),
    (["flask", "--app=app", "standin"], "standin"),
    (["flask", "--app", "up", "worker"], "worker"),
    ([".venv/bin/gunicorn", "--bind", "127.0.0.1:5000", "app:create_app()"], ""),
    (["-c"], ""),
])
def test_the_flask_command_is_read_from_the_command_line(argv, command):
    assert flask_command(argv) == command
    assert (command in DEVELOPMENT_COMMANDS) == (command in ("up", "phone", "standin"))


def test_moving_the_ports_of_up_moves_the_urls_that_point_at_them():
    demo = settings.load(settings.DEMO_CONFIG, env={})
    config, env = moved(demo, web_port=5001, standin_port=8091)
    assert (config.web.port, config.standin.port) == (5001, 8091)
    assert (config.pages.public_url, config.standin.app_url) == ("http://127.0.0.1:5001", "http://127.0.0.1:5001")
    assert config.wecom.api_base_url == "http://127.0.0.1:8091/cgi-bin/"
    assert config.pages.oauth_base_url == "http://127.0.0.1:8091/connect/oauth2/authorize"
    assert config.sms.endpoint == "http://127.0.0.1:8091"
    assert settings.load(settings.DEMO_CONFIG, env=env) == config       # what the pieces `up` starts read
    assert moved(demo) == (demo, {})
    by_variable, _ = moved(settings.load(settings.DEMO_CONFIG, env={"YUEBAO_STANDIN_PORT": "8092"}))
    assert by_variable.wecom.api_base_url == "http://127.0.0.1:8092/cgi-bin/"


def flask(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    clean = {name: value for name, value in os.environ.items() if not name.startswith("YUEBAO_")}
    return subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args], cwd=cwd, capture_output=True,
                          text=True, env={**clean, "PYTHONPATH": str(ROOT), **env}, timeout=HANG)


@pytest.mark.slow
def test_a_start_without_a_file_stops_and_a_demo_command_starts(tmp_path):
    production = flask(["init-db"], tmp_path)
    assert (production.returncode, production.stderr.splitlines()) == (1, [
        "yuebao: configuration error: no configuration file: set YUEBAO_CONFIG to your config.toml "
        "(see config.example.toml), or to config.demo.toml for the demo"])
    demo = flask(["standin", "--help"], tmp_path)
    assert demo.returncode == 0 and "Run the local WeCom stand-in" in demo.stdout
    unknown = flask(["init-db"], tmp_path, YUEBAO_CONFIG=str(settings.DEMO_CONFIG), YUEBAO_WEB_PROT="5001")
    assert unknown.stderr.splitlines() == [
        "yuebao: configuration error: YUEBAO_WEB_PROT: no such setting "
        "(YUEBAO_<SECTION>_<KEY> overrides a key of config.example.toml)"]
