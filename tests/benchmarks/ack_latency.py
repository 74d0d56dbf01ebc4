"""How fast pfp acknowledges Slack, next to a bare Bolt app behind the same server, on SQLite and PostgreSQL.

One command runs it all:

    .venv/bin/python -m tests.benchmarks.ack_latency            # everything: both databases, 0 and 0.3 s
    .venv/bin/python -m tests.benchmarks.ack_latency --quick    # a short smoke run on SQLite
    .venv/bin/python -m tests.benchmarks.ack_latency --memory   # 100,000 entries, then pfp serve's memory
    .venv/bin/python -m tests.benchmarks.ack_latency --database postgresql --replicas 2   # two behind a splitter

What it does, per database: seeds 10,000 needs, 10,000 offers and 1,000 people (registered delegates of the
States Parties, an MSP in the calendar for /meeting); starts the Slack stand-in in a process of its own,
`pfp serve` (the real console script, HTTP mode, scheduler off) and tests/benchmarks/bare_bolt.py (a Bolt
app that only acknowledges, served by the same bot.server.create_server); then, for each latency of the
stand-in's answers and each concurrency, sends each of `/pfp help`, `/need`, `/pfp browse`, `/meeting`, the
Article 7 "Report submitted" button (its answer replaces the message through response_url) and a submission
of the /need form, signed as Slack signs them, with trigger ids and response URLs the stand-in issued.

Requests go in bursts of `concurrency` at once, to pfp and to the bare app in turn (which goes first swaps
every round); the next burst starts when every answer of the last one came and, for a command that opens a
modal, when each modal opened (or 10 s passed). Work pfp does after answering (notifications, matching) may
overlap the next burst of the same row, as it would in use, but not the next row: between rows the bench
waits until pfp has stopped calling the stand-in. "modal" is the time from sending the command until its trigger
id's first views.open (or views.push) reached the stand-in, whatever view it carried (a loading view counts,
and so does one the stand-in refused, as Slack would, for a trigger older than 3 s: a failure too). A request
never answered counts as the client's 10 s timeout in the percentiles, a modal that never came as 10 s: lower
bounds, never flattering.

Prints one row per command, concurrency and latency, with PASS/MISS against the targets (it asserts
nothing), and writes the same as JSON (--json). Targets: pfp's p99 at most 1.5 times the bare app's at
concurrency 10 and 50 (commands and the button); every modal opened within 1 s at p99 and view submissions
answered within 1 s at p99, at concurrency 50; nothing lost or failed (non-200, no answer within Slack's
3 s, a modal that never opened or was refused, an answer that is not the real one). After each database,
pfp serve's resident memory (VmRSS); with --memory (50,000 needs and 50,000 offers) against 150 MB.

PostgreSQL: PFP_TEST_DATABASE_URL or postgresql+psycopg://postgres@127.0.0.1:5432/test; the run creates a
schema of its own and drops it. Not collected by pytest (its name does not start with test_).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from unittest import mock

from sqlalchemy import func, insert, select, text

from bot.meetings.rules import is_affected
from bot.platform.blocks import NEED_FORM
from bot.reminders.article7_blocks import SUBMITTED, submitted_value
from bot.sandbox.slack import Response, SlackSigner
from storage.db import make_engine, make_session_factory, upgrade
from storage.models import ConventionEvent, EventKind, Need, Person
from storage.states import list_parties_on
from tests import conftest
from tests.benchmarks.bench_platform import load
from tests.benchmarks.slack_process import StandInHost, stand_in_process
from tests.conftest import ADMIN, ISU_CHANNEL, PLATFORM_CHANNEL, SIGNING_SECRET
from tests.e2e.flows import block_action, form_submission, need_values
from tests.tcp_proxy import RoundRobinProxy

TOKEN = "xoxb-test-token"
CHANNEL = "C0GENERAL"
POSTGRES_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SLACK_TIMEOUT = 3.0  # Slack gives up on an answer after 3 seconds
CLIENT_TIMEOUT = 10.0
MODAL_WAIT = 10.0
RATIO_TARGET, MODAL_TARGET, SUBMIT_TARGET, RSS_TARGET_MB = 1.5, 1.0, 1.0, 150.0
RATIO_AT, MODAL_AT = (10, 50), (50,)


# ------------------------------------------------------------------------------------------ the workspace


@dataclass(frozen=True)
class Delegate:
    user_id: str
    state: str
    affected: bool


def seed(url: str, entries: int, people: int) -> list[Delegate]:
    """The States Parties, one delegate per State (bench_platform.load) and more up to `people`, spread over
    the States; `entries` needs and as many offers; an MSP next year, so /meeting has an occasion."""
    engine = make_engine(url)
    now = datetime.now(UTC)
    upgrade(engine)
    sessions = make_session_factory(engine)
    load(sessions, now, entries)
    with sessions() as session:
        states = list_parties_on(session, now.date())
        known = set(session.scalars(select(Person.slack_user_id)))
        extra = [{"slack_user_id": f"UBENCHP{i:04d}", "locale": "en", "state_code": states[i % len(states)].code,
                  "is_focal_point": False, "created_at": now} for i in range(max(0, people - len(known)))]
        if extra:
            session.execute(insert(Person), extra)
        year = now.year + 1
        session.add(ConventionEvent(kind=EventKind.MSP, title="Meeting of the States Parties",
                                    starts_on=date(year, 11, 29), ends_on=date(year, 12, 3), place="Geneva",
                                    created_at=now, updated_at=now))
        session.commit()
        affected = {s.code for s in states if is_affected(s)}
        delegates = [Delegate(p.slack_user_id, p.state_code, p.state_code in affected)
                     for p in session.scalars(select(Person).where(Person.state_code.is_not(None)).order_by(Person.id))]
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:  # what autovacuum does after a bulk load; plans depend on it
            connection.execute(text("ANALYZE"))
    engine.dispose()
    return delegates


@contextmanager
def database(backend: str, folder: str, postgres_url: str) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{folder}/ack_latency.sqlite3"
        return
    with mock.patch.object(conftest, "POSTGRES_URL", postgres_url), conftest.postgres_schema() as url:
        yield url


# ------------------------------------------------------------------------------------------ the two servers


@dataclass
class Served:
    name: str
    process: subprocess.Popen
    url: str
    log: Path
    signer: SlackSigner = field(init=False)

    def __post_init__(self) -> None:
        self.signer = SlackSigner(self.url, SIGNING_SECRET, timeout=CLIENT_TIMEOUT)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serve(name: str, argv: list[str], env: dict[str, str], folder: str, ready_path: str) -> Iterator[Served]:
    """A server as a process of its own, in an empty folder (no .env is read), its log kept in the folder;
    ready once `ready_path` answers anything over HTTP. Stopped with SIGTERM (then killed) on leaving."""
    port = free_port()
    log = Path(folder) / f"{name}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(argv, env={**os.environ, **env, "HOST": "127.0.0.1", "PORT": str(port)},  # noqa: S603 - our own commands
                                   cwd=folder, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{name} stopped at start (exit {process.returncode}):\n{log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(url + ready_path, timeout=1):  # noqa: S310 - loopback
                    break
            except urllib.error.HTTPError:
                break  # it answers
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{name} did not answer within 60 s:\n{log.read_text()[-2000:]}") from None
                time.sleep(0.1)
        yield Served(name, process, url, log)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def memory_of(pid: int) -> dict[str, float]:
    """Resident memory now (VmRSS) and at its peak (VmHWM), in MB, from /proc."""
    figures = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            figures[key] = int(value.split()[0]) / 1024
    return figures


# ------------------------------------------------------------------------------------------ what is sent


@dataclass(frozen=True)
class Prepared:
    """One request ready to go: minted trigger id and response URL, so the clock runs on sending alone."""

    send: Callable[[SlackSigner], Response]
    trigger_id: str
    user_id: str


@dataclass(frozen=True)
class Kind:
    label: str
    opens_modal: bool
    prepare: Callable[[StandInHost, Delegate, int], Prepared]
    real: Callable[[Response], bool]  # pfp's answer is the real one, not a refusal
    who: str = "delegate"  # "affected": a delegate of a State with outstanding obligations (/meeting)
    is_command: bool = True  # the 1.5x target covers commands and the button


def _command(command: str, words: str) -> Callable[[StandInHost, Delegate, int], Prepared]:
    def prepare(fake: StandInHost, person: Delegate, _: int) -> Prepared:
        trigger, response_url = fake.new_trigger_id(person.user_id), fake.new_response_url(person.user_id, CHANNEL)
        return Prepared(lambda signer: signer.command(command, words, user_id=person.user_id, channel_id=CHANNEL,
                                                      trigger_id=trigger, response_url=response_url),
                        trigger, person.user_id)

    return prepare


def _button(fake: StandInHost, person: Delegate, number: int) -> Prepared:
    """Article 7's "Report submitted", pressed by a delegate of the State it names: recorded the first time,
    "already recorded" after; either way the answer replaces the message (response_url, replace_original)."""
    trigger, ts = fake.new_trigger_id(person.user_id), f"1700000000.{number:06d}"
    payload = block_action(person.user_id, SUBMITTED, submitted_value(person.state, date.today().year + 1),
                           channel=CHANNEL, message_ts=ts, response_url=fake.new_response_url(person.user_id, CHANNEL, ts),
                           block_id="article7", trigger_id=trigger)
    return Prepared(lambda signer: signer.interaction(payload), trigger, person.user_id)


def _submission(fake: StandInHost, person: Delegate, number: int) -> Prepared:
    trigger = fake.new_trigger_id(person.user_id)
    payload = form_submission(person.user_id, NEED_FORM, need_values(title=f"Benchmark need {number}"),
                              metadata={"id": None, "channel": CHANNEL}, trigger_id=trigger)
    return Prepared(lambda signer: signer.interaction(payload), trigger, person.user_id)


def _has_blocks(response: Response) -> bool:
    return response.status == 200 and b'"blocks"' in response.body


def _no_errors(response: Response) -> bool:
    return response.status == 200 and b'"errors"' not in response.body


KINDS = (
    Kind("/pfp help", False, _command("/pfp", "help"), _has_blocks),
    Kind("/need", True, _command("/need", ""), _no_errors),
    Kind("/pfp browse", True, _command("/pfp", "browse"), _no_errors),
    Kind("/meeting", True, _command("/meeting", ""), _no_errors, who="affected"),
    Kind("button (A7)", False, _button, _no_errors),
    Kind("need submit", False, _submission, _no_errors, is_command=False),
)


# ------------------------------------------------------------------------------------------ measuring


@dataclass
class Sample:
    seconds: float | None  # None: no answer (timeout, refused connection)
    status: int | None
    real: bool
    trigger_id: str
    user_id: str
    sent_at: float
    modal: float | None = None
    modal_error: str | None = None
    callback_id: str | None = None


def percentile(values: list[float], q: float) -> float | None:
    """Nearest rank: the smallest value with at least q of them at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def summary(samples: list[Sample], *, modal: bool) -> dict[str, Any]:
    # A request with no answer counts as the client's timeout, a modal that never came as the wait for it:
    # both lower bounds, so the percentiles never look better for what was lost (counted as failed too).
    answered = [CLIENT_TIMEOUT if s.seconds is None else s.seconds for s in samples]
    result: dict[str, Any] = {
        "n": len(samples),
        "p50": percentile(answered, 0.50), "p95": percentile(answered, 0.95), "p99": percentile(answered, 0.99),
        "mean": statistics.fmean(answered) if answered else None,
        "seconds": [None if s.seconds is None else round(s.seconds, 4) for s in samples],
        "non_200": sum(1 for s in samples if s.status is not None and s.status != 200),
        "no_answer": sum(1 for s in samples if s.seconds is None),
        "over_3s": sum(1 for s in samples if s.seconds is not None and s.seconds > SLACK_TIMEOUT),
        "not_real": sum(1 for s in samples if s.status == 200 and not s.real),
    }
    if modal:
        opened = [MODAL_WAIT if s.modal is None else s.modal for s in samples]  # refused ones arrived too
        result["modal"] = {
            "p50": percentile(opened, 0.50), "p95": percentile(opened, 0.95), "p99": percentile(opened, 0.99),
            "never_opened": sum(1 for s in samples if s.modal is None),
            "refused": dict(Counter(s.modal_error for s in samples if s.modal_error is not None)),
            "views": dict(Counter(s.callback_id or "-" for s in samples if s.modal is not None)),
        }
    result["failed"] = sum(1 for s in samples if failed(s, modal=modal))  # each counted once, whatever went wrong
    return result


