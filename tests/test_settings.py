import dataclasses
from pathlib import Path

import pytest

import settings
from settings import checks


def write(tmp_path, text):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_config_is_complete_and_valid(root):
    config = settings.load(root / "config.example.toml", env={})
    assert config.wecom.agent_id == 1000002
    assert config.database.url == "sqlite:///data/yuebao.db"


def test_no_file_named_or_found_stops_with_one_line_naming_yuebao_config(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(settings.ConfigError) as err:
        settings.config_path(env={})
    assert str(err.value).startswith("no configuration file: set YUEBAO_CONFIG to your config.toml")
    assert settings.config_path(env={}, development=True) == settings.DEMO_CONFIG    # a demo command's
    write(tmp_path, "")
    assert settings.config_path(env={}) == settings.config_path(env={}, development=True) == Path("config.toml")


def test_environment_overrides_single_values(tmp_path):
    path = write(tmp_path, '[wecom]\nagent_id = 5\n')
    config = settings.load(path, env={
        "YUEBAO_WECOM_AGENT_ID": "1000009", "YUEBAO_DATABASE_URL": "postgresql://u@h/db",
        "YUEBAO_ADMINS_USERIDS": "a, b，c、d",
    })
    assert config.wecom.agent_id == 1000009
    assert config.database.url == "postgresql://u@h/db"
    assert config.admins.userids == ["a", "b", "c", "d"]


@pytest.mark.parametrize("text, message", [
    ('[wecom]\nencoding_aes_key = "short"\n', "wecom.encoding_aes_key: must be 43 characters, got 5"),
    ('[wecom]\ncorpid = "x"\n', "wecom.corpid: unknown key"),
    ('[nosuch]\nx = 1\n', "[nosuch]: unknown section"),
    ('[wecom]\nagent_id = "1000002"\n', "wecom.agent_id: expected an integer, got '1000002'"),
    ('[admins]\nuserids = "root"\n', "admins.userids: expected a list of strings, got 'root'"),
    ('[database]\nurl = "mysql://root:hunter2@db/x"\n',
     "database.url: must start with sqlite:// or postgresql://, got 'mysql://…'"),
    ('[wecom]\nsecret = 12345678\n', "wecom.secret: expected a string, got a value of type int (not shown)"),
    ('[wecom\n', "not valid TOML"),
    ('[app]\ntimezone = "Asia/Beijing"\n', "app.timezone: not a time zone name like Asia/Shanghai, got 'Asia/Beijing'"),
])
def test_bad_settings_name_the_key(tmp_path, text, message):
    with pytest.raises(settings.ConfigError) as err:
        settings.load(write(tmp_path, text), env={})
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_bad_environment_value_names_the_key(tmp_path):
    with pytest.raises(settings.ConfigError, match="wecom.agent_id: expected an integer"):
        settings.load(write(tmp_path, ""), env={"YUEBAO_WECOM_AGENT_ID": "abc"})


def test_missing_named_file(tmp_path):
    with pytest.raises(settings.ConfigError, match="YUEBAO_CONFIG: no such file"):
        settings.config_path(env={"YUEBAO_CONFIG": str(tmp_path / "nope.toml")})


def test_every_yuebao_variable_is_a_setting_or_one_the_project_names(tmp_path):
    path = write(tmp_path, "")
    with pytest.raises(settings.ConfigError) as err:
        settings.load(path, env={"YUEBAO_WECOM_SECRETT": "x"})
    assert str(err.value) == ("YUEBAO_WECOM_SECRETT: no such setting "
                              "(YUEBAO_<SECTION>_<KEY> overrides a key of config.example.toml)")
    with pytest.raises(settings.ConfigError, match="^YUEBAO_DEBUG: no such setting"):
        settings.load(path, env={"YUEBAO_DEBUG": "1"})
    others = dict.fromkeys(settings.OTHER_VARIABLES, str(path))
    assert settings.load(path, env={**others, "YUEBAO_ADMIN_GROUP_CHAT_ID": "c1"}).admin_group.chat_id == "c1"
    with pytest.raises(settings.ConfigError, match="^schedule.publish: a table; set it in the configuration file$"):
        settings.load(path, env={"YUEBAO_SCHEDULE_PUBLISH": "5"})


def test_a_type_the_checks_do_not_know_is_an_error_of_the_schema():
    @dataclasses.dataclass(frozen=True)
    class Section:
        name: str = ""
        ratio: float = 0.5

    with pytest.raises(TypeError, match="Section.ratio: settings.checks has no check for <class 'float'>"):
        checks.kinds_of(Section)
    assert set(checks.SCHEMA) == set(settings.schema.SECTIONS)     # every section's keys were checkable


@pytest.mark.parametrize("text, message", [
    ("[wecom]\nagent_id = true\n", "wecom.agent_id: expected an integer, got True"),
    ("[schedule]\nshift_to_workday = 1\n", "schedule.shift_to_workday: expected true or false, got 1"),
    ("[schedule]\nremind = 25\n", "schedule.remind: expected { day = 1-28 or \"last\", time = \"HH:MM\" }, got 25"),
    ("[schedule.by_type]\n\"学院\" = 3\n", "schedule.by_type.学院: only remind = { day, time } can differ by type"),
    ("[robot]\ntoken = [\"a\"]\n", "robot.token: expected a string, got a value of type list (not shown)"),
])
def test_each_declared_type_is_checked(tmp_path, text, message):
    with pytest.raises(settings.ConfigError) as err:
        settings.load(write(tmp_path, text), env={})
    assert str(err.value) == message


SMS = ('[sms]\nprovider = "tencentcloud"\nsecret_id = "AKIDx"\nsdk_app_id = "1400006666"\nsign_name = "某大学党委"\n'
       'templates = { publish = "1", remind = "2", urge = "3", supervise = "4", letter = "5" }\n')

ALIYUN = (SMS.replace('"tencentcloud"', '"aliyun"').replace('"AKIDx"', '"LTAIx"')
          .replace('sdk_app_id = "1400006666"\n', ""))


def test_sms_is_off_unless_a_provider_is_set_and_its_secret_comes_from_the_environment(tmp_path):
    assert settings.load(write(tmp_path, ""), env={}).sms.provider == ""
    config = settings.load(write(tmp_path, SMS), env={"YUEBAO_SMS_SECRET_KEY": "s3cret"})
    assert (config.sms.provider, config.sms.secret_key, config.sms.daily_cap) == ("tencentcloud", "s3cret", 2)
    assert (config.sms.quiet_from, config.sms.quiet_until) == ("22:00", "08:00")


def test_aliyun_needs_no_sdk_app_id(tmp_path):
    config = settings.load(write(tmp_path, ALIYUN), env={"YUEBAO_SMS_SECRET_KEY": "s3cret"})
    assert (config.sms.provider, config.sms.secret_id, config.sms.sdk_app_id) == ("aliyun", "LTAIx", "")


@pytest.mark.parametrize("text, env, message", [
    (SMS, {}, "sms.secret_key: missing; tencentcloud needs secret_id, secret_key, sdk_app_id, sign_name"),
    (SMS.replace(', letter = "5"', ""), {"YUEBAO_SMS_SECRET_KEY": "s"},
     "sms.templates.letter: missing; one approved template id for each of publish, remind, urge, supervise, letter"),
    (SMS.replace('urge = "3"', 'nudge = "3"'), {}, "sms.templates.nudge: no such purpose; they are publish, remind"),
    ('[sms]\nprovider = "twilio"\n', {}, "sms.provider: unknown provider 'twilio'; one of tencentcloud, aliyun, or"),
    (ALIYUN, {}, "sms.secret_key: missing; aliyun needs secret_id, secret_key, sign_name ("),
    (ALIYUN.replace('sign_name = "某大学党委"\n', ""), {"YUEBAO_SMS_SECRET_KEY": "s3cret"},
     "sms.sign_name: missing; aliyun needs secret_id, secret_key, sign_name ("),
    (ALIYUN.replace('"LTAIx"', '""'), {}, "sms.secret_id: missing; aliyun needs"),
    (ALIYUN.replace('urge = "3", ', ""), {"YUEBAO_SMS_SECRET_KEY": "s3cret"}, "sms.templates.urge: missing;"),
    ('[sms]\nquiet_from = "10pm"\n', {}, "sms.quiet_from: expected a time like \"22:00\", got '10pm'"),
    ('[sms]\ndaily_cap = 0\n', {}, "sms.daily_cap: must be at least 1"),
    ('[sms]\nendpoint = "ftp://x"\n', {}, "sms.endpoint: host[:port], or http://host:port for the stand-in"),
    ('[sms]\nsecret_key = 42\n', {}, "sms.secret_key: expected a string, got a value of type int (not shown)"),
    ('[sms]\ntemplates = { publish = 1 }\n', {}, "sms.templates: expected a table of strings"),
])
def test_bad_sms_settings_stop_with_one_line_naming_the_key(tmp_path, text, env, message):
    with pytest.raises(settings.ConfigError) as err:
        settings.load(write(tmp_path, text), env=env)
    assert str(err.value).startswith(message) and "\n" not in str(err.value)
    assert "s3cret" not in str(err.value)


def test_the_demos_sms_secret_is_refused_outside_the_demo(tmp_path):
    demo = settings.load(settings.DEMO_CONFIG, env={})
    assert demo.sms.endpoint == "http://127.0.0.1:8090"
    with pytest.raises(settings.ConfigError, match="sms.secret_key: the demo's public value"):
        settings.load(write(tmp_path, SMS), env={"YUEBAO_SMS_SECRET_KEY": demo.sms.secret_key})
