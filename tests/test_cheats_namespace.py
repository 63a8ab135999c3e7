"""Attacks on the sandbox itself, one or more per class of weakness of issue 10, graded
by real ``nbgrader autograde`` (and by ``calcml-grade`` through its local pool and Dask).

1. student files that would run before confinement (an import hijack on restart);
2. the kernel's identity: uid, capabilities, ``/etc/shadow``;
3. ways out that are not TCP: UDP, a Unix socket file, System V shared memory;
4. the reference implementation through links and system paths;
5. links in a submission (symlinked or hard-linked notebook, symlinked data file);
6. the gradebook: SQLite file, PostgreSQL over TCP and over its Unix socket;
7. limits on the whole tree: forked children's memory, many files, endless cells.

Every attack prints what it reached; the tests read it back from the graded notebook
and check the machine itself (a listener, a marker file, a shared-memory key).
"""

from __future__ import annotations

import ctypes
import glob
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from course import REPO, Course, with_answers, with_extra_cell
from pg import available, postgres_server

A = "01_derivatives"
WRONG_SIGMOID = "def sigmoid(z):\n    return 0.5 + 0 * np.asarray(z, dtype=float)"
SHM_KEY = 0x5CA1C0DE
VENV_SITE = Path(sys.prefix, "lib64", f"python{sys.version_info[0]}.{sys.version_info[1]}",
                 "site-packages")

IDENTITY = """import os
print('UID', os.getuid(), 'GID', os.getgid())
status = dict(l.split(':', 1) for l in open('/proc/self/status') if ':' in l)
print('CAPEFF', status['CapEff'].strip(), 'CAPBND', status['CapBnd'].strip())
print('NONEWPRIVS', status['NoNewPrivs'].strip())
for path in ('/etc/shadow', '/etc/gshadow', '/root/.bash_history'):
    try:
        open(path).read()
        print('READ', path)
    except OSError as e:
        print('blocked', path, type(e).__name__)
"""

def hijack_cell(real_package: str, marker: str) -> str:
    """A cell that plants ``autograder/__init__.py`` and ``argparse.py`` in the working
    copy (each writes ``marker`` when imported) and ends its kernel, so that the restarted
    kernel would import them if anything of the working copy ran before confinement."""
    init = (f"__path__ = [{real_package!r}]\ntry:\n"
            f"    open({marker!r}, 'w').write('ran before confinement')\n"
            "except OSError:\n    pass\n")
    fake_argparse = (f"open({marker + '-argparse'!r}, 'w').write('argparse hijacked')\n"
                     "raise ImportError('hijacked')\n")
    return ("import os, pathlib\n"
            "pathlib.Path('autograder').mkdir(exist_ok=True)\n"
            f"pathlib.Path('autograder/__init__.py').write_text({init!r})\n"
            f"pathlib.Path('argparse.py').write_text({fake_argparse!r})\n"
            "os._exit(0)\n")


NETWORK = """import socket
print('INTERFACES', sorted(name for _, name in socket.if_nameindex()))
try:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.sendto(b'hidden inputs', ('127.0.0.1', UDPPORT))
    print('UDP SENT')
except OSError as e:
    print('udp blocked', type(e).__name__)
try:
    u = socket.socket(socket.AF_UNIX)
    u.settimeout(2)
    u.connect('UNIXPATH')
    print('UNIX CONNECTED')
except OSError as e:
    print('unix blocked', type(e).__name__)
try:
    socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    print('RAW SOCKET')
except OSError as e:
    print('raw blocked', type(e).__name__)
"""

SHM = """import ctypes
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
shmid = libc.shmget(KEY, 4096, FLAGS)
if shmid < 0:
    print('no segment')
else:
    addr = libc.shmat(shmid, None, 0)
    if WRITE:
        ctypes.memmove(addr, b'ANSWERS', 7)
        print('SHM WRITTEN')
    else:
        print('SHM FOUND', ctypes.string_at(addr, 7))
"""

REFERENCE = f"""import os
for path in {[str(REPO / "calcml" / "functions.py"),
              str(Path(sys.prefix) / "lib64" / ".." / ".." / "calcml" / "functions.py"),
              str(VENV_SITE / "calcml" / "functions.py"),
              "/proc/1/root" + str(REPO / "calcml" / "functions.py"),
              str(REPO / "solutions" / A / f"{A}.ipynb")]!r}:
    try:
        open(path).read()
        print('READ', path)
    except OSError as e:
        print('blocked', path, type(e).__name__)
try:
    import calcml.functions
    print('IMPORTED calcml')
except Exception as e:
    print('import blocked', type(e).__name__)
"""

