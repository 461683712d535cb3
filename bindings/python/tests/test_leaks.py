# SPDX-License-Identifier: MIT
"""10,000 contacts routed through Python: the engine ends empty, is destroyed by
close() / when collected, and repeated create/route/destroy cycles do not grow
the C heap (glibc mallinfo2: bytes in use) or the process RSS."""

import ctypes
import ctypes.util
import gc
import os
import unittest

import _support
import omniq
from omniq import Engine


def _mallinfo():
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    if hasattr(libc, "mallinfo2"):
        class MI2(ctypes.Structure):
            _fields_ = [(n, ctypes.c_size_t) for n in (
                "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
                "uordblks", "fordblks", "keepcost")]
        libc.mallinfo2.restype = MI2
        return lambda: libc.mallinfo2().uordblks + libc.mallinfo2().hblkhd
    return None


HEAP_IN_USE = _mallinfo()


def rss_bytes():
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class Host:
    """A minimal host: collects offers in the callback, accepts them afterwards."""

    def __init__(self, n_agents=50):
        self.offers = []
        self.completed = 0
        self.e = Engine(on_event=self.on_event)
        e = self.e
        e.channel_add("voice", exclusive=True)
        e.channel_add("chat", capacity_cost=30, max_per_agent=3)
        e.queue_add("sales", offer_timeout_s=60)
        e.queue_add_channel("sales", "voice")
        e.queue_add_channel("sales", "chat")
        for i in range(n_agents):
            e.agent_add(f"agent-{i}")
            e.agent_login(f"agent-{i}", now_ms=0)

    def on_event(self, ev):
        if ev.type == omniq.OQ_EV_OFFERED:
            self.offers.append((ev.contact, ev.agent))
        elif ev.type == omniq.OQ_EV_COMPLETED:
            self.completed += 1

    def run(self, n_contacts):
        e, t = self.e, 0
        active = []
        for i in range(n_contacts):
            t += 100
            e.contact_arrive(f"c{i}", "chat" if i % 3 else "voice", "sales", now_ms=t,
                             customer=f"cust{i % 97}")
            while self.offers:
                c, a = self.offers.pop()
                e.offer_accept(c, a, now_ms=t)
                active.append(c)
            if len(active) > 30:  # finish the oldest: frees capacity, routes waiting ones
                e.contact_complete(active.pop(0), now_ms=t)
        while active or self.offers:
            t += 100
            while self.offers:
                c, a = self.offers.pop()
                e.offer_accept(c, a, now_ms=t)
                active.append(c)
            if active:
                e.contact_complete(active.pop(0), now_ms=t)
        e.advance(t + 1)
        return t


class TenThousandContacts(unittest.TestCase):
    def test_route_10000_contacts(self):
        h = Host()
        h.run(10_000)
        c = h.e.counts()
        self.assertEqual(h.completed, 10_000)
        self.assertEqual((c.contacts, c.contacts_queued, c.contacts_active, c.timers),
                         (0, 0, 0, 0))
        self.assertEqual(sum(h.e.agent_get(f"agent-{i}").handled for i in range(50)), 10_000)
        h.e.check()
        h.e.close()
        self.assertTrue(h.e.closed)

    @unittest.skipUnless(HEAP_IN_USE, "needs glibc mallinfo2")
    def test_close_and_collection_free_the_engine(self):
        def big():
            e = Engine()
            e.channel_add("voice")
            for i in range(5000):
                e.agent_add(f"agent-{i:05d}-with-a-long-id")
            return e

        for how in ("close", "del"):
            gc.collect()
            before = HEAP_IN_USE()
            e = big()
            during = HEAP_IN_USE()
            if how == "close":
                e.close()
            else:
                del e
            gc.collect()
            after = HEAP_IN_USE()
            self.assertGreater(during - before, 500_000, how)
            self.assertLess(after - before, 64 * 1024, how)

    def test_repeated_cycles_do_not_grow(self):
        def cycle():
            h = Host(n_agents=20)
            h.run(2000)
            h.e.close()
            del h
            gc.collect()

        cycle()  # warm-up: interpreter caches, type objects, ...
        heap0 = HEAP_IN_USE() if HEAP_IN_USE else 0
        rss0 = rss_bytes()
        for _ in range(5):
            cycle()
        if HEAP_IN_USE:
            self.assertLess(HEAP_IN_USE() - heap0, 16 * 1024)  # measured: ~1 KiB
        self.assertLess(rss_bytes() - rss0, 4 * 1024 * 1024)


if __name__ == "__main__":
    unittest.main()
