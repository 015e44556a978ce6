"""Markdown for the model-analysis pages, from the graded records.

Nothing on these pages is typed by hand: every grade, value and count is computed by
:mod:`hw5ref.grading.analysis` when the site is built. Each page function below returns the
Markdown of one page (or of one block of a hand-written page) and is called by a macro of
:mod:`sitebuild.macros`; :func:`model_page_stub` is the source of each per-model page, which
the build adds for every record (:mod:`sitebuild.hooks`), so a new model needs no page of its
own.

One module because the pages share their small formatters (grade labels, links between pages,
claim blocks): split apart, each page would import most of the others.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from hw5ref import answers
from hw5ref.grading.analysis import (
    AGREES_WITH,
    OUTCOMES,
    Analysis,
    GradedClaim,
    ModelResult,
    PartResult,
)
from hw5ref.grading.kinds import BASES, CHECK_KINDS, Check
from hw5ref.grading.records import Quoted
from hw5ref.parts import SUBPARTS, premise, subpart
from hw5ref.values import plain as show
from sitebuild.render import prose as _prose

__all__ = [
    "BASE",
    "audit",
    "check_kinds",
    "claim_rows",
    "comparison",
    "download_list",
    "downloads",
    "headline",
    "model_list",
    "model_page",
    "model_page_path",
    "model_page_stub",
    "premise_list",
    "record_fields",
    "scorecard",
    "taxonomy",
    "taxonomy_ids",
]

#: Folder of the model-analysis pages, relative to ``docs/``.
BASE = "model-analysis"
PARTS = tuple(p.id for p in SUBPARTS)


def _title(part: str) -> str:
    p = subpart(part)
    return f"Q{p.label} {p.title}"

_GENERATED_NOTE = (
    "!!! info \"Generated page\"\n"
    "    Built from the evaluation records in `evaluations/` each time the site is built; every "
    "grade and count below is computed by `hw5ref.grading`, none is typed by hand.\n"
)
_REVIEWER_WORDS = {"correct": "correct", "partly-correct": "partly correct", "wrong": "wrong",
                   "not-assessed": "not assessed"}


def model_page_path(model: str) -> str:
    """Path (relative to ``docs/``) of a model's page.

    >>> model_page_path("claude")
    'model-analysis/models/claude.md'
    """
    return f"{BASE}/models/{model}.md"


# ----------------------------------------------------------------------------- formatting
def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _code(value: Any) -> str:
    shown = show(value) if not isinstance(value, str) else value
    if isinstance(shown, Mapping):
        text = "; ".join(f"{k}: {v}" for k, v in shown.items())
    else:
        text = str(shown)
    return f"`{text.replace('`', '')}`"


def _grade_label(c: GradedClaim, a: Analysis, from_page: str) -> str:
    """"✗ **wrong** (computed) · substantive", with minor points and possible artifacts
    marked as such."""
    word = c.grade.verdict
    how = "computed" if c.grade.computed else \
        f"judged by hand: {getattr(c.claim.check, 'basis', '')}"
    mark = "✓" if not c.wrong else ("✗" if a.decides(c) else "△")
    label = f"{mark} **{word}** ({how})"
    if c.severity is not None:
        target = _rel(from_page, f"{BASE}/taxonomy.md")
        label += f" · [{c.severity}]({target}#severity-{c.severity})"
        if not a.decides(c):
            label += " (does not count toward the outcome)"
    if c.claim.artifact is not None:
        certainty = a.evaluations.certainties[c.claim.artifact.certainty]
        label += f" · *{certainty.name}* (possibly a conversion artifact)"
    return label


def _quoted(lines: Iterable[Quoted]) -> str:
    return "; ".join(f"line {q.line}: `{q.text.replace('`', '')}`" for q in lines)


def _premise_links(ids: Iterable[str], from_page: str) -> str:
    """Links to the solutions pages' restatements of what the homework says."""
    return "; ".join(f"{premise(i).text} ([solutions page]({_rel(from_page, premise(i).link)}))"
                     for i in ids)


def _claim_link(c: GradedClaim, from_page: str) -> str:
    target = model_page_path(c.model)
    return f"[{c.id}]({_rel(from_page, target)}#{c.id})"


