"""Why a claim needs checking (its ``basis``), from what rests on it and what it asserts.

The source decides first: a claim on unnamed sources is "anonymous_source" whatever it says, one
relayed from another outlet "second_hand", one the piece could not verify "not_independently_verified".
Otherwise the claim's own shape decides, in this order:
- disputed_figure: a figure with a dispute beside it (in its sentence or the next one of the same
  paragraph): "a claim the ministry disputes", "puts the figure at", "closer to", "the true toll";
- prediction: the future stated firmly ("will", "is likely to", "could lose", "expect ... to");
- comparison: a superlative or a ranking ("the steepest since", "more than any other", "faster than");
- characterisation: an explanation or a label ("as shoppers pulled back", "amid", "a brazen fraud");
- prediction again for the future in reported speech ("said it would close");
- unsourced: a plain fact or figure asserted without a source.
A vague group ("critics say", "analysts expect") lends its claim the claim's own shape when it has
one ("critics say the bill will push ..." is a prediction), else it counts as an unnamed source.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet

from bot.models import ClaimBasis

FIGURE = re.compile(
    r"\d|\b(?:half|third|quarter|fifth|tenth|dozens?|hundreds?|thousands?|millions?|billions?|trillions?|"
    r"twice|double|triple|percent|per\s+cent|one\s+in\s+(?:two|three|four|five|ten))\b",
)  # matched on lowercased text, as are DISPUTE, _SUPERLATIVE and _CHARACTERISATION: faster than IGNORECASE
DISPUTE = re.compile(
    r"\b(?:disput(?:e|es|ed|ing)|contest(?:s|ed)?|den(?:y|ies|ied)|rejects?|rejected|refutes?|refuted|"
    r"puts?\s+the\s+(?:figure|number|toll|total|cost|count)|closer\s+to|true\s+(?:toll|figure|number|cost|count)|"
    r"overstat\w*|understat\w*|exaggerat\w*|contradict\w*|inflated|far\s+(?:fewer|more|higher|lower|less)|"
    r"(?:much|far)\s+(?:lower|higher|smaller|larger)\s+than|(?:higher|lower)\s+than\s+(?:the\s+)?(?:official|reported|claimed))\b",
)
_STRONG_FUTURE = re.compile(
    r"\b(?:will|won['’]t|shall|is|are|was|were)\b(?:\s+\w+ly)?\s+(?:not\s+)?(?:likely|unlikely|expected|set|due|poised|"
    r"certain|bound|going)\s+to\b"
    r"|\b(?:will|won['’]t)\s+(?!be\s+(?:held|a|an|the)\b)\w+"
    r"|\w['’]ll\s"
    r"|\b(?:could|might|may)\s+(?:(?:well|soon|also|still|eventually|even)\s+)?(?!have\b|not\b)[a-z]+"
    r"|\bexpects?\b[^.;:]{0,80}?\bto\s+\w+|\bexpected\s+to\b|\bforecasts?\b|\bpredicts?\b|\bprojected\s+to\b"
    r"|\bwithin\s+(?:\d+|a|two|three|four|five|ten|twenty|thirty)\s+(?:years|months|weeks|decades)\b"
)
_REPORTED_WOULD = re.compile(
    r"\b(?:said|says|told|announced|added|expects|expected|warned|predicted)\b[^.;]{0,120}?\bwould\b"
)
_SUPERLATIVE = re.compile(
    r"\b(?:(?:second|third)[-\s])?(?:biggest|largest|highest|lowest|fastest|slowest|steepest|deepest|worst|best|"
    r"greatest|smallest|longest|shortest|strongest|weakest|sharpest|widest|oldest|youngest|richest|poorest|"
    r"heaviest|busiest|costliest|deadliest|hottest|coldest|warmest|wettest|driest|cheapest|"
    r"most\s+(?!of\b|recent\b|recently\b|likely\b)[a-z]+|least\s+(?!of\b)[a-z]+)\b"
    r"|\bthan\s+(?:any|ever|in|at|before|last|the\s+previous|a\s+year\s+earlier)\b"
    r"|\b(?:more|less|fewer|higher|lower|faster|slower|larger|smaller|bigger|greater|better|worse|cheaper)"
    r"\s+(?:\w+\s+){0,2}?than\s+(?!\$|£|€|\d|about|around|half|a\s+third|a\s+quarter|(?:one|two|three|four|five|"
    r"six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|a|an|a\s+few|a\s+dozen)\b)"
    r"|\b(?:record\s+(?:high|low|level)|all-time|first\s+time\s+since|(?:twice|three\s+times|four\s+times)\s+(?:as|the))\b",
)
_CHARACTERISATION = re.compile(
    r",\s+as\s+(?!well\b|part\b|a\s+result\b|of\b|in\b|at\b|for\b|with\b|recently\b|much\b|many\b|long\b|soon\b)"
    r"(?:[a-z][\w\-’']*\s+){1,4}(?:\w+ed|\w+s|keep|pull|push|fall|rise|grow|shrink|struggle)\b"
    r"|\b(?:amid|because\s+of|due\s+to|driven\s+by|blamed\s+on|thanks\s+to|fuelled\s+by|fueled\s+by)\b"
    r"|\b(?:crisis|brazen|scandal\w*|controversial|landmark|unprecedented|historic|dramatic|sweeping|"
    r"shock|stunning|notorious|disastrous|catastrophic|devastating|alarming|radical|extremist)\b",
)


def content_basis(claim: str, *, disputed: bool = False) -> ClaimBasis | None:
    """The claim's own shape, or None for a plain fact."""
    low = claim.lower()
    figure = FIGURE.search(low) is not None
    if figure and (disputed or DISPUTE.search(low)):
        return "disputed_figure"
    if _STRONG_FUTURE.search(claim):  # case matters: "may" is not "May"
        return "prediction"
    if _SUPERLATIVE.search(low):
        return "comparison"
    if _CHARACTERISATION.search(low):
        return "characterisation"
    if _REPORTED_WOULD.search(low):
        return "prediction"
    return None


def claim_basis(
    claim: str, source_types: AbstractSet[str], *, disputed: bool = False, unverified_next: bool = False
) -> ClaimBasis:
    """``claim``: the sentence (or clause); ``source_types``: types of the attributions it rests on;
    ``disputed``: a dispute is stated next to it; ``unverified_next``: the next sentence says the
    piece could not verify it."""
    if "anonymous" in source_types:
        return "anonymous_source"
    if "second_hand" in source_types:
        return "second_hand"
    if "explicitly_unverified" in source_types or unverified_next:
        return "not_independently_verified"
    own = content_basis(claim, disputed=disputed)
    if not source_types and own is None and _HEARSAY.search(claim.lower()):
        return "second_hand"  # "reportedly", "allegedly": passed on from someone the piece does not name
        return own or "anonymous_source"
    if "vague_group" in source_types:
        return own or "anonymous_source"
    return own or "unsourced"


def hedged_basis(claim: str) -> ClaimBasis:
    """An attributed claim the piece hedges ("reportedly", "probably"): never "unsourced"."""
    return "second_hand" if _HEARSAY.search(claim.lower()) else "characterisation"


_HEARSAY = re.compile(r"\b(?:reportedly|allegedly|purportedly|supposedly|rumou?red|said\s+to\s+be)\b")