FORK_MEMORY = """import os, time
r, w = os.pipe()
kids = []
for i in range(4):
    pid = os.fork()
    if pid == 0:
        try:
            hog = bytearray(b'x') * (300 << 20)
            os.write(w, b'1')
        except MemoryError:
            os.write(w, b'0')
        time.sleep(60)
        os._exit(0)
    kids.append(pid)
time.sleep(5)
got = os.read(r, 64)
print('HELD', got.count(b'1'))
for k in kids:
    os.kill(k, 9)
"""

FILL_DISK = """import os
for folder in ('.', '/tmp', '/run/kernel', os.environ.get('HOME', '.')):
    n = 0
    try:
        for n in range(60):
            with open(os.path.join(folder, f'fill{n}.bin'), 'wb') as f:
                f.write(b'x' * (16 << 20))
        n = 60
    except OSError as e:
        print('stopped', folder, type(e).__name__)
    print('WROTE', folder, n)
    for k in range(n + 1):
        try:
            os.remove(os.path.join(folder, f'fill{k}.bin'))
        except OSError:
            pass
"""

GRADEBOOK = """import socket, glob
try:
    print(open('DB', 'rb').read(16))
    print('READ gradebook')
except OSError as e:
    print('sqlite blocked', type(e).__name__)
try:
    socket.create_connection(('127.0.0.1', PORT), timeout=2)
    print('TCP REACHED')
except OSError as e:
    print('tcp blocked', type(e).__name__)
try:
    u = socket.socket(socket.AF_UNIX)
    u.settimeout(2)
    u.connect('SOCKET')
    print('UNIX REACHED')
except OSError as e:
    print('unix blocked', type(e).__name__)
"""


def shm_remove(key: int) -> None:
    """Remove the shared-memory segment ``key`` from the host, if an attack left one."""
    libc = ctypes.CDLL(None, use_errno=True)
    shmid = libc.shmget(key, 0, 0)
    if shmid >= 0:
        libc.shmctl(shmid, 0, None)  # IPC_RMID


def autograde(course: Course, *extra: str) -> subprocess.CompletedProcess[str]:
    """Plain nbgrader autograde of everyone, with command-line settings; no check."""
    return course.nbgrader("autograde", A, "--force", *extra, check=False)


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    course = Course(root, timeout=8.0)
    course.generate(A)
    source = course.source(A)
    course.submit("alice", A, source)
    marker = root / "hijack-marker"
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    udp.setblocking(False)
    unix_dir = tempfile.mkdtemp(prefix="calcml-unix-")
    os.chmod(unix_dir, 0o755)
    unix_path = os.path.join(unix_dir, "s")
    unix = socket.socket(socket.AF_UNIX)
    unix.bind(unix_path)
    os.chmod(unix_path, 0o777)
    unix.listen(4)
    unix.setblocking(False)
    shm_remove(SHM_KEY)

    real_package = str(REPO / "autograder")
    attacks = {
        "hijack": hijack_cell(real_package, str(marker)),
        "identity": IDENTITY,
        "network": NETWORK.replace("UDPPORT", str(udp.getsockname()[1]))
                          .replace("UNIXPATH", unix_path),
        "shm1writer": SHM.replace("KEY", str(SHM_KEY)).replace("FLAGS", "0o1666")
                         .replace("WRITE", "True"),
        "shm2reader": SHM.replace("KEY", str(SHM_KEY)).replace("FLAGS", "0o666")
                         .replace("WRITE", "False"),
        "reference": REFERENCE,
        "forkmemory": FORK_MEMORY,
        "filldisk": FILL_DISK,
    }
    for student, cell in attacks.items():
        course.submit(student, A, with_extra_cell(source, cell))
    check_after = ("import os\nprint('files now:', sorted(os.listdir('.')))\n"
                   f"print('MARKER' if os.path.exists({str(marker)!r}) else 'no marker')")
    hijacker = with_extra_cell(with_extra_cell(source, attacks["hijack"]), check_after,
                               after="sigmoid")
    course.submit("hijack", A, hijacker)
    proc = autograde(course, "--SandboxedGrading.memory_mb=700",
                     "--SandboxedGrading.disk_mb=128")
    try:
        udp_got = udp.recv(100)
    except BlockingIOError:
        udp_got = b""
    try:
        unix.accept()
        unix_reached = True
    except BlockingIOError:
        unix_reached = False
    udp.close()
    unix.close()
    shm_remove(SHM_KEY)
    return course, proc, {"marker": marker, "udp": udp_got, "unix": unix_reached}