def _rel(from_page: str, to_page: str) -> str:
    """Relative link from one docs path to another (both relative to docs/).

    >>> _rel("model-analysis/models/claude.md", "model-analysis/taxonomy.md")
    '../taxonomy.md'
    >>> _rel("model-analysis/scorecard.md", "solutions/q1-convolutions.md#q1a")
    '../solutions/q1-convolutions.md#q1a'
    """
    src = from_page.split("/")[:-1]
    dst = to_page.split("/")
    common = 0
    while common < min(len(src), len(dst) - 1) and src[common] == dst[common]:
        common += 1
    return "/".join([".."] * (len(src) - common) + dst[common:])


def _tag_links(tags: Iterable[str], from_page: str) -> str:
    target = _rel(from_page, f"{BASE}/taxonomy.md")
    return ", ".join(f"[{t}]({target}#{t})" for t in tags)


def _diffs(c: GradedClaim) -> str:
    parts = [f"{d.where}: claimed {_code(d.claimed)}, correct {_code(d.expected)}"
             for d in c.grade.diffs]
    return "; ".join(parts)


def _evidence(c: GradedClaim) -> str:
    """One sentence putting the claimed value beside the computed one, worded per check kind."""
    g = c.grade
    if g.kind == "identity" and getattr(c.claim.check, "modulo", "") == "constant_in_w":
        return (f"lhs - rhs is {_code(g.expected)} at one w and {_code(g.claimed)} at another, "
                "so the sides do not differ by a constant")
    if g.kind == "identity":
        return f"the right side gives {_code(g.claimed)}, the left side {_code(g.expected)}"
    if g.kind == "equation":
        return (f"at the true values the right side is {_code(g.claimed)} and the left side "
                f"{_code(g.expected)}")
    if g.kind == "transpose_entry":
        (terms, value), (t_terms, t_value) = g.claimed, g.expected
        return (f"nonzero summands {_code(terms)} giving {_code(value)}; correct: "
                f"{_code(t_terms)} giving {_code(t_value)}")
    if g.kind == "large_batch_limit":
        return (f"limit per loss scaling, claimed {_code(g.claimed)}; computed with hw5ref at a "
                f"large batch: {_code(g.expected)}")
    return f"claimed {_code(g.claimed)}, correct {_code(g.expected)}"


def _show_evidence(c: GradedClaim) -> bool:
    """Whether the claimed/correct sentence adds anything (always for wrong claims)."""
    return c.grade.computed and (
        c.wrong or c.grade.kind not in ("identity", "transpose_recipe", "output_length"))


def _check_summary(model: Check) -> str:
    check = model.model_dump()
    kind = check["kind"]
    if kind == "identity":
        mod = " (up to a constant in w)" if check.get("modulo") == "constant_in_w" else ""
        where = f" ({check['where']} entries)" if check.get("where", "all") != "all" else ""
        return f"`{check['lhs']}` = `{check['rhs']}`{mod}{where}"
    if kind in ("expression", "batchnorm_backward", "batchnorm_jacobian", "large_batch_limit"):
        return _code(check["claimed"])
    if kind == "limit":
        return f"limit of `{check['expr']}` is `{check['claimed']}`"
    if kind == "equation":
        return f"`{check['lhs']} = {check['rhs']}`"
    if kind == "conv_equations":
        return "rows " + _code(check["rows"]) + ", right sides " + _code(check["rhs"])
    if kind == "manual":
        return "not checkable by computation"
    if kind == "transpose_recipe":
        steps = [s for s, on in (("insert zeros", check.get("insert_zeros")),
                                 ("pad borders by k-1", check.get("border_pad") == "k-1"),
                                 ("flip filter", check.get("flip"))) if on]
        return "correlate after: " + (", ".join(steps) or "nothing")
    if kind == "transpose_entry":
        return f"{_code(check['terms'])} summed to {_code(check['claimed'])}"
    if kind == "output_length" and check.get("formula") is not None:
        return _code(check["formula"])
    if check.get("claimed") is not None:
        return _code(check["claimed"])
    return ""


