"""Where `make demo` serves: ``PORT`` (default 8000) on the loopback, and ``ART28_BASE_URL`` following it
unless set. ``scripts/demo`` runs ``python -m art28.demo.address`` and evaluates the shell lines it prints,
so the port logic lives here, tested, rather than in the shell script. Needs no Django settings."""

from __future__ import annotations

import shlex
import sys
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_PORT = 8000
HOST = "127.0.0.1"


class PortError(ValueError):
    pass


@dataclass(frozen=True)
class DemoAddress:
    port: int
    base_url: str

    @property
    def bind(self) -> str:
        """What ``runserver`` listens on."""
        return f"{HOST}:{self.port}"

    @property
    def url(self) -> str:
        """The address printed for the visitor: where the demo answers on this machine."""
        return f"http://{HOST}:{self.port}/"


def demo_address(environ: Mapping[str, str]) -> DemoAddress:
    """The demo's port and public base URL from the environment (``PORT``, ``ART28_BASE_URL``)."""
    raw = environ.get("PORT", "").strip() or str(DEFAULT_PORT)
    if not raw.isdigit() or not 1 <= int(raw) <= 65535:
        raise PortError(f"PORT must be a TCP port number (1-65535), not {raw!r}")
    port = int(raw)
    base_url = environ.get("ART28_BASE_URL", "").strip() or f"http://{HOST}:{port}"
    return DemoAddress(port=port, base_url=base_url)


def shell_exports(address: DemoAddress) -> str:
    """Lines for ``eval`` in a POSIX shell."""
    return "\n".join(
        f"export {name}={shlex.quote(value)}"
        for name, value in (
            ("PORT", str(address.port)),
            ("ART28_BASE_URL", address.base_url),
            ("ART28_DEMO_BIND", address.bind),
            ("ART28_DEMO_URL", address.url),
        )
    )


def main(environ: Mapping[str, str]) -> int:
    try:
        address = demo_address(environ)
    except PortError as error:
        print(f"scripts/demo: {error}", file=sys.stderr)
        return 2
    print(shell_exports(address))
    return 0


if __name__ == "__main__":
    import os

    sys.exit(main(os.environ))
