"""Shared by the Datastar conformance tests: starting starch-sdk-server, sending it a
case, and comparing SSE output with the official SDK test suite's rules:

- events compared in order;
- lines other than data lines (event:, id:, retry:) compared exactly, in order;
- data lines grouped by their first word (the key): groups may come in any order, lines
  within a group keep theirs; values are trimmed;
- the `elements` group compared as parsed HTML, attributes sorted.
"""
import http.client
import json
import subprocess
import urllib.parse
from html.parser import HTMLParser


class Server:
    """starch-sdk-server on a free loopback port, stopped on exit from a with block."""

    def __init__(self, exe, *args):
        self.proc = subprocess.Popen([exe, '--port', '0', *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith('listening on 127.0.0.1:'):
            self.proc.kill()
            raise RuntimeError('starch-sdk-server did not start: ' + line +
                               self.proc.stderr.read())
        self.port = int(line.rsplit(':', 1)[1])

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def request(self, method, body_text):
        """Sends the case's JSON text (as the `datastar` parameter of a GET, or as a POST
        body); returns (status, headers, body text)."""
        conn = http.client.HTTPConnection('127.0.0.1', self.port, timeout=30)
        try:
            if method == 'GET':
                conn.request('GET', '/test?datastar=' + urllib.parse.quote(body_text, safe=''))
            else:
                conn.request('POST', '/test', body=body_text.encode('utf-8'),
                             headers={'Content-Type': 'application/json'})
            r = conn.getresponse()
            return r.status, dict(r.getheaders()), r.read().decode('utf-8', 'replace')
        finally:
            conn.close()


class _Normaliser(HTMLParser):
    """HTML as a list of tokens: tags with sorted attributes, text trimmed."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tokens = []

    def handle_starttag(self, tag, attrs):
        self.tokens.append(('start', tag, tuple(sorted((k, v or '') for k, v in attrs))))

    def handle_startendtag(self, tag, attrs):
        self.tokens.append(('start', tag, tuple(sorted((k, v or '') for k, v in attrs))))
        self.tokens.append(('end', tag))

    def handle_endtag(self, tag):
        self.tokens.append(('end', tag))

    def handle_data(self, data):
        if data.strip():
            self.tokens.append(('text', data.strip()))

    def handle_comment(self, data):
        self.tokens.append(('comment', data))


def normalise_html(text):
    p = _Normaliser()
    p.feed(text)
    p.close()
    return p.tokens


def parse_events(text):
    """SSE text as a list of events, each (other lines, {key: [values]})."""
    events = []
    for block in text.split('\n\n'):
        if not block.strip():
            continue
        other, data = [], {}
        for line in block.split('\n'):
            if line.startswith('data:'):
                rest = line[5:].lstrip(' ')
                key, _, value = rest.partition(' ')
                data.setdefault(key, []).append(value.strip())
            else:
                other.append(line)
        events.append((other, data))
    return events


def compare(expected, actual):
    """None when actual matches expected under the rules above, else why not."""
    want, got = parse_events(expected), parse_events(actual)
    if len(want) != len(got):
        return f'{len(got)} events, expected {len(want)}'
    for i, ((wo, wd), (go, gd)) in enumerate(zip(want, got)):
        if wo != go:
            return f'event {i}: lines {go!r}, expected {wo!r}'
        if sorted(wd) != sorted(gd):
            return f'event {i}: data keys {sorted(gd)}, expected {sorted(wd)}'
        for key in wd:
            if key == 'elements':
                w, g = normalise_html('\n'.join(wd[key])), normalise_html('\n'.join(gd[key]))
            else:
                w, g = wd[key], gd[key]
            if w != g:
                return f'event {i}: {key} {gd[key]!r}, expected {wd[key]!r}'
    return None


def check_response(status, headers, body, expected):
    """None when the response is a matching SSE stream, else why not."""
    if status != 200:
        return f'status {status}: {body[:200]!r}'
    if headers.get('Content-Type') != 'text/event-stream':
        return f'Content-Type {headers.get("Content-Type")!r}'
    if headers.get('Cache-Control') != 'no-cache':
        return f'Cache-Control {headers.get("Cache-Control")!r}'
    return compare(expected, body)


def tap_diag(text):
    for line in str(text).splitlines():
        print('# ' + line)


def compact(value):
    return json.dumps(value, ensure_ascii=False, separators=(',', ':'))