def said(course: Course, student: str, containing: str) -> str:
    return course.output(A, student, containing=containing)


@pytest.mark.slow
def test_1_nothing_the_student_wrote_runs_before_confinement(attacked):
    course, proc, seen = attacked
    assert not seen["marker"].exists(), seen["marker"].read_text()
    assert not Path(str(seen["marker"]) + "-argparse").exists()
    full = course.scores(A)["alice"]
    assert course.scores(A)["hijack"] == full, proc.stderr[-3000:]


@pytest.mark.slow
def test_2_the_kernel_is_an_unprivileged_user_that_sees_no_secrets(attacked):
    course, *_ = attacked
    out = said(course, "identity", "CapEff")
    uid = re.search(r"UID (\d+)", out)
    assert uid and int(uid.group(1)) != 0, out
    assert "CAPEFF 0000000000000000 CAPBND 0000000000000000" in out, out
    assert "NONEWPRIVS 1" in out, out
    assert "READ" not in out, out


@pytest.mark.slow
def test_3_no_udp_no_unix_socket_no_raw_socket(attacked):
    course, _, seen = attacked
    out = said(course, "network", "SOCK_DGRAM")
    assert seen["udp"] == b"", "a UDP datagram from a submission reached the grading machine"
    assert not seen["unix"], "a submission connected to a Unix socket of the grading machine"
    # (a datagram may leave the socket: it goes to the sandbox's own loopback, nowhere else)
    assert "INTERFACES ['lo']" in out, out
    assert "UNIX CONNECTED" not in out and "RAW SOCKET" not in out, out


@pytest.mark.slow
def test_3_no_shared_memory_between_students(attacked):
    course, *_ = attacked
    out = said(course, "shm2reader", "shmget")
    assert "SHM FOUND" not in out, out
    assert "no segment" in out, out


@pytest.mark.slow
def test_4_the_reference_is_out_of_reach_by_every_path(attacked):
    course, *_ = attacked
    out = said(course, "reference", "calcml.functions")
    assert "READ" not in out and "IMPORTED" not in out, out
    assert out.count("blocked") >= 5, out


@pytest.mark.slow
def test_7_children_cannot_hold_more_memory_than_the_kernel_may(attacked):
    course, *_ = attacked
    out = said(course, "forkmemory", "os.fork()")
    held = re.search(r"HELD (\d+)", out)
    assert held is None or int(held.group(1)) * 300 <= 700, out
    assert course.scores(A)["forkmemory"]["sigmoid"] == course.scores(A)["alice"]["sigmoid"]


@pytest.mark.slow
def test_7_the_working_copy_has_a_bounded_size(attacked):
    course, *_ = attacked
    out = said(course, "filldisk", "fill{n}")
    wrote = dict(re.findall(r"WROTE (\S+) (\d+)", out))
    assert len(wrote) >= 3, out
    for folder, files in wrote.items():  # 128 MiB working copy, 16 MiB /tmp, 1 MiB sockets
        assert int(files) * 16 <= 128, f"{files} files of 16 MiB in {folder}:\n{out}"


def _link_course(tmp_path: Path) -> tuple[Course, subprocess.CompletedProcess[str]]:
    course = Course(tmp_path, timeout=8.0)
    course.generate(A)
    source = course.source(A)
    solution = tmp_path / "solutions" / A / f"{A}.ipynb"
    folder = course.submit("symlinked", A, source)
    (folder / f"{A}.ipynb").unlink()
    (folder / f"{A}.ipynb").symlink_to(Path("..", "..", "..", "solutions", A, f"{A}.ipynb"))
    folder = course.submit("hardlinked", A, source)
    (folder / f"{A}.ipynb").unlink()
    os.link(solution, folder / f"{A}.ipynb")
    reader = with_extra_cell(with_answers(source, {"sigmoid": WRONG_SIGMOID}),
                             "try:\n    print(open('grades.db', 'rb').read(15))\n"
                             "except OSError as e:\n    print('no data file', type(e).__name__)")
    folder = course.submit("datalink", A, reader)
    (folder / "grades.db").symlink_to(Path("..", "..", "..", "gradebook.db"))
    return course, autograde(course)


