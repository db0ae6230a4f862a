"""The official `openai` SDK (PyPI) against teamchat's chat-completions facade: every call a chat client makes.

Usage: python3 openai_sdk_client.py BASE_URL MODEL
Prints one JSON object with what each call returned, for the Swift test to check.
"""
import json
import sys

import openai

base_url, model = sys.argv[1], sys.argv[2]
client = openai.OpenAI(base_url=base_url, api_key="unused", max_retries=0)
result = {}

result["models"] = [m.id for m in client.models.list().data]

completion = client.chat.completions.create(
    model=model, messages=[{"role": "user", "content": "How should the pool evict?"}])
result["create"] = {
    "object": completion.object,
    "content": completion.choices[0].message.content,
    "finish_reason": completion.choices[0].finish_reason,
}

content, reasoning, finish, usage_chunks, chunks = "", "", None, 0, 0
stream = client.chat.completions.create(
    model=model, stream=True, stream_options={"include_usage": True},
    messages=[{"role": "user", "content": "one"}, {"role": "assistant", "content": "ONE"},
              {"role": "user", "content": "two"}])
for chunk in stream:
    chunks += 1
    if not chunk.choices:
        usage_chunks += 1
        continue
    delta = chunk.choices[0].delta
    content += delta.content or ""
    reasoning += getattr(delta, "reasoning_content", None) or (delta.model_extra or {}).get("reasoning_content") or ""
    finish = chunk.choices[0].finish_reason or finish
result["stream"] = {"content": content, "reasoning": reasoning, "finish_reason": finish,
                    "usage_chunks": usage_chunks, "chunks": chunks}

try:
    client.chat.completions.create(model="gpt-nothing", messages=[{"role": "user", "content": "hi"}])
    result["unknown"] = "no error"
except openai.NotFoundError as error:
    result["unknown"] = {"status": error.status_code, "code": error.code, "param": error.param}

try:
    client.chat.completions.create(model=model, messages=[{"role": "assistant", "content": "hi"}])
    result["bad"] = "no error"
except openai.BadRequestError as error:
    result["bad"] = {"status": error.status_code, "param": error.param}

print(json.dumps(result))