def failed(sample: Sample, *, modal: bool) -> bool:
    if sample.seconds is None or sample.status != 200 or sample.seconds > SLACK_TIMEOUT or not sample.real:
        return True
    return modal and (sample.modal is None or sample.modal_error is not None)


class Bench:
    def __init__(self, fake: StandInHost, pfp: Served, bare: Served, delegates: list[Delegate]) -> None:
        self.fake, self.pfp, self.bare = fake, pfp, bare
        self.people = {"delegate": delegates, "affected": [d for d in delegates if d.affected]}
        self._turn: Counter[str] = Counter()
        self._pools: dict[int, ThreadPoolExecutor] = {}

    def close(self) -> None:
        for pool in self._pools.values():
            pool.shutdown()

    def _next(self, kind: Kind) -> tuple[Delegate, int]:
        people = self.people[kind.who]
        number = self._turn[kind.label]
        self._turn[kind.label] += 1
        return people[number % len(people)], number

    def burst(self, kind: Kind, target: Served, size: int) -> list[Sample]:
        prepared = [kind.prepare(self.fake, *self._next(kind)) for _ in range(size)]
        pool = self._pools.setdefault(size, ThreadPoolExecutor(max_workers=size, thread_name_prefix=f"c{size}"))
        go = threading.Barrier(size)

        def one(request: Prepared) -> Sample:
            go.wait()
            sent = time.monotonic()
            try:
                response = request.send(target.signer)
            except OSError:  # a timeout, a refused or dropped connection: no answer
                return Sample(None, None, False, request.trigger_id, request.user_id, sent)
            took = time.monotonic() - sent
            real = kind.real(response) if target is self.pfp else response.status == 200
            return Sample(took, response.status, real, request.trigger_id, request.user_id, sent)

        samples = list(pool.map(one, prepared))
        if kind.opens_modal and target is self.pfp:
            self._wait_for_modals(samples)
        return samples

    def _wait_for_modals(self, samples: list[Sample]) -> None:
        waiting = {s.trigger_id: s for s in samples}
        deadline = time.monotonic() + MODAL_WAIT
        while waiting and time.monotonic() < deadline:
            for trigger, opening in self.fake.openings(list(waiting)).items():
                sample = waiting.pop(trigger)
                sample.modal, sample.modal_error, sample.callback_id = (
                    opening.at - sample.sent_at, opening.error, opening.callback_id)
            if waiting:
                time.sleep(0.02)

    def measure(self, kind: Kind, concurrency: int, requests: int) -> tuple[list[Sample], list[Sample]]:
        samples: dict[str, list[Sample]] = {"pfp": [], "bare": []}
        for number in range(math.ceil(requests / concurrency)):
            order = (self.pfp, self.bare) if number % 2 == 0 else (self.bare, self.pfp)
            for target in order:
                samples[target.name] += self.burst(kind, target, concurrency)
        return samples["pfp"], samples["bare"]


