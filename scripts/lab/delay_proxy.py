#!/usr/bin/env python3
"""A DNS forwarder that delays every answer by a fixed time (UDP and TCP).

    delay_proxy.py --listen 127.0.0.1:PORT --upstream 127.0.0.1:PORT --delay-ms 20

Each query is forwarded at once to the upstream; its answer is held for
--delay-ms before it goes back, so a client that sends queries concurrently
waits one delay for all of them and a sequential client waits one delay per
query. Loopback only. Stops on SIGTERM or SIGINT. Python 3 standard library.
"""

import argparse
import asyncio
import signal
import socket
import struct

UDP_MAX = 65535


def hostport(s):
    host, port = s.rsplit(":", 1)
    if not host.startswith("127.") and host != "::1":
        raise argparse.ArgumentTypeError(f'"{s}" is not a loopback address; use 127.0.0.1:PORT')
    return host, int(port)


class UdpFront(asyncio.DatagramProtocol):
    def __init__(self, upstream, delay, timeout):
        self.upstream = upstream
        self.delay = delay
        self.timeout = timeout
        self.transport = None

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, client):
        asyncio.get_running_loop().create_task(self.forward(data, client))

    async def forward(self, data, client):
        loop = asyncio.get_running_loop()
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.setblocking(False)
        try:
            sock.connect(self.upstream)
            await loop.sock_sendall(sock, data)
            reply = await asyncio.wait_for(loop.sock_recv(sock, UDP_MAX), self.timeout)
        except (OSError, asyncio.TimeoutError):
            return  # no answer upstream: no answer here either
        finally:
            sock.close()
        await asyncio.sleep(self.delay)
        self.transport.sendto(reply, client)


async def tcp_client(reader, writer, upstream, delay, timeout):
    """One client connection; each length-prefixed query gets its own upstream connection."""
    try:
        while True:
            head = await reader.readexactly(2)
            query = await reader.readexactly(struct.unpack("!H", head)[0])
            up_r, up_w = await asyncio.wait_for(asyncio.open_connection(*upstream), timeout)
            try:
                up_w.write(head + query)
                await up_w.drain()
                rhead = await asyncio.wait_for(up_r.readexactly(2), timeout)
                reply = await asyncio.wait_for(up_r.readexactly(struct.unpack("!H", rhead)[0]), timeout)
            finally:
                up_w.close()
            await asyncio.sleep(delay)
            writer.write(rhead + reply)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, asyncio.TimeoutError, OSError):
        pass
    finally:
        writer.close()


async def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--listen", type=hostport, required=True)
    ap.add_argument("--upstream", type=hostport, required=True)
    ap.add_argument("--delay-ms", type=float, default=20.0)
    ap.add_argument("--upstream-timeout", type=float, default=5.0)
    args = ap.parse_args()
    delay = args.delay_ms / 1000.0
    loop = asyncio.get_running_loop()
    udp, _ = await loop.create_datagram_endpoint(
        lambda: UdpFront(args.upstream, delay, args.upstream_timeout), local_addr=args.listen
    )
    tcp = await asyncio.start_server(
        lambda r, w: tcp_client(r, w, args.upstream, delay, args.upstream_timeout),
        host=args.listen[0], port=args.listen[1],
    )
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    udp.close()
    tcp.close()


if __name__ == "__main__":
    asyncio.run(main())
