"""Logs as JSON lines without personal data (core/logs.py)."""

import json
import logging

import pytest

from ucjamsostek.core.logs import JsonLinesFormatter, PersonalDataFilter, scrub

NIK = "7413014501900001"


def _line(msg: str, *args: object, exc: BaseException | None = None, **extra: object) -> dict:
    record = logging.LogRecord("ucjamsostek.test", logging.WARNING, __file__, 1, msg, args or None, None)
    if exc is not None:
        record.exc_info = (type(exc), exc, exc.__traceback__)
    for key, value in extra.items():
        setattr(record, key, value)
    assert PersonalDataFilter().filter(record) is True  # the event is kept, only the data goes
    text = JsonLinesFormatter().format(record)
    assert "\n" not in text
    return json.loads(text)


@pytest.mark.parametrize("written", [NIK, "7413 0145 0190 0001", "7413.0145.0190.0001", "7413-014501-900001"])
def test_a_nik_however_written_leaves_the_message(written):
    entry = _line("lookup of %s failed", written)
    assert entry["message"] == "lookup of [NIK] failed"
    assert entry["level"] == "WARNING" and entry["logger"] == "ucjamsostek.test"


def test_other_numbers_stay():
    text = "desa 74.13.01.2008, Rp16.800, job 12, 2026-11-30 10:28:08, KPJ 12345678901"
    assert scrub(text) == text


def test_name_fields_are_redacted_and_niks_in_extras_masked():
    entry = _line("upload", nama="Wa Ode Siti", nik=NIK, rows=12, detail={"name": "La Ode", "ref": int(NIK)})
    assert entry["nama"] == entry["nik"] == "[disaring]"
    assert entry["rows"] == 12
    assert entry["detail"] == {"name": "[disaring]", "ref": "[NIK]"}


def test_an_exception_logs_its_type_and_stack_never_its_text():
    try:
        raise ValueError(f"baris 3: Wa Ode Siti {NIK}")
    except ValueError as exc:
        entry = _line("job failed", exc=exc)
    assert entry["exc_type"] == "ValueError"
    assert any("test_logs.py" in frame for frame in entry["stack"])
    assert "Wa Ode" not in json.dumps(entry) and NIK not in json.dumps(entry)


def test_the_console_handler_writes_to_the_stderr_of_the_moment(monkeypatch):
    """Logging configured again under a stderr that is closed later (``django.setup()`` in
    ``cli.main`` under a test's captured stderr) must not fail with 'I/O operation on closed file'."""
    import io

    from ucjamsostek.core.logs import StderrHandler

    first, second = io.StringIO(), io.StringIO()
    monkeypatch.setattr("sys.stderr", first)
    handler = StderrHandler()
    handler.setFormatter(JsonLinesFormatter())
    first.close()
    monkeypatch.setattr("sys.stderr", second)
    record = logging.LogRecord("ucjamsostek.test", logging.INFO, __file__, 1, "job 1 started", None, None)
    handler.handle(record)
    assert json.loads(second.getvalue())["message"] == "job 1 started"
