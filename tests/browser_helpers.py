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