@pytest.mark.slow
def test_5_links_in_a_submission_are_refused_and_named(tmp_path):
    course, proc = _link_course(tmp_path)
    scores = course.scores(A)
    for student in ("symlinked", "hardlinked", "datalink"):
        assert not any(scores.get(student, {}).values()), (student, scores.get(student))
    for name in (f"symlinked/{A}/{A}.ipynb", f"hardlinked/{A}/{A}.ipynb",
                 f"datalink/{A}/grades.db"):
        assert name in proc.stderr, f"{name} not named:\n{proc.stderr[-4000:]}"
    assert "SQLite" not in said(course, "datalink", "grades.db")


@pytest.mark.slow
def test_7_endless_cells_cost_at_most_the_notebook_budget(tmp_path):
    course = Course(tmp_path, timeout=3.0)
    course.generate(A)
    nb = course.source(A)
    for _ in range(10):
        nb = with_extra_cell(nb, "while True:\n    pass")
    course.submit("endless", A, nb)
    start = time.monotonic()
    proc = autograde(course, "--SandboxedGrading.notebook_seconds=20")
    took = time.monotonic() - start
    assert took < 50, f"one notebook of endless cells took {took:.0f} s:\n{proc.stderr[-2000:]}"
    assert "budget" in course.output(A, "endless", grade_id="test_sigmoid"), (
        course.output(A, "endless", grade_id="test_sigmoid"))


@pytest.mark.slow
@pytest.mark.skipif(available() is not None, reason=str(available()))
def test_6_the_gradebook_is_out_of_reach_sqlite_and_postgres(tmp_path):
    with postgres_server() as url:
        port = int(url.rsplit(":", 1)[1].split("/")[0])
        (pg_socket,) = glob.glob(f"/tmp/calcml-pg-*/run/.s.PGSQL.{port}")
        course = Course(tmp_path / "course", db_url=url)
        course.generate(A)
        source = course.source(A)
        sqlite = tmp_path / "course" / "gradebook.db"
        sqlite.write_bytes(b"SQLite format 3\0")
        cell = (GRADEBOOK.replace("DB", str(sqlite)).replace("PORT", str(port))
                .replace("SOCKET", pg_socket))
        course.submit("dbthief", A, with_extra_cell(source, cell))
        autograde(course)
        out = said(course, "dbthief", "create_connection")
    assert "REACHED" not in out and "READ" not in out, out
    assert out.count("blocked") == 3, out


def _grade_class(tmp_path: Path, *args: str) -> tuple[Course, subprocess.CompletedProcess[str]]:
    course = Course(tmp_path, timeout=8.0)
    course.generate(A)
    source = course.source(A)
    course.submit("identity", A, with_extra_cell(source, IDENTITY))
    folder = course.submit("symlinked", A, source)
    (folder / f"{A}.ipynb").unlink()
    (folder / f"{A}.ipynb").symlink_to(Path("..", "..", "..", "solutions", A, f"{A}.ipynb"))
    proc = subprocess.run([sys.executable, "-m", "autograder.cli", "autograde", A, *args],
                          cwd=REPO, env=course.env, capture_output=True, text=True, timeout=900)
    return course, proc


@pytest.mark.slow
@pytest.mark.parametrize("args", [("--workers", "2"), ("--scheduler", "local", "--workers", "1")],
                         ids=["local pool", "dask"])
def test_calcml_grade_uses_the_same_sandbox(tmp_path, args):
    course, proc = _grade_class(tmp_path, *args)
    out = said(course, "identity", "CapEff")
    uid = re.search(r"UID (\d+)", out)
    assert uid and int(uid.group(1)) != 0, out + proc.stdout + proc.stderr[-2000:]
    assert "CAPEFF 0000000000000000" in out and "READ" not in out, out
    assert not any(course.scores(A).get("symlinked", {}).values()), proc.stdout
    # (the summary shows only the tail of nbgrader's log, which names the file earlier)
    assert f"symlinked / {A}" in proc.stdout, proc.stdout