def _claim_block(c: GradedClaim, page: str, a: Analysis) -> list[str]:
    g = c.grade
    final = " · part of the final answer" if c.final else ""
    lines = [f'<a id="{c.id}"></a>{_grade_label(c, a, page)}{final} — {_prose(c.claim.says)}']
    detail = [f"*Where in the report:* {c.claim.where}"]
    if c.claim.quote is not None:
        detail.append(f"*The line in question:* “{c.claim.quote}”")
    summary = _check_summary(c.claim.check)
    claimed = getattr(c.claim.check, "claimed", None)
    if claimed is not None and summary == _code(claimed) \
            and _show_evidence(c) and g.kind not in ("expression", "batchnorm_backward",
                                                     "batchnorm_jacobian", "large_batch_limit"):
        summary = ""
    detail.append(f"*Check:* `{g.kind}`" + (f" — {summary}" if summary else ""))
    if g.computed:
        detail.append(f"*How the truth was computed:* {g.method}")
        if _show_evidence(c):
            detail.append(f"*Result:* {_evidence(c)}")
        if g.diffs and not (len(g.diffs) == 1 and g.diffs[0].where == "value"):
            detail.append(f"*Differs at:* {_diffs(c)}")
        if g.note:
            detail.append(f"*Also:* {g.note}")
    else:
        basis = getattr(c.claim.check, "basis", "")
        detail.append(f"*Reasoning (by hand; {basis}: {BASES.get(basis, '')}):* {g.note}")
    if c.tags:
        detail.append(f"*Kinds:* {_tag_links(c.tags, page)}")
    if c.claim.explanation is not None:
        detail.append(f"*Our note:* {_prose(c.claim.explanation)}")
    if c.claim.premises:
        detail.append(f"*Rests on what the homework says:* "
                      f"{_premise_links(c.claim.premises, page)}")
    artifact = c.claim.artifact
    if artifact is not None:
        detail.append(f"*Possibly a conversion artifact ({artifact.certainty}):* "
                      f"{artifact.reasoning} The grade is computed on the line as written. "
                      f"Evidence from the report: {_quoted(artifact.evidence)}")
    lines.append(":   " + "  \n    ".join(detail))
    return [*lines, ""]


def _points(p: PartResult, a: Analysis) -> str:
    """"2 substantive errors, 1 minor point" for a sub-part's last attempt, or "no errors"."""
    counts = Counter(c.severity for c in p.last_attempt if c.wrong)
    words = [f"{counts[s]} {s}" for s in a.evaluations.severities if counts[s]]
    hedged = sum(c.wrong and c.possible_artifact for c in p.last_attempt)
    text = ", ".join(words) if words else "no errors"
    slips = "an export slip" if hedged == 1 else "export slips"
    return text + (f" ({hedged} may be {slips})" if hedged else "")


# ----------------------------------------------------------------------------- model page
def _part_anchor(model: str, part: str) -> str:
    return f"{model}-{part}"


def _outcome_link(p: PartResult, from_page: str) -> str:
    target = _rel(from_page, model_page_path(p.model))
    return f"[{p.outcome}]({target}#{_part_anchor(p.model, p.part)})"


def model_page(a: Analysis, model: str) -> str:
    """The page of one model: every sub-part, every claim with its grade and evidence."""
    m = next(r for r in a.models if r.model == model)
    page = model_page_path(m.model)
    rec = m.record
    n = a.counts((m,))
    out = [
        _GENERATED_NOTE,
        f"**Source report:** `{rec.source.file}` — {rec.source.description}  ",
        f"**Reviewer:** {rec.source.reviewer}.  ",
        f"**Model:** {rec.vendor}, {rec.version}.",
        "",
        f"{n['claims']} claims recorded; {n['computed']} checked by computation, "
        f"{n['manual']} judged by hand; {n['wrong']} wrong, of which "
        + ", ".join(f"{n[f'wrong_{s}']} {s}" for s in a.evaluations.severities)
        + f". Only substantive errors decide an outcome: see the "
        f"[scorecard]({_rel(page, BASE + '/scorecard.md')}#how-to-read-it).",
        "",
        "| Sub-part | Outcome | Errors in the last attempt | Reviewer said | Agrees |",
        "| --- | --- | --- | --- | --- |",
    ]
    for part in PARTS:
        p = m.parts[part]
        out.append(f"| [{_title(part)}](#{_part_anchor(m.model, part)}) | {p.outcome} | "
                   f"{_points(p, a)} | "
                   f"{_REVIEWER_WORDS[p.reviewer_verdict]} | {'yes' if p.agrees else '**no**'} |")
    out.append("")
    for part in PARTS:
        p = m.parts[part]
        body = p.body
        out += [
            f"## {_title(part)} {{#{_part_anchor(m.model, part)}}}",
            "",
            f"**Outcome:** {p.outcome} — {OUTCOMES[p.outcome]}.  ",
            f"**Reference solution:** [{_title(part)}]({_rel(page, subpart(part).link)})"
            "  ",
            f"**Final answer (our summary):** {_prose(body.answer)}  ",
            f"**Reviewer's verdict:** {_REVIEWER_WORDS[p.reviewer_verdict]} — "
            f"{_prose(body.reviewer.note)}"
            + ("" if p.agrees else f" ([audit]({_rel(page, BASE + '/audit.md')}"
                                   f"#{_part_anchor(m.model, part)}))"),
            "",
        ]
        for attempt in body.attempts:
            number = attempt.attempt
            if p.attempts > 1:
                out += [f"### Attempt {number}: {attempt.prompt}", ""]
            for c in p.claims:
                if c.attempt == number:
                    out += _claim_block(c, page, a)
        for f in p.findings:
            evidence = ", ".join(_claim_link(a.claim(e), page) for e in f.evidence)
            premises = (f" Rests on what the homework says: {_premise_links(f.premises, page)}."
                        if f.premises else "")
            out += [f"**Finding** ({_tag_links(f.tags, page)}; basis: {f.basis}): "
                    f"{_prose(f.note)}" + (f" Evidence: {evidence}." if evidence else "")
                    + premises, ""]
        if p.reviewer_claims:
            out += ["**Checkable statements by the reviewer:**", ""]
            for c in p.reviewer_claims:
                out += _claim_block(c, page, a)
    return "\n".join(out) + "\n"


