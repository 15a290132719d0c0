"""Prompts as versioned files: ``prompts/<name>.md`` with a front-matter header, a system part and a
user template.

File format::

    ---
    name: checklist
    version: 1
    ---
    ## system
    ...
    ## user
    ... <article>
    {article}
    </article>

The wheel carries the files in ``bot/llm/prompts/`` (hatch force-include); an editable checkout reads
the repository's top-level ``prompts/``. Placeholders are ``{name}``; nothing else in the template is
special, so prompts may contain literal braces.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PROMPT_DIRS: tuple[Path, ...] = (
    Path(__file__).resolve().parent / "prompts",  # installed wheel: bot/llm/prompts/
    Path(__file__).resolve().parents[2] / "prompts",  # editable checkout: the repository's prompts/
)

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]*$")
_SECTION = re.compile(r"^## +(system|user) *$", re.MULTILINE)
_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
_TAG = re.compile(r"</?([A-Za-z][\w-]*)>")


class PromptError(ValueError):
    """A prompt file is missing or not in the expected format."""


@dataclass(frozen=True)
class Prompt:
    name: str
    version: str
    system: str
    user_template: str

    @property
    def id(self) -> str:
        """Name and version, as caches and stats record them: ``checklist-v1``."""
        return f"{self.name}-v{self.version}"

    @property
    def digest(self) -> str:
        """A short hash of the prompt's text: an edit without a version bump still changes cache keys."""
        return hashlib.sha256(f"{self.system}\0{self.user_template}".encode()).hexdigest()[:8]

    @property
    def fields(self) -> frozenset[str]:
        return frozenset(_PLACEHOLDER.findall(self.user_template))

    @property
    def delimiter_tags(self) -> frozenset[str]:
        """Tag names the template uses to fence untrusted input (``article``, ``question``...)."""
        return frozenset(t.lower() for t in _TAG.findall(self.user_template))

    def render(self, **fields: str) -> str:
        """Fill the user template. Values are untrusted: any copy of a delimiter tag inside them is
        neutralised so the text cannot close its fence and pose as instructions."""
        missing = self.fields - fields.keys()
        extra = fields.keys() - self.fields
        if missing or extra:
            raise PromptError(
                f"prompt {self.id} takes fields {sorted(self.fields)}; "
                f"missing {sorted(missing)}, unexpected {sorted(extra)}"
            )
        safe = {key: neutralise(value, self.delimiter_tags) for key, value in fields.items()}
        # One pass over the template: a value containing "{article}" is never expanded again.
        return _PLACEHOLDER.sub(lambda m: safe[m.group(1)], self.user_template)

    def messages(self, **fields: str) -> list[dict[str, str]]:
        return [
            {"role": "system", "content": self.system},
            {"role": "user", "content": self.render(**fields)},
        ]


def neutralise(text: str, tags: frozenset[str]) -> str:
    """Turn ``<article>``/``</article >``/``<ARTICLE x=1>`` (for each tag in ``tags``) into
    ``[article]``/``[/article]``: visible to the model, but no longer a fence."""
    if not tags:
        return text
    names = "|".join(re.escape(t) for t in sorted(tags))
    pattern = re.compile(rf"<\s*(/?)\s*({names})\b[^>]*>", re.IGNORECASE)
    return pattern.sub(lambda m: f"[{m.group(1)}{m.group(2)}]", text)


def parse_prompt(text: str, *, source: str = "<string>") -> Prompt:
    text = text.replace("\r\n", "\n")
    if not text.startswith("---\n"):
        raise PromptError(f"{source}: must start with a '---' front-matter header")
    try:
        header, body = text[4:].split("\n---\n", 1)
    except ValueError:
        raise PromptError(f"{source}: front-matter header is not closed with '---'") from None
    meta: dict[str, str] = {}
    for line in header.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise PromptError(f"{source}: header line {line!r} is not 'key: value'")
        meta[key.strip()] = value.strip().strip("'\"")
    name, version = meta.get("name", ""), meta.get("version", "")
    if not _NAME.match(name):
        raise PromptError(f"{source}: header needs 'name:' (lowercase letters, digits, - or _), got {name!r}")
    if not _VERSION.match(version):
        raise PromptError(f"{source}: header needs 'version:' (e.g. 1 or 2.1), got {version!r}")

    parts = _SECTION.split(body)
    # parts: [preamble, "system", text, "user", text]
    sections = dict(zip(parts[1::2], parts[2::2], strict=True))
    if parts[1::2] != ["system", "user"]:
        raise PromptError(f"{source}: needs exactly one '## system' then one '## user' section")
    system, user = sections["system"].strip(), sections["user"].strip()
    if not system or not user:
        raise PromptError(f"{source}: the system and user sections must not be empty")
    if not _PLACEHOLDER.search(user):
        raise PromptError(f"{source}: the user template has no {{placeholder}} for the input")
    return Prompt(name=name, version=version, system=system, user_template=user)


@cache
def load_prompt(name: str) -> Prompt:
    """Load ``<name>.md`` from the packaged prompts, else the checkout's. Cached per process."""
    if not _NAME.match(name):
        raise PromptError(f"invalid prompt name {name!r}")
    for directory in PROMPT_DIRS:
        path = directory / f"{name}.md"
        if path.is_file():
            prompt = parse_prompt(path.read_text(encoding="utf-8"), source=str(path))
            if prompt.name != name:
                raise PromptError(f"{path}: header says name {prompt.name!r}, expected {name!r}")
            return prompt
    searched = ", ".join(str(d) for d in PROMPT_DIRS)
    raise PromptError(f"prompt {name!r} not found (looked for {name}.md in {searched})")