def verdict(kind: Kind, concurrency: int, pfp: dict, bare: dict) -> dict[str, bool]:
    """The targets that apply to the row, each met or not."""
    checks = {"nothing failed": pfp["failed"] == 0 and bare["failed"] == 0}
    if kind.is_command and concurrency in RATIO_AT:
        ratio = None if pfp["p99"] is None or not bare["p99"] else pfp["p99"] / bare["p99"]
        checks[f"p99 <= {RATIO_TARGET}x bare"] = ratio is not None and ratio <= RATIO_TARGET
    if kind.opens_modal and concurrency in MODAL_AT:
        p99 = pfp["modal"]["p99"]
        checks[f"modal p99 <= {MODAL_TARGET:g} s"] = (p99 is not None and p99 <= MODAL_TARGET
                                                     and pfp["modal"]["never_opened"] == 0)
    if not kind.is_command and concurrency in MODAL_AT:
        checks[f"p99 <= {SUBMIT_TARGET:g} s"] = pfp["p99"] is not None and pfp["p99"] <= SUBMIT_TARGET
    return checks


# ------------------------------------------------------------------------------------------ printing


def ms(value: float | None) -> str:
    return "     -" if value is None else f"{value * 1000:6.0f}"


HEADER = (f"{'db':<10} {'lat s':>5} {'conc':>4} {'command':<12} {'n':>4} | {'pfp p50':>7} {'p95':>6} {'p99':>6} | "
          f"{'bare p99':>8} | {'ratio':>5} | {'modal p99':>9} | {'failed pfp/bare':>15} | verdict")