# ----------------------------------------------------------------------------- scorecard
#: Each outcome's icon; the word is always shown beside it, so colour is never the only cue.
OUTCOME_ICONS: dict[str, str] = {"correct": "✓", "incomplete": "◐", "flawed": "⚠", "wrong": "✗"}


def _badge(outcome: str) -> str:
    return (f'<span class="hw5-outcome hw5-outcome--{outcome}">'
            f'<span aria-hidden="true">{OUTCOME_ICONS[outcome]}</span> {outcome}</span>')


def _summary(m: ModelResult) -> str:
    outcomes: Counter[str] = Counter(p.outcome for p in m.parts.values())
    disagree = sum(not p.agrees for p in m.parts.values())
    return (f"**{m.name}**: " + " · ".join(f"{outcomes[o]} {_badge(o)}" for o in OUTCOMES)
            + f" · ⚑ reviewer disagrees on {disagree}")


def scorecard(a: Analysis) -> str:
    """The scorecard: a grid with one cell per sub-part and model (outcome by icon, word and
    colour; ⚑ where the reviewer's verdict differs), each cell linking to its evidence."""
    page = f"{BASE}/scorecard.md"
    head = "| Sub-part | " + " | ".join(m.name for m in a.models) + " |"
    rule = "| --- |" + " --- |" * len(a.models)
    rows = []
    for part in PARTS:
        cells = []
        for m in a.models:
            p = m.parts[part]
            flag = "" if p.agrees else (' <span class="hw5-flag">⚑ reviewer: '
                                        f'{_REVIEWER_WORDS[p.reviewer_verdict]}</span>')
            target = _rel(page, model_page_path(p.model)) + f"#{_part_anchor(p.model, part)}"
            cells.append(f"[{_badge(p.outcome)}]({target}){flag}<br>"
                         f'<small>{_points(p, a)}</small>')
        link = _rel(page, subpart(part).link)
        sub = subpart(part)
        title = f'Q{sub.label}<span class="hw5-title"> {sub.title}</span>'
        rows.append(f"| [{title}]({link}) | " + " | ".join(cells) + " |")
    out = [
        _GENERATED_NOTE,
        *[f"- {_summary(m)}" for m in a.models],
        "",
        "Each cell: our computed outcome for the sub-part (a link to its evidence) and the "
        "errors in the model's last attempt by severity. ⚑ marks a sub-part where the report's "
        "reviewer gave a different verdict; each is explained in the "
        f"[reviewer audit]({_rel(page, BASE + '/audit.md')}).",
        "",
        '<div class="hw5-scorecard" markdown>',
        "",
        head,
        rule,
        *rows,
        "",
        "</div>",
        "",
        "## How to read it {#how-to-read-it}",
        "",
        "Every claim in a record is graded by computation (or, when it cannot be computed, by "
        "hand with written reasoning and what it rests on). Every wrong claim carries a "
        f"[severity]({_rel(page, BASE + '/taxonomy.md')}#severities); only "
        + ", ".join(f"*{s.id}*" for s in a.evaluations.severities.values() if s.decides_outcome)
        + " errors decide an outcome, so minor and terminology points are shown but never make "
        "an answer flawed. A sub-part's outcome is assigned from the claims of the model's last "
        "attempt:",
        "",
        *[f"- {_badge(o)}: {rule_text}." for o, rule_text in OUTCOMES.items()],
        "",
        "The reviewer's verdict counts as agreeing when it maps to the outcome: "
        + "; ".join(f"*{_REVIEWER_WORDS[v]}* ↔ {', '.join(sorted(o))}"
                    for v, o in AGREES_WITH.items() if v != "not-assessed") + ".",
        "",
    ]
    return "\n".join(out)


