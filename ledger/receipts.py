"""Signed receipts: the store's state after each import, kept apart from the store.

A hash chain proves only that the events agree with each other: whoever can write the store
can recompute every hash after an edit, drop a last filing whole, rewrite a marker or redirect a
plan key, and the chain still holds. A receipt anchors the chain outside the store, as a QLDB
digest or a Trillian signed tree head does: after each import that stored filings, one JSON line
is appended to a receipts file holding

- the new chain head of every plan the import touched, with its position;
- each new filing marker's id, notification id, document, digest, event count, plans, chain
  heads and the hash of its stored row;
- each new plan-key claim (key, plan, notification id, hash of its stored row);
- the store's max notification id and the time;

signed (ed25519) over a canonical encoding, with the public key in the receipt's header, the
receipt's number and the hash of the line before it (so a receipt taken out of the middle of the
file is noticed too). The signing key is created on first use, mode 0600, outside the store.

`check` weighs every receipt against the store: a recorded head no longer at its position, a
marker or a claim gone, edited or moved in the notification log are each reported in one line.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ledger import events as ev
from ledger.application import Ledger
from ledger.chain import ChainReport, Problem, chain_hash, short
from ledger.identity import plan_key_id
from ledger.transcoding import _topic

FORMAT = "planledger-receipt/1"
MARKER_TOPIC = _topic(ev.FilingRecorded)
CLAIM_TOPIC = _topic(ev.PlanKeyClaimed)


class ReceiptError(Exception):
    """The key or the receipts file cannot be used (a one-line message for the user)."""


# -- where things live ----------------------------------------------------------------------


def receipts_path(home: Path, given: Path | None = None) -> Path:
    """`--receipts`, else PLANLEDGER_RECEIPTS, else a file beside the home (never inside it:
    whoever can replace the home's store could replace its receipts with it)."""
    if given is not None:
        return given
    if os.environ.get("PLANLEDGER_RECEIPTS"):
        return Path(os.environ["PLANLEDGER_RECEIPTS"])
    home = home.resolve()
    return home.with_name(home.name + ".receipts.jsonl")


def key_path() -> Path:
    if os.environ.get("PLANLEDGER_KEY"):
        return Path(os.environ["PLANLEDGER_KEY"])
    config = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return config / "planledger" / "receipt-key"


def signing_key(path: Path | None = None) -> Ed25519PrivateKey:
    """The receipt signing key, created (mode 0600) on first use."""
    path = path or key_path()
    try:
        return _load(path)
    except FileNotFoundError:
        pass
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it meanwhile
        return _load(path)
    except OSError as e:
        raise ReceiptError(f"cannot create the receipt key {path}: {e.strerror or e}") from None
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    return key


def _load(path: Path) -> Ed25519PrivateKey:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise
    except OSError as e:
        raise ReceiptError(f"cannot read the receipt key {path}: {e.strerror or e}") from None
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as e:
        raise ReceiptError(f"{path} is not a receipt key: {e}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ReceiptError(f"{path} is not an ed25519 key")
    return key


def public_hex(key: Ed25519PrivateKey) -> str:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


def trusted_key(path: Path | None = None) -> str | None:
    """The public key of this machine's signing key, if there is one (never creates it)."""
    try:
        return public_hex(_load(path or key_path()))
    except FileNotFoundError:
        return None


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


# -- issuing --------------------------------------------------------------------------------


def max_notification_id(ledger: Ledger) -> int:
    return ledger.recorder.max_notification_id() or 0


def body_since(ledger: Ledger, after: int) -> dict[str, Any] | None:
    """What a receipt records of everything stored after notification `after` (None: no filing)."""
    top = max_notification_id(ledger)
    markers, claims = [], []
    for row in ledger.notifications([MARKER_TOPIC, CLAIM_TOPIC], after + 1):
        if row.id > top:
            break
        event = ledger.mapper.to_domain_event(row)
        digest = chain_hash(row.topic, row.state)
        if row.topic == MARKER_TOPIC:
            markers.append({
                "filing_id": str(event.originator_id), "notification_id": row.id, "row": digest,
                "digest": event.digest, "document": event.document, "events": event.events,
                "plan_ids": [str(p) for p in event.plan_ids], "chain_heads": list(event.chain_heads),
            })
        else:
            claims.append({"key": event.key, "plan_id": str(event.plan_id), "notification_id": row.id, "row": digest})
    if not markers:
        return None
    heads = []
    for plan_id in dict.fromkeys(p for m in markers for p in m["plan_ids"]):
        (last,) = ledger.recorder.select_events(UUID(plan_id), desc=True, limit=1)
        heads.append({"plan_id": plan_id, "position": last.originator_version, "head": chain_hash(last.topic, last.state)})
    return {"max_notification_id": top, "heads": heads, "markers": markers, "claims": claims}


def issue(ledger: Ledger, path: Path, after: int, key: Ed25519PrivateKey | None = None) -> dict[str, Any] | None:
    """Sign and append a receipt for what was stored after notification `after`; None when
    nothing was (a run of duplicates). The file is locked while its last line is read and the
    new one appended, so concurrent imports number their receipts in turn."""
    body = body_since(ledger, after)
    if body is None:
        return None
    key = key or signing_key()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a+b") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            f.seek(0)
            seq, prev = 0, ""
            for number, line in enumerate(f.read().splitlines(), 1):
                if line.strip():
                    seq, prev = _numbered(line, number), hashlib.sha256(line.strip()).hexdigest()
            header = {"format": FORMAT, "seq": seq + 1, "prev": prev, "key": public_hex(key),
                      "issued_at": datetime.now(UTC).isoformat()}
            signed = {"header": header, "body": body}
            receipt = {**signed, "signature": key.sign(canonical(signed)).hex()}
            f.seek(0, os.SEEK_END)
            f.write(canonical(receipt) + b"\n")
            f.flush()
            os.fsync(f.fileno())
    except OSError as e:
        raise ReceiptError(f"cannot write the receipt to {path}: {e.strerror or e}") from None
    return receipt


def _numbered(line: bytes, number: int) -> int:
    try:
        return int(json.loads(line)["header"]["seq"])
    except (ValueError, KeyError, TypeError):
        return number


# -- checking -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    kind: str  # receipts, signature, key, rewritten, removed, marker, claim, reordered
    line: int  # line of the receipts file (0: the file itself)
    detail: str

    def text(self) -> str:
        where = f"receipt line {self.line}" if self.line else "receipts file"
        return f"{self.kind:<9} {where}: {self.detail}"


@dataclass
class Outcome:
    receipts: int  # receipts read
    trusted: str | None  # the public key they were checked against
    findings: list[Finding]
    proven: dict[str, int] = field(default_factory=dict)  # plan -> last position whose receipted head still holds

    def reconcile(self, report: ChainReport) -> ChainReport:
        """A head a marker recorded is missing, and the chain alone cannot tell an altered last
        event from an altered marker; a receipt that proves the events up to there settles it."""
        problem = report.problem
        proven = self.proven.get(str(report.plan_id), 0)
        if problem is None or problem.kind != "altered" or problem.marker is None or proven < problem.position:
            return report
        detail = (f"filing {problem.marker} recorded a head that is not in the chain, but a signed receipt proves "
                  f"events 1..{proven} unchanged: its marker was altered")
        return replace(report, problem=Problem("marker", report.plan_id, problem.position, detail, problem.marker))


def read_receipts(path: Path, trusted: str | None) -> tuple[list[tuple[int, dict]], list[Finding]]:
    """Every receipt whose signature holds, by line; and what is wrong with the file."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ReceiptError(f"cannot read the receipts file {path}: {e.strerror or e}") from None
    good, findings = [], []
    seq, prev, first_key = 0, "", None
    lines = data.split(b"\n")
    cut = 0 if lines[-1] == b"" else len(lines)  # a last line without its newline was cut short
    if not cut:
        lines.pop()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            receipt = json.loads(line)
            header, body, signature = receipt["header"], receipt["body"], bytes.fromhex(receipt["signature"])
            public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(header["key"]))
        except (ValueError, KeyError, TypeError) as e:
            why = "it is cut short (no newline): the file was truncated" if number == cut else f"not a readable receipt ({type(e).__name__}: {e})"
            findings.append(Finding("receipts", number, why))
            seq, prev = seq + 1, hashlib.sha256(line.strip()).hexdigest()
            continue
        first_key = first_key or header["key"]
        expected = trusted or first_key
        if header["key"] != expected:
            whose = "the trusted key" if trusted else "the first receipt's key"
            findings.append(Finding("key", number, f"signed by unknown key {short(header['key'])}, not {whose} {short(expected)}"))
        else:
            try:
                public.verify(signature, canonical({"header": header, "body": body}))
            except InvalidSignature:
                findings.append(Finding("signature", number, f"receipt {header.get('seq')}: the signature does not match its content (forged or edited)"))
            else:
                good.append((number, receipt))
        if header.get("seq") != seq + 1 or header.get("prev") != prev:
            findings.append(Finding("receipts", number, f"receipt {header.get('seq')} follows receipt {seq}, but does not name it as previous: "
                                    "a receipt was removed, reordered or inserted before it"))
        seq, prev = header.get("seq", seq + 1), hashlib.sha256(line.strip()).hexdigest()
    if cut and (not findings or findings[-1].line != cut):
        findings.append(Finding("receipts", cut, "it has no newline: the file was truncated or is still being written"))
    return good, findings


def check(ledger: Ledger, path: Path, trusted: str | None = None) -> Outcome:
    """Every receipt's signature, then every receipt against the store."""
    receipts, findings = read_receipts(path, trusted)
    stored: dict[UUID, tuple[int, Any]] = {}
    for row in ledger.notifications([MARKER_TOPIC, CLAIM_TOPIC]):
        stored[UUID(str(row.originator_id))] = (row.id, row)
    against = _Against(ledger, stored)
    for number, receipt in receipts:
        findings += against.receipt(number, receipt)
    proven = {plan: position for plan, position in against.good.items() if plan not in against.broken}
    return Outcome(len(receipts), trusted, findings, proven)


class _Against:
    def __init__(self, ledger: Ledger, stored: dict[UUID, tuple[int, Any]]) -> None:
        self.ledger = ledger
        self.stored = stored
        self.broken: set[str] = set()  # plans already reported: later heads differ as a consequence
        self.good: dict[str, int] = {}  # plan -> last position a receipt proved

    def receipt(self, number: int, receipt: dict) -> list[Finding]:
        body = receipt["body"]
        found = [self.head(number, h) for h in body.get("heads", [])]
        found += [self.marker(number, m) for m in body.get("markers", [])]
        found += [self.claim(number, c) for c in body.get("claims", [])]
        return [f for f in found if f]

    def head(self, number: int, head: dict) -> Finding | None:
        plan, position = head["plan_id"], int(head["position"])
        if plan in self.broken:
            return None
        rows = self.ledger.recorder.select_events(UUID(plan), gt=position - 1, lte=position)
        since = self.good.get(plan, 0)
        if rows and chain_hash(rows[0].topic, rows[0].state) == head["head"]:
            self.good[plan] = max(since, position)
            return None
        self.broken.add(plan)
        if not rows:
            last = self.ledger.recorder.select_events(UUID(plan), desc=True, limit=1)
            end = last[0].originator_version if last else 0
            return Finding("removed", number, f"plan {plan} has no event at position {position}, where the receipt recorded head "
                                              f"{short(head['head'])}: the chain now ends at {end} (events removed)")
        return Finding("rewritten", number, f"plan {plan}: position {position} hashes to {short(chain_hash(rows[0].topic, rows[0].state))}, "
                                            f"the receipt recorded {short(head['head'])}: events in {since + 1}..{position} were changed "
                                            "and the chain recomputed")

    def marker(self, number: int, marker: dict) -> Finding | None:
        fid = UUID(marker["filing_id"])
        name = f"marker of filing {fid} ({marker['document']})"
        if fid not in self.stored:
            return Finding("marker", number, f"the {name} is gone")
        notification, row = self.stored[fid]
        if chain_hash(row.topic, row.state) != marker["row"]:
            return Finding("marker", number, f"the {name} was edited: {self._changes(row, marker)}")
        if notification != marker["notification_id"]:
            return Finding("reordered", number, f"the {name} was notification {marker['notification_id']}, now {notification}: "
                                                "the notification log was reordered")
        return None

    def _changes(self, row, marker: dict) -> str:
        try:
            now = self.ledger.mapper.to_domain_event(row)
            fields = {"document": now.document, "digest": now.digest, "events": now.events,
                      "plan_ids": [str(p) for p in now.plan_ids], "chain_heads": list(now.chain_heads)}
        except Exception as e:  # noqa: BLE001 - an undecodable marker is reported as such
            return f"it no longer decodes ({type(e).__name__})"
        changed = [f"{k} {_show(marker[k])} -> {_show(v)}" for k, v in fields.items() if marker[k] != v]
        return "; ".join(changed) or "its stored state changed (no recorded field differs)"

    def claim(self, number: int, claim: dict) -> Finding | None:
        cid = plan_key_id(claim["key"])
        if cid not in self.stored:
            return Finding("claim", number, f"the claim of plan key {claim['key']!r} (plan {claim['plan_id']}) is gone: "
                                            "the next filing naming it would start a new plan")
        notification, row = self.stored[cid]
        if chain_hash(row.topic, row.state) != claim["row"]:
            try:
                now = self.ledger.mapper.to_domain_event(row)
                what = f"now names plan {now.plan_id}" if str(now.plan_id) != claim["plan_id"] else f"now reads key {now.key!r}"
            except Exception:  # noqa: BLE001
                what = "no longer decodes"
            return Finding("claim", number, f"the claim of plan key {claim['key']!r} was redirected: it named plan {claim['plan_id']}, "
                                            f"{what} (future filings would go there)")
        if notification != claim["notification_id"]:
            return Finding("reordered", number, f"the claim of plan key {claim['key']!r} was notification {claim['notification_id']}, "
                                                f"now {notification}: the notification log was reordered")
        return None


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, str) and len(value) == 64:
        return short(value)
    return repr(value) if isinstance(value, str) else str(value)