def row_line(row: dict) -> str:
    pfp, bare = row["pfp"], row["bare"]
    ratio = row["ratio_p99"]
    modal = ms(pfp["modal"]["p99"]) if "modal" in pfp else "     -"
    missed = [name for name, met in row["targets"].items() if not met]
    shown = "MISS: " + "; ".join(missed) if missed else "PASS: " + "; ".join(row["targets"])
    if pfp["failed"] or bare["failed"]:
        shown += f"  [pfp {what_failed(pfp)}; bare {what_failed(bare)}]"
    return (f"{row['database']:<10} {row['latency']:>5.1f} {row['concurrency']:>4} {row['command']:<12} "
            f"{pfp['n']:>4} | {ms(pfp['p50']):>7} {ms(pfp['p95'])} {ms(pfp['p99'])} | {ms(bare['p99']):>8} | "
            f"{'    -' if ratio is None else f'{ratio:5.1f}'} | {modal:>9} | "
            f"{pfp['failed']:>7}/{bare['failed']:<7} | {shown}")


def what_failed(figures: dict) -> str:
    counts = {"non-200": figures["non_200"], "no answer": figures["no_answer"], "over 3 s": figures["over_3s"],
              "not real": figures["not_real"]}
    if "modal" in figures:
        counts["no modal"] = figures["modal"]["never_opened"]
        counts.update(figures["modal"]["refused"])
    return ", ".join(f"{name} {count}" for name, count in counts.items() if count) or "none"