# ----------------------------------------------------------------------------- comparison
def comparison(a: Analysis) -> str:
    """Outcomes, claims and error kinds counted per model."""
    page = f"{BASE}/comparison.md"
    names = [m.name for m in a.models]
    head = "| | " + " | ".join(names) + " |"
    rule = "| --- |" + " --- |" * len(names)
    per_model = [a.counts((m,)) for m in a.models]

    def row(label: str, key: str) -> str:
        return f"| {label} | " + " | ".join(str(n[key]) for n in per_model) + " |"

    out = [_GENERATED_NOTE]
    out += ["## Outcomes", "", head, rule]
    out += [row(o, f"outcome_{o}") for o in OUTCOMES]
    out.append(row("reviewer disagrees", "disagreements"))
    out += ["", "## Claims", "", head, rule]
    out += [row(label, key) for label, key in (
        ("claims recorded", "claims"), ("checked by computation", "computed"),
        ("judged by hand", "manual"), ("judged by hand, as our judgement", "manual_judgement"),
        ("wrong", "wrong"),
        *[(f"wrong, {s}", f"wrong_{s}") for s in a.evaluations.severities],
        ("wrong, possibly a conversion artifact", "wrong_possible_artifact"),
        ("wrong, root errors (not inherited)", "root_errors"))]
    taxonomy_page = _rel(page, f"{BASE}/taxonomy.md")
    tag_counts = {m.model: a.tag_counts(m) for m in a.models}
    for cls, title in (("error", "Error kinds (tags on wrong claims)"),
                       ("weakness", "Weaknesses (tags on correct claims and findings)")):
        out += ["", f"## {title}", "", head, rule]
        for tag, kind in a.taxonomy.items():
            if kind.cls == cls:
                out.append(f"| [{kind.name}]({taxonomy_page}#{tag}) | "
                           + " | ".join(str(tag_counts[m.model][tag]) for m in a.models) + " |")
    out += ["", "## Errors in the last attempt, by sub-part", "", head, rule]
    for part in PARTS:
        out.append(f"| {_title(part)} | " + " | ".join(
            _points(m.parts[part], a) for m in a.models) + " |")
    shared = [t for t in a.taxonomy if all(tag_counts[m.model][t] for m in a.models)]
    only = {m.name: [t for t in a.taxonomy if tag_counts[m.model][t]
                     and not any(tag_counts[o.model][t] for o in a.models if o is not m)]
            for m in a.models}
    out += ["", "## Shared and distinct patterns", "",
            "Kinds found in every model: "
            + (_tag_links(shared, page) if shared else "none") + ".", ""]
    for name, tags in only.items():
        out.append(f"- Only in {name}: " + (_tag_links(tags, page) if tags else "none") + ".")
    out.append("")
    return "\n".join(out)


# ----------------------------------------------------------------------------- audit
def _evidence_block(c: GradedClaim, page: str, a: Analysis) -> str:
    g = c.grade
    who = "reviewer" if c.attempt is None else f"attempt {c.attempt}"
    text = (f"- {_claim_link(c, page)} ({who}): {_grade_label(c, a, page)} — "
            f"{_prose(c.claim.says)}")
    if _show_evidence(c):
        text += f" Result: {_evidence(c)}."
    if g.diffs and not (len(g.diffs) == 1 and g.diffs[0].where == "value"):
        text += f" Differs at: {_diffs(c)}."
    if not g.computed:
        text += f" Reasoning: {g.note}"
    return text


