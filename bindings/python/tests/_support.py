# SPDX-License-Identifier: MIT
"""Shared set-up for the omniq Python tests.

The tests import the package from this source tree (bindings/python), not an
installed copy, and load the library named by OMNIQ_LIBRARY (ctest sets it to
the freshly built libomniq.so). Without OMNIQ_LIBRARY, a build/ or
/tmp/build-py/ next to the repository is tried before the system path.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BINDING = os.path.dirname(HERE)
REPO = os.path.dirname(os.path.dirname(BINDING))

if sys.path[0] != BINDING:
    sys.path.insert(0, BINDING)

if not os.environ.get("OMNIQ_LIBRARY"):
    for cand in (os.path.join(REPO, "build", "libomniq.so"), "/tmp/build-py/libomniq.so"):
        if os.path.exists(cand):
            os.environ["OMNIQ_LIBRARY"] = cand
            break

import omniq  # noqa: E402

assert os.path.dirname(omniq.__file__) == os.path.join(BINDING, "omniq"), omniq.__file__


def small_center(engine, agents=("alice", "bob"), wrapup_s=0.0):
    """voice (exclusive) + chat (3 per agent) channels, a skill, a 'sales' queue."""
    engine.channel_add("voice", exclusive=True)
    engine.channel_add("chat", capacity_cost=30, max_per_agent=3)
    engine.skill_add("english", 5)
    engine.queue_add("sales", wrapup_s=wrapup_s, offer_timeout_s=20)
    engine.queue_add_channel("sales", "voice")
    engine.queue_add_channel("sales", "chat")
    for a in agents:
        engine.agent_add(a)
        engine.agent_set_skill(a, "english", 3)
    return engine
