"""Screenshots for the README: `python -m benchmarks.screenshots [--out docs/screenshots] [--lang nl]`.

Full-page PNGs of the scorecard and the programme page, taken from a live server on demo data
(so they show what a fresh checkout shows), quantised to stay small in the repository.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from benchmarks.demo import prepare_demo_data
from monitor.settings import ROOT
from tests.browser.harness import chromium_problem, launch_chromium, serving, wait_rendered

SCREENSHOTS = {"scorecard": "/", "programme": "/programma"}
MAX_PNG_BYTES = 400_000
FULL_HEIGHT_JS = """() => Math.ceil(Math.max(document.documentElement.scrollHeight,
  ...[...document.querySelectorAll('[data-testid="stMain"], [data-testid="stAppViewContainer"]')]
    .map(e => e.scrollHeight)))"""


def screenshots(out_dir: Path = ROOT / "docs" / "screenshots", lang: str = "nl") -> list[Path]:
    """Full-page PNGs (1400x1000 viewport) of the scorecard and the programme page on demo data."""
    from playwright.sync_api import sync_playwright

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory(prefix="monitor-shots-") as tmp:
        data = prepare_demo_data(Path(tmp) / "data")
        with serving(ROOT / "dashboard.py", data, log_dir=Path(tmp)) as server, sync_playwright() as pw:
            browser = launch_chromium(pw)
            try:
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                page = context.new_page()
                for name, path in SCREENSHOTS.items():
                    query = f"?lang={lang}" if lang != "nl" else ""
                    page.set_viewport_size({"width": 1400, "height": 1000})
                    page.goto(server.url + path + query)
                    wait_rendered(page)
                    if page.locator('[data-testid="stException"]').count():
                        raise RuntimeError(f"{path} shows an exception; not taking a screenshot")
                    # Streamlit scrolls inside its main section, not the document, so a "full page"
                    # screenshot would stop at the viewport: grow the viewport to the content first.
                    height = page.evaluate(FULL_HEIGHT_JS)
                    page.set_viewport_size({"width": 1400, "height": max(1000, height)})
                    wait_rendered(page)
                    target = out_dir / f"{name}.png"
                    target.write_bytes(_small_png(page.screenshot(full_page=True, animations="disabled")))
                    written.append(target)
                context.close()
            finally:
                browser.close()
    return written


def _small_png(png: bytes) -> bytes:
    """Quantise to a 256-colour palette (Pillow ships with Streamlit) to keep the PNG small."""
    import io

    from PIL import Image

    with Image.open(io.BytesIO(png)) as img:
        small = img.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT,
                                            dither=Image.Dither.NONE)
        buf = io.BytesIO()
        small.save(buf, format="PNG", optimize=True)
    return buf.getvalue() if buf.tell() < len(png) else png


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.screenshots",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--lang", default="nl", choices=["nl", "en"])
    args = parser.parse_args(argv)
    if chromium_problem():
        print(chromium_problem(), file=sys.stderr)
        return 2
    for path in screenshots(args.out, args.lang):
        size = path.stat().st_size
        flag = "" if size < MAX_PNG_BYTES else f"  (over {MAX_PNG_BYTES // 1000} KB!)"
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {size // 1000} KB{flag}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
