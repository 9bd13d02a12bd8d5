"""The address learners can reach: what the live screen prints, the QR code encodes and `make run` says.

A teacher who runs Kizuna on a laptop opens it at 127.0.0.1, an address no phone in the room can open.
So the join address is, in order: ``PUBLIC_URL`` when it is set (a school server behind nginx); else the
address the teacher's own browser used, when it is not a loopback one (a LAN visitor reached the server, so
learners can too); else this machine's LAN address, read from its network interfaces (no outbound
connection), provided the server listens on it; else the loopback address, marked unreachable, so the live
screen can say so plainly and tell the teacher what to do.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import psutil
from flask import current_app, request

# Interfaces that are not the room's network: containers, virtual machines' host-only networks, tunnels.
VIRTUAL_INTERFACE_PREFIXES = ("lo", "docker", "br-", "veth", "virbr", "vmnet", "vboxnet", "tun", "tap", "utun", "ifb", "wg", "zt")

# The ranges a school's or a home's network hands out (RFC 1918): the best guess for the room's network.
LAN_NETWORKS = tuple(ipaddress.ip_network(network) for network in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))

LOOPBACK_ONLY = "loopback-only"  # the server listens on this computer only
NO_NETWORK = "no-network"  # this computer has no network address learners could use


@dataclass(frozen=True)
class JoinAddress:
    """Where learners open the session: ``base`` is scheme, host and port, without a trailing slash."""

    base: str
    problem: str | None = None

    @property
    def reachable(self) -> bool:
        """False when only this computer can open ``base``."""
        return self.problem is None

    @property
    def host(self) -> str:
        """The address without its scheme, as people type it: ``192.168.1.20:5000``."""
        return self.base.split("://", 1)[-1]

    @property
    def short(self) -> str:
        """The join address to say aloud and type: ``192.168.1.20:5000/j``."""
        return self.host + "/j"


def join_address() -> JoinAddress:
    """The address learners can reach for this request's app (see the module's docstring for the order)."""
    public = current_app.config.get("PUBLIC_URL")
    if public:
        return JoinAddress(public.rstrip("/"))
    if not is_loopback_host(request.host):
        return JoinAddress(request.host_url.rstrip("/"))
    port = urlsplit(request.host_url).port
    listening = listening_addresses(port)
    if listening is not None and not any(not ipaddress.ip_address(address).is_loopback for address in listening):
        return JoinAddress(request.host_url.rstrip("/"), LOOPBACK_ONLY)
    lan = current_app.config.get("LAN_ADDRESS") or lan_address()
    if lan is None:
        return JoinAddress(request.host_url.rstrip("/"), NO_NETWORK)
    if listening is not None and not serves(listening, lan):
        return JoinAddress(request.host_url.rstrip("/"), LOOPBACK_ONLY)
    return JoinAddress(f"{request.scheme}://{_host(lan)}{f':{port}' if port else ''}")


def is_loopback_host(host: str) -> bool:
    """True for ``localhost``, ``127.0.0.1:5000``, ``[::1]`` and the like: addresses only this computer opens."""
    name = urlsplit(f"//{host}").hostname or ""
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def lan_address() -> str | None:
    """This machine's address on the room's network: the first private IPv4 of an interface that is up.

    Read from the interfaces (psutil), so nothing is sent anywhere. Private (RFC 1918) addresses, a school's
    LAN, come before others; containers', virtual machines' and tunnels' interfaces are left out.
    """
    candidates = lan_candidates(psutil.net_if_addrs(), psutil.net_if_stats())
    return candidates[0] if candidates else None


def lan_candidates(addresses: dict, stats: dict) -> list[str]:
    """IPv4 addresses learners might reach, best first, from psutil's ``net_if_addrs`` and ``net_if_stats``."""
    found = []
    for name, entries in addresses.items():
        if name.startswith(VIRTUAL_INTERFACE_PREFIXES) or (name in stats and not stats[name].isup):
            continue
        for entry in entries:
            if getattr(entry, "family", None) != socket.AF_INET:
                continue
            address = ipaddress.ip_address(entry.address)
            if address.is_loopback or address.is_link_local or address.is_multicast or address.is_unspecified:
                continue
            found.append(address)
    return [str(address) for address in sorted(found, key=lambda a: (not any(a in network for network in LAN_NETWORKS), found.index(a)))]


def listening_addresses(port: int | None) -> set[str] | None:
    """The local addresses this process listens on at ``port``; None when that cannot be known.

    A gunicorn worker inherits its master's listening sockets, and Flask's debug server owns its own, so
    both show here. Under a test client, or behind a proxy on another port, nothing does: unknown.
    """
    if port is None:
        return None
    try:
        connections = psutil.Process().net_connections(kind="inet")
    except psutil.Error:
        return None
    found = {connection.laddr.ip for connection in connections if connection.status == psutil.CONN_LISTEN and connection.laddr.port == port}
    return found or None


def serves(listening: set[str], address: str) -> bool:
    """True if a server listening on ``listening`` can be reached at ``address``."""
    return bool(listening & {"0.0.0.0", "::", address})


def _host(address: str) -> str:
    return f"[{address}]" if ":" in address else address