# ------------------------------------------------------------------------------------------ the run


def run(backend: str, url: str, folder: str, args: argparse.Namespace, kinds: list[Kind]) -> dict[str, Any]:
    started = time.perf_counter()
    delegates = seed(url, args.entries, args.people)
    seeded = time.perf_counter() - started
    print(f"[{backend}] seeded {args.entries:,} needs, {args.entries:,} offers, {len(delegates):,} delegates "
          f"({sum(d.affected for d in delegates)} of affected States) in {seeded:.1f} s", flush=True)
    rows: list[dict[str, Any]] = []
    with ExitStack() as stack:
        fake = stack.enter_context(stand_in_process(TOKEN))
        slack_env = {"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": fake.base_url()}
        pfp_env = {**slack_env, "DATABASE_URL": url, "PFP_ISU_CHANNEL": ISU_CHANNEL, "PFP_ADMINS": ADMIN,
                   "PFP_PLATFORM_CHANNEL": PLATFORM_CHANNEL, "PFP_SLACK_PACE_SECONDS": "0", "PFP_SCHEDULER": "off"}
        pfp_script = Path(sys.executable).with_name("pfp")
        replicas = [stack.enter_context(serve("pfp" if args.replicas == 1 else f"pfp-{n}", [str(pfp_script), "serve"],
                                              pfp_env, folder, "/healthz")) for n in range(1, args.replicas + 1)]
        pfp = replicas[0]
        if args.replicas > 1:  # one address for all, each new connection to the next replica in turn
            splitter = RoundRobinProxy([("127.0.0.1", int(r.url.rsplit(":", 1)[1])) for r in replicas])
            stack.callback(splitter.close)
            pfp = Served("pfp", pfp.process, f"http://127.0.0.1:{splitter.port}", pfp.log)
        bare_env = {**slack_env, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}  # run from an empty folder
        bare = stack.enter_context(serve("bare", [sys.executable, "-m", "tests.benchmarks.bare_bolt"], bare_env,
                                         folder, "/slack/events"))
        bench = Bench(fake, pfp, bare, delegates)
        stack.callback(bench.close)
        where = (f"processes on {os.cpu_count()} cores: pfp serve pid {', '.join(str(r.process.pid) for r in replicas)}"
                 + (" behind a round-robin splitter in this client's process" if args.replicas > 1 else "")
                 + f", bare Bolt pid "
                 f"{bare.process.pid}, Slack stand-in pid {fake.pid()}, this client pid {os.getpid()} "
                 f"(one thread per request in flight)")
        print(f"[{backend}] {where}; {args.requests} requests per row and server, in bursts of the concurrency "
              "at once, pfp and bare in turn; times in ms", flush=True)
        warm_up(bench, kinds)
        print(HEADER, flush=True)
        for latency in args.latency:
            fake.set_latency(latency)
            for concurrency in args.concurrency:
                for kind in kinds:
                    pfp_samples, bare_samples = bench.measure(kind, concurrency, args.requests)
                    pfp_figures = summary(pfp_samples, modal=kind.opens_modal)
                    bare_figures = summary(bare_samples, modal=False)
                    ratio = (pfp_figures["p99"] / bare_figures["p99"]
                             if pfp_figures["p99"] is not None and bare_figures["p99"] else None)
                    row = {"database": backend, "latency": latency, "concurrency": concurrency, "command": kind.label,
                           "pfp": pfp_figures, "bare": bare_figures, "ratio_p99": ratio}
                    row["targets"] = verdict(kind, concurrency, pfp_figures, bare_figures)
                    row["verdict"] = "PASS" if all(row["targets"].values()) else "MISS"
                    rows.append(row)
                    print(row_line(row), flush=True)
                    row["settled_seconds"] = settle(fake, latency)
                    fake.clear()  # keeps the stand-in's records from growing run after run
        memory = memory_of(pfp.process.pid)
        logged = "".join(r.log.read_text(errors="replace") for r in replicas)
        if args.replicas > 1:
            print(f"[{backend}] connections per replica: {sorted(splitter.relayed.values())}", flush=True)
        errors = sum(1 for line in logged.splitlines() if any(w in line for w in ("Traceback", " ERROR ", " WARNING ")))
    kept = args.json.with_name(f"{args.json.stem}-{backend}-pfp.log")  # the folder goes; the log stays
    kept.parent.mkdir(parents=True, exist_ok=True)
    kept.write_text(logged)
    stored = stored_submissions(url)
    sent = sum(r["pfp"]["n"] for r in rows if r["command"] == "need submit")
    print(f"[{backend}] pfp serve's log: {errors} warning or error line(s) ({kept}); need submissions stored: "
          f"{stored} of {sent} sent (after warm-up)", flush=True)
    rss = memory.get("VmRSS", 0.0)
    memory_row: dict[str, Any] = {"database": backend, "entries": 2 * args.entries, **memory}
    if args.memory:
        memory_row["target_mb"] = RSS_TARGET_MB
        memory_row["verdict"] = "PASS" if rss <= RSS_TARGET_MB else "MISS"
        note = f"{memory_row['verdict']} against {RSS_TARGET_MB:.0f} MB"
    else:
        note = f"(the {RSS_TARGET_MB:.0f} MB target is for 100,000 entries: --memory)"
    print(f"[{backend}] pfp serve after the benchmark, {2 * args.entries:,} entries: VmRSS {rss:.0f} MB, "
          f"peak VmHWM {memory.get('VmHWM', 0.0):.0f} MB {note}", flush=True)
    return {"rows": rows, "memory": memory_row, "where": where, "seeded_seconds": seeded,
            "log_error_lines": errors, "submissions": {"sent": sent, "stored": stored}}