def audit(a: Analysis) -> str:
    """Every place where the computed grading disagrees with a reviewer, or adds to one."""
    page = f"{BASE}/audit.md"
    out = [
        _GENERATED_NOTE,
        "Each report has a reviewer who judged the model's answers. Their judgements are "
        "material, not ground truth: here is every place where the computed grading disagrees "
        "with a reviewer or adds something the reviewer did not say, each with its evidence.",
        "",
        "Kinds of note: **disagrees** (the reviewer's verdict does not match the computed "
        "outcome), **adds** (same verdict, but the computation finds more), "
        "**reviewer-inconsistent** (the reviewer's standards conflict with themselves or with "
        "the other report's reviewer). Each note states the reviewer's view, then what "
        "computation or a quoted line establishes, then, apart, what is our judgement.",
        "",
    ]
    for m in a.models:
        out += [f"## {m.name}", ""]
        for part in PARTS:
            p = m.parts[part]
            if p.agrees and not p.audit:
                continue
            out += [f"### {_title(part)} {{#{_part_anchor(m.model, part)}}}", "",
                    f"Reviewer: **{_REVIEWER_WORDS[p.reviewer_verdict]}** · computed outcome: "
                    f"**{_outcome_link(p, page)}**"
                    + ("" if p.agrees else " · the two do not match"), ""]
            for note in p.audit:
                out += [f"**{note.kind}.** *The reviewer:* {_prose(note.reviewer)}  ",
                        f"*What computation or quotation shows:* {_prose(note.facts)}"
                        + ("  " if note.judgement or note.premises else "")]
                if note.judgement:
                    out.append(f"*Judgement, not computed:* {_prose(note.judgement)}"
                               + ("  " if note.premises else ""))
                if note.premises:
                    out.append("*Rests on what the homework says:* "
                               + _premise_links(note.premises, page))
                out.append("")
                out += [_evidence_block(a.claim(e), page, a) for e in note.evidence]
                for key in note.evidence_keys:
                    out.append(f"- `answers.value({key!r})` = {_code(answers.value(key))}")
                out.append("")
    return "\n".join(out)


# ----------------------------------------------------------------------------- taxonomy
def taxonomy(a: Analysis) -> str:
    """What each error kind means and where it occurs."""
    page = f"{BASE}/taxonomy.md"
    out = [
        _GENERATED_NOTE,
        "From `evaluations/taxonomy.yaml`: how much an error weighs (severity), how likely a "
        "wrong line is a conversion artifact (certainty), what a verdict judged by hand rests "
        "on (basis), and the kinds used to tag claims.",
        "",
        "## Severities {#severities}",
        "",
        "Every claim graded wrong carries one severity (the build checks this). Choosing it is "
        "a judgement made by the written rule; the grade itself is computed, or judged by hand "
        "with its reasoning, on the line as written.",
        "",
    ]
    for sev in a.evaluations.severities.values():
        decides = ("decides outcomes" if sev.decides_outcome
                   else "shown and counted, never changes an outcome")
        out += [f"### {sev.name} {{#severity-{sev.id}}}", "", f"*{decides}.* {sev.rule}", ""]
    out += ["## Possible conversion artifacts {#certainties}", "",
            "The reports are machine-converted chat exports. A wrong claim whose line may be "
            "conversion damage carries a flag, with the evidence quoted from the report; the "
            "pages show it hedged and count it apart.", ""]
    out += [f"- **{c.id}** ({c.name}): {c.rule}" for c in a.evaluations.certainties.values()]
    out += ["", "## Verdicts judged by hand {#bases}", "",
            "A claim that no computation decides is judged by hand, with written reasoning and "
            "what it rests on:", ""]
    out += [f"- **{k}**: {v}." for k, v in BASES.items()]
    out += ["", "## Kinds", "",
            "**Error** kinds are causes of a false statement: every claim graded wrong carries "
            "at least one, and no claim graded correct carries any (the build checks both). "
            "**Weakness** kinds describe shortcomings of answers whose statements are true, or "
            "whose errors cancel. A claim can have several kinds.", ""]
    for tag, kind in a.taxonomy.items():
        out += [f"### {kind.name} {{#{tag}}}", "",
                f"*Class:* {kind.cls} · *tag:* `{tag}`", "", kind.definition, ""]
        if kind.distinguish is not None:
            out += [f"*Not to be confused with:* {kind.distinguish}", ""]
        uses: list[str] = []
        for m in a.models:
            claims = [c for c in m.claims if tag in c.tags]
            parts = [p for p in m.parts.values()
                     if any(tag in f.tags for f in p.findings)]
            links = [_claim_link(c, page) for c in claims] + [
                f"[{_title(p.part)} finding]({_rel(page, model_page_path(m.model))}"
                f"#{_part_anchor(m.model, p.part)})" for p in parts]
            if links:
                uses.append(f"- {m.name} ({len(links)}): " + ", ".join(links))
        out += (["Where it occurs:", "", *uses] if uses else ["Not used by any record."]) + [""]
    return "\n".join(out)


