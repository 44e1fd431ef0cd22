"""Timestamps TCP payload on the loopback interface as the kernel sends it, so the same SSE frame
can be timed on two hops: leaving the upstream (towards the proxy) and leaving the proxy (towards
the client). Needs CAP_NET_RAW (root); `LoopbackCapture.available()` says whether it can run."""

from __future__ import annotations

import socket
import struct
import threading

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
SO_TIMESTAMPNS = 35


class LoopbackCapture:
    """Collects (kernel time in s, source port, destination port, payload) for every outgoing TCP
    segment with a payload on `lo`, on a thread, between `start()` and `stop()`."""

    def __init__(self) -> None:
        self.segments: list[tuple[float, int, int, bytes]] = []
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._running = False

    @staticmethod
    def available() -> bool:
        try:
            socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL)).close()
            return True
        except (PermissionError, OSError, AttributeError):
            return False

    def start(self) -> None:
        sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        sock.bind(("lo", 0))
        sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024 * 1024)
        sock.settimeout(0.2)
        self._sock, self._running = sock, True
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._running = False
        if self._thread:
            self._thread.join()
        if self._sock:
            self._sock.close()

    def _run(self) -> None:
        assert self._sock
        while self._running:
            try:
                frame, ancillary, _, address = self._sock.recvmsg(262144, 64)
            except socket.timeout:
                continue
            if address[2] != PACKET_OUTGOING:
                continue
            stamp = None
            for level, kind, data in ancillary:
                if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                    seconds, nanoseconds = struct.unpack("qq", data[:16])
                    stamp = seconds + nanoseconds / 1e9
            segment = self._tcp_payload(frame[14:])
            if stamp is not None and segment is not None:
                self.segments.append((stamp, *segment))

    @staticmethod
    def _tcp_payload(packet: bytes) -> tuple[int, int, bytes] | None:
        """(source port, destination port, payload) of an IPv4 TCP packet with a payload."""
        if len(packet) < 20 or packet[0] >> 4 != 4 or packet[9] != 6:
            return None
        ip_header = (packet[0] & 0x0F) * 4
        total = struct.unpack("!H", packet[2:4])[0]
        tcp = packet[ip_header:total]
        if len(tcp) < 20:
            return None
        source, destination = struct.unpack("!HH", tcp[:4])
        payload = tcp[(tcp[12] >> 4) * 4:]
        return (source, destination, payload) if payload else None

    def frame_times(self, source_port: int) -> list[float]:
        """When each SSE frame (text ending in a blank line) sent from `source_port` was complete on
        the wire, in the order sent, across every connection from that port."""
        times, tail = [], b""
        for stamp, source, _, payload in self.segments:
            if source != source_port:
                continue
            tail += payload
            while (end := tail.find(b"\n\n")) >= 0:
                times.append(stamp)
                tail = tail[end + 2:]
        return times
