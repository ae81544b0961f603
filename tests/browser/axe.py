"""axe-core, the accessibility checker, run in the page under test.

axe-core comes from the npm registry with the other front-end packages (a development
dependency: the image does not carry it) and is injected into the page by the test; the site
never serves it.
"""

from __future__ import annotations

from pathlib import Path

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules/axe-core/axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"serious", "critical"}


def serious_violations(page, *, exclude: list[str] | None = None) -> list[str]:
    """Serious and critical WCAG 2.2 AA violations on the page as it is now, one line each:
    the rule, its help text and the first offending elements."""
    # Stylesheets applied first: a page still loading its CSS under a busy machine shows
    # unstyled links, which axe would measure as too small to tap.
    page.wait_for_load_state("load")
    # Evaluated by the browser itself: a script element added to the page would be an inline
    # script, which the site's Content-Security-Policy refuses.
    page.evaluate(AXE_SCRIPT.read_text())
    context = {"exclude": [[selector] for selector in exclude]} if exclude else None
    # No preloading of the stylesheets: axe would copy those with an @import (the admin's
    # forms.css) into style elements of its own, which the policy refuses; only an
    # experimental rule outside these tags reads them.
    result = page.evaluate(
        """([context, tags]) => axe.run(context || document,
                                        {runOnly: {type: "tag", values: tags},
                                         resultTypes: ["violations"], preload: false})""",
        [context, WCAG_22_AA])
    lines = []
    for violation in result["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        targets = [" ".join(node["target"]) for node in violation["nodes"][:3]]
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} — "
                     f"{', '.join(targets)} [{len(violation['nodes'])}]")
    return lines


def assert_accessible(page, *, exclude: list[str] | None = None) -> None:
    problems = serious_violations(page, exclude=exclude)
    assert not problems, "axe-core:\n" + "\n".join(problems)