# ----------------------------------------------------------------------------- downloads
#: Folder of the downloadable data, relative to ``docs/``.
DATA = f"{BASE}/data"
#: The columns of ``analysis.csv``, one row per graded claim (reviewer claims included).
COLUMNS = ("model", "part", "attempt", "claim", "final", "check_kind", "grade", "computed",
           "basis", "error_kinds", "weakness_kinds", "severity", "decides_outcome",
           "possible_artifact", "artifact_certainty", "outcome", "reviewer_verdict")


def claim_rows(a: Analysis) -> list[dict[str, Any]]:
    """One row per graded claim: the data behind every count on the model-analysis pages."""
    rows = []
    for m in a.models:
        for c in (*m.claims, *m.reviewer_claims):
            p = m.parts[c.part]
            kinds = a.taxonomy
            rows.append({
                "model": c.model, "part": c.part,
                "attempt": "reviewer" if c.attempt is None else c.attempt,
                "claim": c.id, "final": c.final, "check_kind": c.grade.kind,
                "grade": c.grade.verdict, "computed": c.grade.computed,
                "basis": getattr(c.claim.check, "basis", None),
                "error_kinds": [t for t in c.tags if kinds[t].cls == "error"],
                "weakness_kinds": [t for t in c.tags if kinds[t].cls == "weakness"],
                "severity": c.severity, "decides_outcome": a.decides(c),
                "possible_artifact": c.possible_artifact,
                "artifact_certainty": c.claim.artifact.certainty if c.claim.artifact else None,
                "outcome": p.outcome, "reviewer_verdict": p.reviewer_verdict,
            })
    return rows


def _csv(rows: list[dict[str, Any]]) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ";".join(v) if isinstance(v, list) else
                         ("" if v is None else v) for k, v in row.items()})
    return out.getvalue()


def downloads(a: Analysis) -> dict[str, str | Path]:
    """The files of the data folder: docs path -> text, or the source file to copy (the
    records, the taxonomy and the schema)."""
    import json

    from hw5ref import __version__

    rows = claim_rows(a)
    outcomes = [{"model": m.model, "part": p.part, "outcome": p.outcome,
                 "reviewer_verdict": p.reviewer_verdict, "agrees": p.agrees}
                for m in a.models for p in m.parts.values()]
    data = {"version": __version__, "counts": a.counts(), "outcomes": outcomes, "claims": rows}
    files: dict[str, str | Path] = {
        f"{DATA}/analysis.csv": _csv(rows),
        f"{DATA}/analysis.json": json.dumps(data, indent=1, ensure_ascii=False) + "\n",
    }
    directory = a.evaluations.directory
    for source in [*sorted(directory.glob("*.yaml")), directory / "schema.json"]:
        if source.is_file():
            files[f"{DATA}/{source.name}"] = source
    return files


def download_list(a: Analysis, page: str = f"{BASE}/index.md") -> str:
    """Links to the downloadable data."""
    def link(name: str) -> str:
        return f"[`{name}`]({_rel(page, f'{DATA}/{name}')})"

    records = ", ".join(link(f"{m.model}.yaml") for m in a.models)
    return "\n".join([
        f"- {link('analysis.csv')} and {link('analysis.json')}: one row per graded claim "
        f"({', '.join(COLUMNS)}); the JSON adds the outcome of every sub-part and the counts "
        "shown on these pages.",
        f"- The records they are graded from: {records}, with {link('taxonomy.yaml')} and "
        f"the record schema {link('schema.json')}.",
    ])


