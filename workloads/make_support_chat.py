#!/usr/bin/env python3
"""Writes workloads/support_chat.json, kvsim's bundled default workload.

A customer-support chat service: 96 sessions arriving as a Poisson process (mean gap 5 s) over
about 8 minutes, each opening with one of three shared system prompts (popularity 60/30/10%) and running
1-8 user turns with think times of 5-90 s. All three content forms of kvsim-chat/1 appear:
`length` (shared system prompts, assistant replies), `text` (customer messages, one system
prompt written out as text) and `tokens` (pasted order ids and log excerpts).

Deterministic: `python3 workloads/make_support_chat.py > workloads/support_chat.json`
always writes the same bytes.
"""
import json
import random

rng = random.Random(20261123)

OPENERS = [
    "Hi, my order never arrived and the tracking page has not changed in a week.",
    "Hello! I was charged twice for the same subscription this month.",
    "I need to return a pair of shoes that are the wrong size.",
    "My package says delivered but it is not at my door.",
    "Can you help me change the shipping address on an order I placed yesterday?",
    "The discount code from your newsletter does not work at checkout.",
    "I want to cancel my premium plan before it renews.",
    "The blender I bought stopped working after two days.",
]
FOLLOWUPS = [
    "Thanks. How long will that take?",
    "I already tried that and it did not help.",
    "The order number is in the confirmation email, let me paste it.",
    "Could you send me a prepaid return label instead?",
    "That is fine, please go ahead.",
    "Is there any way to speed this up? I need it before Friday.",
    "I would rather get a refund than a replacement.",
    "Okay, and will I get an email confirming the change?",
    "Sorry, one more question: do you ship to Canada?",
    "Great, that solved it. Thank you for your help!",
]
SYSTEM_TEXT = (
    "You are the support assistant of an online store. Be brief and friendly. Never promise "
    "refunds above the order total. Ask for the order number before looking anything up. "
    "Escalate to a human agent when the customer asks for one or is upset twice in a row."
)
SHARED = [("support-v3", 640), ("billing-v2", 896), ("returns-v1", 420)]


def pasted_tokens():
    n = rng.randint(12, 80)
    return [rng.randrange(0, 50000) for _ in range(n)]


def assistant_length():
    return max(20, min(600, int(rng.lognormvariate(4.9, 0.5))))


sessions = []
clock = 0.0
for s in range(96):
    clock += rng.expovariate(1 / 5.0)
    system_prompt, system_len = rng.choices(SHARED, weights=[60, 30, 10])[0]
    messages = [{"role": "system", "length": system_len, "shared": system_prompt}]
    if rng.random() < 0.5:
        messages.append({"role": "system", "text": SYSTEM_TEXT})
    turns = rng.choices(range(1, 9), weights=[10, 18, 20, 16, 12, 10, 8, 6])[0]
    for t in range(turns):
        if t == 0:
            user = {"role": "user", "text": rng.choice(OPENERS)}
        elif rng.random() < 0.25:
            user = {"role": "user", "tokens": pasted_tokens()}
        else:
            user = {"role": "user", "text": rng.choice(FOLLOWUPS)}
        if t > 0:
            user["delay"] = round(rng.uniform(5, 90), 1)
        messages.append(user)
        if rng.random() < 0.15:
            messages.append({"role": "assistant", "text": "Let me check that for you. " +
                             rng.choice(["Your refund is on its way.",
                                         "I have reissued the order.",
                                         "I have updated the address."])})
        else:
            messages.append({"role": "assistant", "length": assistant_length()})
    sessions.append({"id": "chat-%02d" % s, "start": round(clock, 2), "messages": messages})

doc = {"format": "kvsim-chat/1", "name": "support-chat",
       "generator": "python3 workloads/make_support_chat.py", "sessions": sessions}
print(json.dumps(doc, separators=(",", ":")).replace('{"id"', '\n{"id"'))
