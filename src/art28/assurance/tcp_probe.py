"""One TCP probe: can this process connect to HOST:PORT? Used in-process by probes.probe_tcp and, as
``python -m art28.assurance.tcp_probe HOST PORT TIMEOUT [SOURCE]``, by ``ip netns exec`` inside a tenant's
network namespace (it then prints ``yes|no DETAIL``). No Django here, so the child starts fast."""

from __future__ import annotations

import socket
import sys


def attempt(host: str, port: int, timeout: float, source: str | None = None) -> tuple[bool, str]:
    """(connected?, what happened): refused, unanswered (filtered) and unreachable are all refusals."""
    try:
        with socket.create_connection((host, port), timeout=timeout, source_address=(source, 0) if source else None):
            return True, "succeeded: connected"
    except ConnectionRefusedError:
        return False, "refused: connection refused"
    except TimeoutError:
        return False, f"refused: no answer within {timeout:g} s (filtered)"
    except OSError as exc:
        return False, f"refused: {exc.strerror or exc}"


def main(argv: list[str]) -> int:
    connected, detail = attempt(argv[0], int(argv[1]), float(argv[2]), argv[3] if len(argv) > 3 and argv[3] else None)
    print("yes" if connected else "no", detail)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
