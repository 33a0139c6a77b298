#!/usr/bin/env python3
"""A real SMTP server for enrol's tests and benchmarks: aiosmtpd (from PyPI, installed by
scripts/install-tools.sh under .tools/python) listening on 127.0.0.1, writing every message it
accepts to a folder, one .eml file each, named in the order they arrived.

    smtp_sink.py PORT FOLDER

It prints "ready" once it listens and stops on SIGTERM or SIGINT. Recipients whose address
starts with "refuse" are refused for good (550), and those starting with "busy" are told to try
again later (451), so tests can see both kinds of answer.
"""
import itertools
import os
import signal
import sys
import threading

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, folder):
        self.folder = folder
        self.numbers = itertools.count(1)
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("refuse"):
            return "550 5.1.1 No such mailbox here"
        if address.startswith("busy"):
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            number = next(self.numbers)
        name = os.path.join(self.folder, f"{number:06d}.eml")
        partial = name + ".part"
        with open(partial, "wb") as out:
            out.write(f"X-Envelope-To: {', '.join(envelope.rcpt_tos)}\r\n".encode())
            out.write(envelope.original_content or envelope.content)
        os.replace(partial, name)
        return "250 Message accepted for delivery"


def main():
    port, folder = int(sys.argv[1]), sys.argv[2]
    os.makedirs(folder, exist_ok=True)
    numbers = [int(f[:6]) for f in os.listdir(folder) if f.endswith(".eml")]
    sink = Sink(folder)
    sink.numbers = itertools.count(max(numbers, default=0) + 1)
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
