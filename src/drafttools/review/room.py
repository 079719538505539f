"""The Secretariat's commands in the room: a proposal accepted, rejected, withdrawn, merged into another or
reopened, and Member States joining it as supporters or objectors.  Each runs under the project's write lock and
writes the files it changes together (``fsutil.write_all``): all of them or none.

Closing moves (accept, reject, withdraw, merge) are made from ``open`` only, so a slip in the room cannot turn an
accepted proposal into a rejected one unseen: reopen it first; for the same reason a proposal is merged only into
an open or accepted one.  Asking for the status a proposal already has changes nothing.  Merging adds the merged
proposal's proponents to the one it is merged into (they now stand behind that text).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from drafttools import fsutil
from drafttools.diagnostics import Diagnostic, DraftError, UsageError, exit_code
from drafttools.review import proposals as store

CLOSING = {"accept": "accepted", "reject": "rejected", "withdraw": "withdrawn", "merge": "merged"}
ACTIONS = (*CLOSING, "reopen", "support", "object")


@dataclass(frozen=True)
class RoomResult:
    changed: tuple[store.Proposal, ...]  # as written
    unchanged: tuple[str, ...]  # IDs asked for that already were as asked
    diagnostics: tuple[Diagnostic, ...] = ()

    def exit_code(self, strict: bool = False) -> int:
        return exit_code(self.diagnostics, strict)


def change(
    folder: Path, action: str, ids: tuple[str, ...], *, into: str | None = None, by: tuple[str, ...] = ()
) -> RoomResult:
    """Apply ``action`` to the proposals ``ids`` in ``folder``, under the write lock; nothing is written unless
    every one of them can take it."""
    from drafttools.source import lock

    _arguments(action, ids, into, by)
    with lock.writing(f"proposal {action}"):
        loaded = store.load(folder)
        named = {f"{pid.lower()}.toml" for pid in (*ids, *([into] if into else []))}
        broken = [d for d in loaded.diagnostics if Path(d.path).name in named]  # a file named that cannot be read
        if broken:
            return RoomResult((), (), tuple(broken))
        wanted = [_find(loaded, folder, pid) for pid in ids]
        if action == "merge" and into is not None and any(p.merged_into != into.lower() for p in wanted):
            _open_target(_find(loaded, folder, into))
        updated: dict[str, store.Proposal] = {}
        unchanged: list[str] = []
        for proposal in wanted:
            current = updated.get(proposal.id, proposal)
            new = _apply(action, current, into, by)
            if new == current:
                unchanged.append(proposal.id)
                continue
            updated[proposal.id] = new
            if action == "merge" and into is not None:
                target = updated.get(into) or _find(loaded, folder, into)
                joined = tuple(dict.fromkeys(target.proponents + current.proponents))
                if joined != target.proponents:
                    updated[target.id] = replace(target, proponents=joined)
        files = [(folder / f"{p.id}.toml", store.dump(p).encode("utf-8")) for p in updated.values()]
        if files:
            with lock.committing():  # a reader (check) sees all of them or none
                fsutil.write_all(files)
        return RoomResult(tuple(updated.values()), tuple(unchanged))


def _arguments(action: str, ids: tuple[str, ...], into: str | None, by: tuple[str, ...]) -> None:
    if action not in ACTIONS:
        raise UsageError(f"unknown action {action!r}: choose one of {', '.join(ACTIONS)}")
    if not ids:
        raise UsageError(f"proposal {action}: name at least one proposal ID")
    if action == "merge" and not into:
        raise UsageError("proposal merge: say which proposal it is merged into (--into ID)")
    if action != "merge" and into:
        raise UsageError(f"--into goes with merge, not {action}")
    if action in ("support", "object") and not any(b.strip() for b in by):
        raise UsageError(f"proposal {action}: say who (--by BRA, a group or an organization's name)")
    if action not in ("support", "object") and by:
        raise UsageError(f"--by goes with support and object, not {action}")
    if into is not None and into.lower() in (i.lower() for i in ids):
        raise UsageError(f"proposal merge: {into} cannot be merged into itself")


def _open_target(target: store.Proposal) -> None:
    """Merging closes a proposal into another, whose words it then shares: into one rejected, withdrawn or merged
    itself it would be dropped with it, unseen."""
    if target.status not in ("open", "accepted"):
        raise DraftError(
            f"proposal {target.id} is {target.status}; a proposal can be merged only into an open or accepted one "
            f"(reopen it first: drafttools proposal reopen {target.id})",
            target.path,
        )


def _find(loaded: store.Loaded, folder: Path, pid: str) -> store.Proposal:
    found = loaded.get(pid.lower())
    if found is None:
        known = ", ".join(p.id for p in loaded.proposals[:12]) or "none"
        raise UsageError(f"no proposal {pid!r} in {folder} (proposals: {known})")
    return found


def _apply(action: str, p: store.Proposal, into: str | None, by: tuple[str, ...]) -> store.Proposal:
    if action in CLOSING:
        status = CLOSING[action]
        merged_into = (into or "").lower() if action == "merge" else ""
        if p.status == status and p.merged_into == merged_into:
            return p
        if p.status != "open":
            raise DraftError(
                f"proposal {p.id} is {p.status}; only an open proposal can be {status} (reopen it first: drafttools "
                f"proposal reopen {p.id})",
                p.path,
            )
        return replace(p, status=status, merged_into=merged_into)
    if action == "reopen":
        return replace(p, status="open", merged_into="")
    names = tuple(b.strip() for b in by if b.strip())
    if action == "support":
        return replace(
            p,
            supporters=tuple(dict.fromkeys(p.supporters + names)),
            objectors=tuple(o for o in p.objectors if o not in names),
        )
    return replace(
        p,
        objectors=tuple(dict.fromkeys(p.objectors + names)),
        supporters=tuple(s for s in p.supporters if s not in names),
    )
