"""Who may see what: roles from `access.yaml`, granted by e-mail address, domain or identity-provider group.

The extracts are record-level data about residents, so a page and a download are
checked on the server for every run, against the user the identity provider signed
in (`st.user` in the Streamlit frame, `monitor.ui.gate`). This module is the rule
itself, without Streamlit, so it is tested directly and the CLI can check the file.

Roles (docs/access.md):

- `viewer`: scorecard, programme, indicator and area pages and the report, with disclosure control;
- `editor`: a viewer who also writes the story behind the curve (commentary, docs/commentary.md);
- `analyst`: also the commentary, the SQL workbench, record-level details on the sources page, the
  indicator form;
- `admin`: also the audit trail;
- `partner` (one organisation each): the shared outcomes and its own organisation's early-warning
  figures, never another partner's. A user matching a partner entry is that partner only, even
  when a municipal rule matches too (least privilege: a partner's domain cannot widen by accident).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from monitor.problems import Collector, YamlSyntaxError, did_you_mean, read_yaml

Role = Literal["viewer", "editor", "analyst", "admin", "partner"]
STAFF_ROLES: tuple[Role, ...] = ("viewer", "editor", "analyst", "admin")  # each includes the ones before it
RULE_KEYS = ("emails", "domains", "groups")
# A partner sees the indicators split by this dimension (front matter `dimensions:`), its own group only.
PARTNER_DIMENSION = "partner_name"


class AccessError(Exception):
    """access.yaml cannot be used; `problems` are `file:line: message` lines."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class User:
    """The signed-in person as the identity provider describes them (never record-level data)."""

    email: str
    name: str = ""
    groups: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Rule:
    """Who a role or partner is granted to: exact addresses, whole domains, provider groups."""

    emails: frozenset[str] = frozenset()
    domains: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()

    def matches(self, user: User) -> bool:
        email = user.email.strip().lower()
        domain = email.rsplit("@", 1)[1] if "@" in email else None
        return (email in self.emails or (domain is not None and domain in self.domains)
                or bool(self.groups & user.groups))


@dataclass(frozen=True)
class Grant:
    """What one user may do: a staff role, or a partner's scope (`partner` = its organisation)."""

    role: Role | None
    partner: str | None = None

    def at_least(self, role: Role) -> bool:
        """True when the grant includes `role` (a partner is never a staff role)."""
        if self.role is None or self.role == "partner":
            return False
        return STAFF_ROLES.index(self.role) >= STAFF_ROLES.index(role)

    def may_open(self, page: PageAccess) -> bool:
        if self.role == "partner":
            return page.partners
        return self.at_least(page.role)


LOCAL = Grant("admin")  # local mode: one user on their own machine, everything visible


@dataclass(frozen=True)
class PageAccess:
    """What a page asks of its reader: the least staff role, and whether partners may open it."""

    role: Role = "viewer"
    partners: bool = False


@dataclass(frozen=True)
class AccessConfig:
    roles: Mapping[Role, Rule] = field(default_factory=dict)
    partners: Mapping[str, Rule] = field(default_factory=dict)
    groups_claim: str = "groups"
    contact: str = ""

    def grant(self, user: User) -> Grant:
        """The user's grant: a partner entry first (least privilege), else the highest staff role."""
        for name, rule in self.partners.items():
            if rule.matches(user):
                return Grant("partner", partner=name)
        for role in reversed(STAFF_ROLES):
            rule = self.roles.get(role)
            if rule is not None and rule.matches(user):
                return Grant(role)
        return Grant(None)


def user_from_claims(claims: Mapping[str, Any], groups_claim: str = "groups") -> User:
    """A `User` from the identity provider's claims (`st.user`): e-mail, name and groups.

    Entra ID puts the address in `email` (or `preferred_username` for some tenants) and
    the groups, when configured, in `groups` (object ids) or `roles` (app roles).
    """
    email = str(claims.get("email") or claims.get("preferred_username") or "").strip()
    groups = claims.get(groups_claim) or ()
    if isinstance(groups, str):
        groups = [groups]
    return User(email=email, name=str(claims.get("name") or ""), groups=frozenset(str(g) for g in groups))


def load_access(path: Path) -> AccessConfig:
    """Read and check access.yaml; raise AccessError listing every problem with its line."""
    text = path.read_text(encoding="utf-8")
    try:
        parsed = read_yaml(text)
    except YamlSyntaxError as exc:
        raise AccessError([f"{path.name}:{exc.line}: invalid YAML: {exc.reason}"]) from None
    col = Collector(path, parsed.lines, name=path.name)
    data = parsed.data
    if not isinstance(data, dict):
        raise AccessError([f"{path.name}:1: expected the keys roles, partners, contact "
                           "(see access.example.yaml)"])
    top = ("roles", "partners", "contact", "groups_claim")
    for key in data:
        if key not in top:
            col.add(key, f"unknown key '{key}'{did_you_mean(key, top)}")
    roles: dict[Role, Rule] = {}
    for role, body in (data.get("roles") or {}).items():
        if role not in STAFF_ROLES:
            col.add(f"roles.{role}", f"unknown role '{role}': use viewer, editor, analyst or admin"
                    f"{did_you_mean(role, STAFF_ROLES)} (partners are listed under `partners:`)")
            continue
        roles[role] = _rule(col, f"roles.{role}", body)
    partners = {str(name): _rule(col, f"partners.{name}", body)
                for name, body in (data.get("partners") or {}).items()}
    if col.problems:
        raise AccessError([str(p) for p in col.problems])
    return AccessConfig(roles=roles, partners=partners, contact=str(data.get("contact") or ""),
                        groups_claim=str(data.get("groups_claim") or "groups"))


def _rule(col: Collector, where: str, body: Any) -> Rule:
    if not isinstance(body, dict):
        col.add(where, "expected a mapping with emails, domains and/or groups (lists)")
        return Rule()
    for key in body:
        if key not in RULE_KEYS:
            col.add(f"{where}.{key}",
                    f"unknown key '{key}'{did_you_mean(key, RULE_KEYS)}: use emails, domains, groups")
    return Rule(**{key: frozenset(_words(col, f"{where}.{key}", body.get(key), lower=key != "groups"))
                   for key in RULE_KEYS})


def _words(col: Collector, where: str, value: Any, *, lower: bool) -> Iterable[str]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        col.add(where, "expected a list of non-empty texts")
        return ()
    return [v.strip().lstrip("@").lower() if lower else v.strip() for v in value]
