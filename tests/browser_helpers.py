"""Helpers shared by the browser tests (Playwright pages)."""


def record_job_polls(page) -> list[dict]:
    """Collect every job-status answer (``/pekerjaan/<id>/status/``) the page receives while it
    shows a background job's progress."""
    polled: list[dict] = []

    def on_response(response) -> None:
        if "/pekerjaan/" in response.url and response.url.endswith("/status/") and response.ok:
            try:
                polled.append(response.json())
            except Exception:  # noqa: S110 - the body is gone once the page has moved on
                pass

    page.on("response", on_response)
    return polled


def wait_until(page, expression: str, timeout: float = 30.0, interval: float = 0.2) -> None:
    """Wait until the JavaScript ``expression`` is true in the page. ``page.wait_for_function``
    evaluates its predicate with ``eval`` inside the page, which the app's Content-Security-Policy
    (no 'unsafe-eval') refuses; ``page.evaluate`` goes through the DevTools protocol instead."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        try:
            if page.evaluate(expression):
                return
        except Exception as exc:  # the page is navigating: its context is gone for a moment
            if "context was destroyed" not in str(exc) and "navigation" not in str(exc).lower():
                raise
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for: {expression}")
        time.sleep(interval)