def stored_submissions(url: str) -> int:
    """Needs the benchmark's submissions stored (their titles say so), the warm-up's left out."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(Need).where(
                Need.title.like("Benchmark need %"), Need.title != "Benchmark need 0")).scalar_one()
    finally:
        engine.dispose()


def settle(fake: StandInHost, latency: float, most: float = 120.0) -> float:
    """Waits until pfp's work after its answers (notifications, matching) is over, so that the next row does
    not pay for this one: until no call has reached the stand-in for longer than one answer takes, plus half a
    second. Returns how long that took."""
    started = time.monotonic()
    quiet, count, since = latency + 0.5, fake.count(), started
    while time.monotonic() - since < quiet:
        if time.monotonic() - started > most:
            print(f"  pfp was still calling Slack {most:.0f} s after the row; going on", flush=True)
            break
        time.sleep(0.1)
        now = fake.count()
        if now != count:
            count, since = now, time.monotonic()
    return time.monotonic() - started


def warm_up(bench: Bench, kinds: list[Kind]) -> None:
    """Each request once to each server, not measured; and a word on what pfp answered, so a refusal
    (someone not registered, no occasion for a meeting) shows before the figures do."""
    for kind in kinds:
        for target in (bench.pfp, bench.bare):
            (sample,) = bench.burst(kind, target, 1)
            if target is bench.pfp:
                opened = ""
                if kind.opens_modal and (sample.modal is None or sample.modal_error):
                    opened = f", NO MODAL ({sample.modal_error or 'never opened'})"
                elif kind.opens_modal:
                    time.sleep(0.5)  # a loading view is filled by views.update: show what it became
                    shown = bench.fake.views(sample.user_id)
                    opened = (f", opened {sample.callback_id or 'a view without callback_id'}, now showing "
                              f"{shown[-1].get('callback_id') if shown else 'nothing'}")
                print(f"  warm-up {kind.label:<12} pfp {sample.status}{'' if sample.real else ' NOT REAL'}{opened}")
    answers = [body for _, body in bench.fake.calls_to("response_url")]
    replaced = sum(1 for body in answers if str(body.get("replace_original")).lower() == "true")
    print(f"  warm-up: {len(answers)} answer(s) through response_url, {replaced} replacing the message "
          "(the button's)", flush=True)
    settle(bench.fake, 0.0)
    bench.fake.clear()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, help="per command, concurrency and server (default 100)")
    parser.add_argument("--latency", type=float, nargs="+", help="seconds the stand-in waits to answer (0 0.3)")
    parser.add_argument("--concurrency", type=int, nargs="+", help="requests at once (1 10 50)")
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), help="default both")
    parser.add_argument("--entries", type=int, help="needs, and as many offers (10,000; 50,000 with --memory)")
    parser.add_argument("--people", type=int, default=1000, help="registered delegates (1,000)")
    parser.add_argument("--commands", nargs="+", choices=[k.label for k in KINDS], help="a subset")
    parser.add_argument("--memory", action="store_true", help="100,000 entries; pfp serve's memory against 150 MB")
    parser.add_argument("--quick", action="store_true", help="a smoke run: SQLite, 10 requests, 0 s, concurrency 1 10")
    parser.add_argument("--replicas", type=int, default=1,
                        help="pfp serve processes on one PostgreSQL database behind a round-robin splitter (1)")
    parser.add_argument("--json", type=Path, default=Path("test-artifacts/ack_latency.json"))
    parser.add_argument("--postgres-url", default=os.environ.get("PFP_TEST_DATABASE_URL") or POSTGRES_DEFAULT)
    args = parser.parse_args(argv)
    quick = args.quick
    args.requests = args.requests or (10 if quick else 100)
    args.latency = args.latency or ([0.0] if quick else [0.0, 0.3])
    args.concurrency = args.concurrency or ([1, 10] if quick else [1, 10, 50])
    args.database = args.database or ("sqlite" if quick else "both")
    args.entries = args.entries or (50_000 if args.memory else 10_000)
    kinds = [k for k in KINDS if not args.commands or k.label in args.commands]
    backends = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    if args.replicas > 1 and backends != ["postgresql"]:
        parser.error("--replicas needs --database postgresql: replicas share one PostgreSQL database")

    results: dict[str, Any] = {"started": datetime.now(UTC).isoformat(timespec="seconds"),
                               "settings": {k: v for k, v in vars(args).items() if k not in ("json", "postgres_url")},
                               "targets": {"ratio_p99": RATIO_TARGET, "ratio_at_concurrency": RATIO_AT,
                                           "modal_p99_s": MODAL_TARGET, "submission_p99_s": SUBMIT_TARGET,
                                           "at_concurrency": MODAL_AT, "rss_mb": RSS_TARGET_MB},
                               "button": "article7.submitted (Report submitted): replaces the message via "
                                         "response_url replace_original",
                               "databases": {}}
    for backend in backends:
        with tempfile.TemporaryDirectory(prefix="ack-latency-") as folder, \
                database(backend, folder, args.postgres_url) as url:
            results["databases"][backend] = run(backend, url, folder, args, kinds)
    rows = [row for result in results["databases"].values() for row in result["rows"]]
    missed = [row for row in rows if row["verdict"] == "MISS"]
    print(f"{len(rows) - len(missed)} of {len(rows)} rows PASS, {len(missed)} MISS")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2, default=_plain))
    print(f"written: {args.json}")
    return 0


def _plain(value: Any) -> Any:
    if hasattr(value, "__dataclass_fields__"):
        return asdict(value)
    return str(value)


if __name__ == "__main__":
    sys.exit(main())
