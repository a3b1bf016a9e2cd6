"""Root without its powers over files, for tests of homes and files a user may not write.

Root reads and writes any file whatever its mode, so a read-only home can only be shown to an
account bound by file modes. Switching to ``nobody`` needs a checkout ``nobody`` can read, which
a clone under a private temporary folder is not. Instead the test keeps root's identity (so the
checkout, owned by root, stays readable) and a forked child drops every capability: from then on
the kernel checks it against a file's owner bits like anyone else, in that child and in any
program it runs. The test process itself keeps its powers.
"""

from __future__ import annotations

import ctypes
import os
import traceback
from collections.abc import Callable
from pathlib import Path

PR_CAPBSET_DROP = 24
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
LINUX_CAPABILITY_VERSION_3 = 0x20080522
LAST_CAP_FILE = Path("/proc/sys/kernel/cap_last_cap")


class _Header(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _Data(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


def drop_root_powers() -> None:
    """Give up every capability of this process and of what it runs; nothing when not root.

    Meant for a forked child (``subprocess.run(..., preexec_fn=drop_root_powers)`` or
    ``as_another_account``): there is no way back.
    """
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    last = int(LAST_CAP_FILE.read_text(encoding="ascii"))
    # The bounding set first (dropping needs CAP_SETPCAP, which goes last): a program run as
    # root afterwards gets only what the bounding set allows, so nothing.
    for capability in range(last + 1):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), f"cannot drop capability {capability}")
    libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    header = _Header(LINUX_CAPABILITY_VERSION_3, 0)
    data = (_Data * 2)()
    if libc.capset(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "cannot clear this process's capabilities")


def as_another_account(check: Callable[[], None]) -> None:
    """Run ``check`` bound by file modes: in a forked child without root's powers when the suite
    runs as root (as CI does), else right here. The child has everything already imported."""
    if os.geteuid() != 0:
        check()
        return
    child = os.fork()
    if child == 0:  # pragma: no cover - the child reports through its exit status only
        status = 1
        try:
            drop_root_powers()
            check()
            status = 0
        except BaseException:
            traceback.print_exc()  # the parent's assertion below says only that it failed
        finally:
            os._exit(status)
    _pid, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0, "the check failed without root's powers"
