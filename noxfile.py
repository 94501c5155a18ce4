"""Development sessions: `nox -s tests`, `lint`, `bench`, `wheel`, `demo`."""

from __future__ import annotations

import nox

nox.options.sessions = ["tests"]
nox.options.reuse_existing_virtualenvs = True


def install_scuff(session: nox.Session, *extras: str) -> None:
    # scikit-build-core keeps its build folder under build/, so reinstalling is incremental.
    target = f".[{','.join(extras)}]" if extras else "."
    session.install(target)


@nox.session
def tests(session: nox.Session) -> None:
    """The whole test suite, against the installed wheel."""
    install_scuff(session, "test")
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    session.install("ruff")
    session.run("ruff", "check", "python", "tests", "noxfile.py")


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks; they print ratios against baselines measured in the same run."""
    install_scuff(session, "test")
    session.run("python", "tests/benchmarks/run.py", *session.posargs)


@nox.session
def wheel(session: nox.Session) -> None:
    session.install("build")
    session.run("python", "-m", "build", "--wheel", "--outdir", "dist")


@nox.session
def demo(session: nox.Session) -> None:
    """Renders a test signal through a real installed plugin in a sandbox."""
    install_scuff(session)
    session.run("scuff", "demo", *session.posargs)
