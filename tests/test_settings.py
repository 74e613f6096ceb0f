import pytest

import settings


def write(tmp_path, text):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_config_is_complete_and_valid(root):
    config = settings.load(root / "config.example.toml", env={})
    assert config.wecom.agent_id == 1000002
    assert config.database.url == "sqlite:///data/yuebao.db"


def test_demo_config_is_used_when_nothing_is_named(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert settings.config_path(env={}) == settings.DEMO_CONFIG


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
