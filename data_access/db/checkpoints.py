"""Audit checkpoints: an administrator seals the chain's current head into the chain itself.

A checkpoint is an audited write (action ``audit_checkpoint``) that stores the head hash and entry
count it verified, with a note (e.g. "before the November risk meeting"), in ``meta``. Copied into
the meeting's minutes, it lets anyone later prove that the log up to that point was not rewritten.
A broken chain is refused: sealing it would hide the break.
"""

from __future__ import annotations

from sqlalchemy import Engine

from data_access.db.audit import Verdict, canonical_json, verify_chain
from data_access.db.writes import WriteRefused, audited_write
from data_access.messages import Message

CHECKPOINT_KEY = "audit_checkpoint"


def record_checkpoint(engine: Engine, *, actor: str, note: str) -> Verdict:
    """Verify the chain, then append a checkpoint entry naming the head it verified; returns that verdict."""
    note = note.strip()
    if not note:
        raise WriteRefused(Message("error.checkpoint_note",
                                   "A checkpoint needs a note saying why it is taken (e.g. 'before the risk meeting')."))
    verdict = verify_chain(engine)
    if not verdict.ok:
        raise WriteRefused(Message("error.checkpoint_broken", "The audit chain is broken ({problem}); a checkpoint would "
                                   "seal the break. Investigate the named entry first.", problem=verdict.problem))  # fmt: skip
    sealed = {"head": verdict.head, "entries": verdict.entries, "note": note}
    with audited_write(engine, actor=actor, action="audit_checkpoint", tables=("meta",), details=sealed) as writer:
        writer.set_meta(CHECKPOINT_KEY, canonical_json(sealed))
    return verdict
