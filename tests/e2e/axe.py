"""axe-core on every page the E2E suite visits (issue 25: 0 serious or critical violations).

``Session`` (conftest) calls :func:`check` after ``go``, after signing in and on ``shot``;
``pytest_runtest_teardown`` checks the page each tab is left on, and the ``axe_audit`` fixture
fails the test at teardown, listing every page with a serious or critical violation. Results of
the whole run (pages checked, violations by impact) go to ``axe-summary.json`` in the E2E
artifacts.

axe is injected with Playwright's ``evaluate`` (the DevTools protocol), which the page's Content
Security Policy does not govern: the site's strict CSP stays on while it is audited.

No rule is disabled: a violation is fixed in the templates or the stylesheet. The only
exceptions (:data:`KNOWN`) are in widgets Django's admin ships and the site does not render
itself, each narrowed to its rule, its pages and its elements.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from axe_playwright_python.base import AXE_SCRIPT

FAILING = ("serious", "critical")
IMPACTS = ("critical", "serious", "moderate", "minor")
#: what axe reports: violations only (passes and incomplete results would only grow the payload).
#: ``preload: false``: axe's CSSOM preload copies the page's stylesheets into ``<style>``
#: elements, which the site's CSP refuses (a ``securitypolicyviolation`` the CSP test would
#: count); the one rule needing it, css-orientation-lock, then reports "incomplete", not a pass.
OPTIONS = {"resultTypes": ["violations"], "preload": False}

#: (rule, path prefix, CSS selector of the elements) left out, each a fault of Django's admin:
#: - select2 (``autocomplete_fields``) names its combobox by the span showing the chosen value,
#:   empty while nothing is chosen; the ``<select>`` it replaces keeps its ``<label>``;
#: - SelectFilter2 (``filter_horizontal``) puts ``aria-label`` on the decorative magnifier icon
#:   beside the filter box (its ``title`` says the same; the box itself is labelled).
KNOWN = [
    ("aria-input-field-name", "/admin/", ".select2-selection, .select2-selection__rendered"),
    ("aria-prohibited-attr", "/admin/", ".selector .help-tooltip.search-label-icon"),
]
RUN = """([options, known]) => axe.run(document, options).then((results) => {
  const excused = (rule, node) => known.some(([id, prefix, selector]) => id === rule
    && location.pathname.startsWith(prefix)
    && node.target.length === 1 && document.querySelector(node.target[0])?.matches(selector));
  for (const violation of results.violations) {
    violation.nodes = violation.nodes.filter((node) => !excused(violation.id, node));
  }
  return results.violations.filter((violation) => violation.nodes.length);
})"""


@dataclass
class Finding:
    """One page checked, with what axe found on it."""

    test: str
    page: str
    moment: str
    violations: list[dict[str, Any]]

    def failing(self) -> list[dict[str, Any]]:
        return [v for v in self.violations if v.get("impact") in FAILING]


@dataclass
class Audit:
    """The findings of one test and the pages it opened."""

    test: str
    pages: list[Any] = field(default_factory=list)
    seen: set[tuple[str, str]] = field(default_factory=set)
    findings: list[Finding] = field(default_factory=list)

    def failures(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.failing()]


#: every finding of this pytest process, for the summary
ALL: list[Finding] = []
_current: Audit | None = None


def begin(test: str) -> Audit:
    global _current
    _current = Audit(test)
    return _current


def end() -> Audit | None:
    global _current
    audit, _current = _current, None
    return audit


def watch(page: Any) -> None:
    """Remember a tab so the page it is left on is checked at the end of the test."""
    if _current is not None:
        _current.pages.append(page)


def check(page: Any, moment: str) -> Finding | None:
    """Run axe on the page as it is now; skip a non-HTML document and a DOM already checked."""
    if _current is None or page.is_closed():
        return None
    if page.evaluate("document.contentType") != "text/html":
        return None
    parts = urlsplit(page.url)
    where = parts.path + (f"?{parts.query}" if parts.query else "")
    key = (where, hashlib.sha256(page.content().encode()).hexdigest())
    if key in _current.seen:
        return None
    _current.seen.add(key)
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)
    violations = page.evaluate(RUN, [OPTIONS, KNOWN])
    finding = Finding(_current.test, where, moment, violations)
    _current.findings.append(finding)
    ALL.append(finding)
    return finding


def check_open_pages() -> None:
    """The page each tab of the test is left on (called before the fixtures close them)."""
    if _current is None:
        return
    for page in _current.pages:
        try:
            check(page, "teardown")
        except Exception as error:  # a tab mid-navigation or crashed: the test reports that
            _current.findings.append(Finding(_current.test, page.url, f"teardown: {error}", []))


def describe(findings: list[Finding]) -> str:
    """Readable: page, rule id and impact, axe's help, and the nodes' CSS targets."""
    lines = []
    for finding in findings:
        lines.append(f"{finding.page} (after {finding.moment}):")
        for violation in finding.failing():
            lines.append(f"  {violation['id']} [{violation['impact']}]: {violation['help']}")
            for node in violation["nodes"][:8]:
                target = " ".join(" ".join(t) if isinstance(t, list) else t for t in node["target"])
                lines.append(f"      {target}   {node['html'][:120]}")
            if len(violation["nodes"]) > 8:
                lines.append(f"      … and {len(violation['nodes']) - 8} more")
    return "\n".join(lines)


def write_summary(directory: Path) -> Path:
    """``axe-summary.json``: pages checked and violations by impact, over the whole run."""
    by_impact: Counter[str] = Counter()
    rules: Counter[str] = Counter()
    for finding in ALL:
        for violation in finding.violations:
            by_impact[violation.get("impact") or "unknown"] += 1
            rules[f"{violation['id']} ({violation.get('impact')})"] += 1
    summary = {
        "checks": len(ALL),
        "pages": len({finding.page for finding in ALL}),
        "violations_by_impact": {impact: by_impact.get(impact, 0) for impact in IMPACTS},
        "serious_or_critical": sum(by_impact.get(impact, 0) for impact in FAILING),
        "rules": dict(rules.most_common()),
        "findings": [
            {
                "test": f.test,
                "page": f.page,
                "moment": f.moment,
                "violations": [
                    {
                        "id": v["id"],
                        "impact": v.get("impact"),
                        "help": v["help"],
                        "targets": [node["target"] for node in v["nodes"]],
                    }
                    for v in f.violations
                ],
            }
            for f in ALL
            if f.violations
        ],
    }
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "axe-summary.json"
    path.write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    return path
