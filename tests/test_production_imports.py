"""Production loads production: the app a gunicorn worker or a `flask` command builds imports none of
the development tooling, the test code, nor the chart, spreadsheet and document libraries only some jobs use."""
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tests.waiting import HANG

pytestmark = pytest.mark.slow     # starts processes

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = ("standin", "stack", "bench", "tests", "matplotlib", "openpyxl", "xlsxwriter", "docx", "playwright",
             # Aliyun's SDK and what it brings: only in a process whose [sms] provider is aliyun
             "alibabacloud_dysmsapi20170525", "alibabacloud_tea_openapi", "alibabacloud_credentials", "darabonba",
             "Tea", "aiohttp", "apscheduler")
CREATE_AND_LIST = """
import sys
from app import create_app
create_app()
print("\\n".join(sorted(name for name in sys.modules if name.split(".")[0] in sys.argv[1:])))
"""


def production_config(folder: Path) -> Path:
    """A configuration as an operator writes it: its own secrets, a real WeCom, a public address."""
    path = folder / "config.toml"
    path.write_text(f"""
[wecom]
corp_id = "ww0123456789abcdef"
secret = "{secrets.token_hex(16)}"
token = "{secrets.token_hex(8)}"
encoding_aes_key = "{secrets.token_hex(22)[:43]}"

[robot]
token = "{secrets.token_hex(8)}"
encoding_aes_key = "{secrets.token_hex(22)[:43]}"

[database]
url = "sqlite:///{folder / 'yuebao.db'}"

[redis]
url = "redis://127.0.0.1:1/0"

[pages]
public_url = "https://yuebao.example.edu.cn"
secret_key = "{secrets.token_hex(24)}"
""", encoding="utf-8")
    return path


def test_the_production_app_imports_no_development_or_job_only_module(tmp_path):
    env = {name: value for name, value in os.environ.items() if not name.startswith("YUEBAO_")}
    env.update(YUEBAO_CONFIG=str(production_config(tmp_path)), PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, "-c", CREATE_AND_LIST, *FORBIDDEN], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=HANG)
    assert result.returncode == 0, result.stderr
    offenders = result.stdout.split()
    packages = sorted({name.split(".")[0] for name in offenders})
    assert not offenders, (f"create_app() imported {', '.join(packages)}: {len(offenders)} module(s) it must not: "
                           f"{', '.join(offenders)}")