# ----------------------------------------------------------------------------- markers
def headline(a: Analysis) -> str:
    """The headline counts of the model-analysis index."""
    n = a.counts()
    page = f"{BASE}/index.md"
    return "\n".join([
        f"- **{n['claims']} claims** recorded from {n['models']} models' answers to "
        f"{len(PARTS)} sub-parts: **{n['computed']} checked by computation** with `hw5ref`, "
        f"{n['manual']} judged by hand with written reasoning (statements with no computable "
        f"content; {n['manual_judgement']} of these are our judgement and are labelled so).",
        f"- **{n['wrong']} claims are wrong** ({n['wrong_computed']} by computation, "
        f"{n['wrong_manual']} by hand): "
        + ", ".join(f"{n['wrong_' + s]} {s}" for s in a.evaluations.severities)
        + f". Only substantive errors decide an outcome. {n['root_errors']} of the wrong "
        "claims are root errors, the rest only inherit an earlier wrong line; "
        f"{n['wrong_possible_artifact']} may be conversion artifacts of the reports and are "
        "shown hedged.",
        f"- Of {n['subparts']} graded sub-parts, {n['outcome_correct']} are correct, "
        f"{n['outcome_incomplete']} incomplete, {n['outcome_flawed']} flawed (right final "
        f"answer, a substantive error on the way) and {n['outcome_wrong']} wrong "
        f"([scorecard]({_rel(page, BASE + '/scorecard.md')})).",
        f"- **The reports' reviewers disagree with the computed outcome on "
        f"{n['disagreements']} of {n['subparts']} sub-parts**; with the notes where the "
        f"computation adds detail, the [reviewer audit]({_rel(page, BASE + '/audit.md')}) has "
        f"{n['audit_notes']} notes.",
        "",
        "Grading rule: a claim is *correct* when it equals the value `hw5ref` computes (exactly, "
        "or to the decimals the model showed), or, for an equation between formulas, when both "
        "sides agree on random instances with exact expectations over every dropout mask; "
        "otherwise it is *wrong*. A sub-part's outcome follows from its claims "
        f"([rule]({_rel(page, BASE + '/scorecard.md')}#how-to-read-it)).",
    ])


def model_list(a: Analysis, page: str = f"{BASE}/index.md") -> str:
    """A list linking every model's page, with its claim counts."""
    return "\n".join(
        f"- [{m.name}]({_rel(page, model_page_path(m.model))}): {n['claims']} claims, "
        f"{n['wrong']} wrong; source report `{m.record.source.file}`."
        for m in a.models for n in (a.counts((m,)),))


def _type_name(annotation: Any) -> str:
    """A reader's name for a field type: number, vector, matrix, one of ..., ..."""
    import types
    import typing

    args = typing.get_args(annotation)
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return "one of " + ", ".join(f"`{a}`" for a in args)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type_name(a) for a in args if a is not type(None))
    if origin is typing.Annotated:
        return _type_name(args[0])
    if origin is list:
        inner = _type_name(args[0])
        return {"number": "vector", "vector": "matrix", "integer": "integer list"}.get(
            inner, f"list of {inner}")
    if origin is dict:
        return "mapping"
    return {float: "number", int: "integer", str: "text", bool: "true/false"}.get(
        annotation, getattr(annotation, "__name__", str(annotation)))


def _field_doc(name: str, info: Any) -> str:
    optional = "" if info.is_required() else ", optional"
    desc = f": {info.description}" if info.description else ""
    return f"`{name}` ({_type_name(info.annotation)}{optional}){desc}"


def check_kinds() -> str:
    """The table of check kinds, from their declarations (:mod:`hw5ref.grading.kinds`)."""
    rows = ["| Kind | What it checks | Fields |", "| --- | --- | --- |"]
    for name, cls in CHECK_KINDS.items():
        fields = "; ".join(_field_doc(f, info) for f, info in cls.model_fields.items()
                           if f != "kind")
        rows.append(f"| `{name}` | {_cell(cls.summary)} | {_cell(fields)} |")
    return "\n".join(rows)


def record_fields(model: str) -> str:
    """The fields of one part of the record format (``Claim``, ``Finding``, ``AuditNote``,
    ``Artifact``), from its declaration in :mod:`hw5ref.grading.records`."""
    from hw5ref.grading import records

    cls = getattr(records, model)
    return "\n".join(f"- {_field_doc(name, info)}" for name, info in cls.model_fields.items())


def premise_list() -> str:
    """Every premise a record may cite, linked to its restatement on the solutions pages."""
    from hw5ref.parts import PREMISES

    page = f"{BASE}/add-an-evaluation.md"
    return "\n".join(f"- `{p.id}` ({', '.join(p.parts)}): {p.text} "
                     f"([restated]({_rel(page, p.link)}))" for p in PREMISES)


def taxonomy_ids(a: Analysis) -> str:
    """The taxonomy's kinds, linked, for the record-format page."""
    page = f"{BASE}/add-an-evaluation.md"
    return ", ".join(f"[`{t}`]({_rel(page, BASE + '/taxonomy.md')}#{t}) ({k.cls})"
                     for t, k in a.taxonomy.items())


def model_page_stub(model: str, name: str) -> str:
    """The Markdown source of a model's page: its title and the macro that fills it."""
    return (f"---\ntitle: \"{name}\"\ndescription: Every claim of {name}'s answers to HW5, "
            f"graded by computation.\nrender_macros: true\n---\n\n# {name}\n\n"
            f'{{{{ model_page("{model}") }}}}\n')
