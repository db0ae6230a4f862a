#!/usr/bin/env python3
"""An OpenAI-compatible server that misbehaves on purpose, for the tests (Python's standard library only).

Each behaviour has its own base URL, http://127.0.0.1:PORT/<behaviour>/v1, and writes its HTTP by hand, byte for
byte, so that the test gets exactly the response it describes:

  well            a proper streamed answer (finish_reason, then [DONE]); a proper whole one
  http10          an HTTP/1.0 answer whose body ends when the connection closes (no Content-Length)
  eof-after-finish  a stream with a finish_reason whose connection then closes: no [DONE]
  done-no-finish  a role chunk, some words, then [DONE] and no finish_reason (llama.cpp's server ends an
                  interrupted request so)
  echo-key        the API key it was sent, echoed everywhere a server can put words: the answer, every streamed
                  chunk, the model's name, a 401's message (whole, cut short and masked), the model list

With --tls CERT KEY it speaks HTTPS. With --silent it accepts connections and never says a word (a TLS handshake
that never completes). It prints "listening on PORT" once it listens, then serves until killed.
"""
import json
import socket
import ssl
import sys
import threading


def read_request(stream):
    """The request line, headers (lower-cased names) and body of one request, or None at the end."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = stream.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, path, _ = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = stream.recv(65536)
        if not chunk:
            break
        body += chunk
    return method, path, headers, body


def event(payload):
    return b"data: " + json.dumps(payload).encode() + b"\n\n"


def chunk(content=None, role=False, finish=None, model="hostile-1"):
    delta = {}
    if role:
        delta["role"] = "assistant"
    if content is not None:
        delta["content"] = content
    return event({"object": "chat.completion.chunk", "model": model,
                  "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})


def whole(content, model="hostile-1"):
    return json.dumps({"object": "chat.completion", "model": model,
                       "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                                    "finish_reason": "stop"}]}).encode()


def respond(stream, status, headers, body):
    lines = [f"HTTP/1.1 {status}"] + [f"{name}: {value}" for name, value in headers]
    stream.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)


def serve_one(stream):
    request = read_request(stream)
    if request is None:
        return
    method, path, headers, body = request
    behaviour = path.strip("/").split("/")[0]
    key = headers.get("authorization", "").removeprefix("Bearer ")
    token = headers.get("x-team-token", "")
    wants = json.loads(body or b"{}")
    streaming = bool(wants.get("stream"))
    models = path.endswith("/models")

    if behaviour == "well" or (behaviour not in ("echo-key",) and models):
        if models:
            body = json.dumps({"object": "list", "data": [{"id": "hostile-1", "object": "model"}]}).encode()
            respond(stream, "200 OK", [("Content-Type", "application/json"), ("Content-Length", len(body)),
                                       ("Connection", "close")], body)
        elif streaming:
            body = chunk(role=True) + chunk("all ") + chunk("well") + chunk(finish="stop") + b"data: [DONE]\n\n"
            respond(stream, "200 OK", [("Content-Type", "text/event-stream"), ("Connection", "close")], body)
        else:
            body = whole("all well")
            respond(stream, "200 OK", [("Content-Type", "application/json"), ("Content-Length", len(body)),
                                       ("Connection", "close")], body)
    elif behaviour == "http10":
        stream.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n" + whole("said over HTTP/1.0"))
    elif behaviour == "eof-after-finish":
        body = chunk(role=True) + chunk("ended ") + chunk("by EOF") + chunk(finish="stop")
        stream.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n" + body)
    elif behaviour == "done-no-finish":
        body = chunk(role=True) + chunk("cut ") + chunk("short") + b"data: [DONE]\n\n"
        respond(stream, "200 OK", [("Content-Type", "text/event-stream"), ("Connection", "close")], body)
    elif behaviour == "echo-key":
        masked = key[:8] + "****" + key[-4:] if len(key) > 12 else key
        if models:
            body = json.dumps({"object": "list", "data": [{"id": "model-" + key[:12]}, {"id": key}]}).encode()
            respond(stream, "200 OK", [("Content-Type", "application/json"), ("Content-Length", len(body)),
                                       ("Connection", "close")], body)
        elif wants.get("model") == "refuse":
            words = f"Incorrect API key provided: {masked}. You passed '{key[:33]}'; your key is {key}."
            body = json.dumps({"error": {"message": words, "type": "invalid_request_error"}}).encode()
            respond(stream, "401 Unauthorized", [("Content-Type", "application/json"), ("Content-Length", len(body)),
                                                 ("Connection", "close")], body)
        elif streaming:
            body = (chunk(role=True, model=key) + chunk("key: ", model=key) + chunk(key[:20], model=key)
                    + chunk("…" + key[20:], model=key) + chunk(finish="stop", model=key) + b"data: [DONE]\n\n")
            respond(stream, "200 OK", [("Content-Type", "text/event-stream"), ("Connection", "close")], body)
        else:
            body = whole(f"you sent {key}, or {masked}, and the token {token}", model="m-" + key)
            respond(stream, "200 OK", [("Content-Type", "application/json"), ("Content-Length", len(body)),
                                       ("Connection", "close")], body)
    else:
        body = b'{"error":{"message":"no such behaviour"}}'
        respond(stream, "404 Not Found", [("Content-Type", "application/json"), ("Content-Length", len(body)),
                                          ("Connection", "close")], body)


def handle(connection, context, silent):
    try:
        if silent:
            threading.Event().wait()  # never a word, never a close
        stream = context.wrap_socket(connection, server_side=True) if context else connection
        serve_one(stream)
        stream.close()
    except (OSError, ValueError, ssl.SSLError):
        pass
    finally:
        try:
            connection.close()
        except OSError:
            pass


def main():
    arguments = sys.argv[1:]
    context = None
    if "--tls" in arguments:
        index = arguments.index("--tls")
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(arguments[index + 1], arguments[index + 2])
    silent = "--silent" in arguments
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    print(f"listening on {listener.getsockname()[1]}", flush=True)
    while True:
        connection, _ = listener.accept()
        threading.Thread(target=handle, args=(connection, context, silent), daemon=True).start()


if __name__ == "__main__":
    main()
