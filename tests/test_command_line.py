"""The command line as a service and an administrator use it: `python -m facilitation`, --version,
--env-file, create-account without a terminal, and translations that never write into the package."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from facilitation import __version__
from facilitation.people.accounts import MIN_PASSWORD_LENGTH
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[1]


def _cli(*args: str, cwd: Path = ROOT, stdin: str | None = None, env: dict | None = None):
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_python_m_facilitation_is_the_same_command_with_a_version(tmp_path):
    result = _cli("-m", "facilitation", "--version", cwd=ROOT)
    assert result.returncode == 0 and result.stdout.strip() == f"Leertafels {__version__}"
    helped = _cli("-m", "facilitation", "create-account", "--help")
    assert helped.returncode == 0 and f"at least {MIN_PASSWORD_LENGTH} characters" in helped.stdout


def test_create_account_reads_the_password_from_standard_input_and_the_env_file(tmp_path):
    env_file = tmp_path / "env"
    env_file.write_text(
        f"# as /etc/leertafels/env\nFACILITATION_INSTANCE={tmp_path / 'service'}\nSECRET_KEY='k'\n\n", encoding="utf-8"
    )
    args = ("app.py", "--env-file", str(env_file), "create-account", "--email", "pipe@example.org", "--role", "admin")
    created = _cli(*args, stdin=PASSWORD + "\n")
    assert created.returncode == 0, created.stderr
    assert "Created admin account pipe@example.org" in created.stdout
    # it says where, and that is the service's database, not a stray instance/ of the current folder
    assert str(tmp_path / "service" / "facilitation.sqlite") in created.stderr


def test_create_account_refuses_a_short_password_and_says_the_minimum(tmp_path):
    args = ("app.py", "--instance", str(tmp_path), "create-account", "--email", "short@example.org")
    refused = _cli(*args, stdin="kort\n")
    assert refused.returncode == 2 and f"at least {MIN_PASSWORD_LENGTH} characters" in refused.stderr
    assert "Created" not in refused.stdout


def test_an_unreadable_or_broken_env_file_is_refused(tmp_path):
    missing = _cli("app.py", "--env-file", str(tmp_path / "none"), "migrate")
    assert missing.returncode == 2 and "Cannot read the environment file" in missing.stderr
    broken = tmp_path / "env"
    broken.write_text("SECRET_KEY=x\nthis is not a setting\n", encoding="utf-8")
    result = _cli("app.py", "--env-file", str(broken), "migrate")
    assert result.returncode == 2 and "line 2: expected KEY=value" in result.stderr


def test_a_checkout_compiles_its_translations_into_the_instance_not_the_package(make_app, tmp_path):
    from facilitation.text import i18n

    package = ROOT / "facilitation" / "translations"
    before = {path: path.stat().st_mtime_ns for path in package.rglob("*")}
    app = make_app()
    folder = i18n.compiled_catalogs(Path(app.instance_path))
    assert (folder / "nl" / "LC_MESSAGES" / "messages.mo").is_file()
    assert ROOT / "facilitation" not in folder.parents
    # (an older checkout may still hold a .mo of its own there: it is left alone, and not used)
    assert {path: path.stat().st_mtime_ns for path in package.rglob("*")} == before
    page = app.test_client().get("/setup", headers={"Accept-Language": "nl"})
    assert "Wachtwoord" in page.get_data(as_text=True)
