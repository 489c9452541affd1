#!/usr/bin/python3
"""
Publishes an FLV file with librtmp (Debian's python3-librtmp binding), paced in real time by the
tag timestamps, as librtmp-based encoders do (RTMP_Write: one FLV tag per call, the header
first). Usage: librtmp-publish.py RTMP_URL FILE [--fp9]
--fp9 sets a SWF hash, which makes librtmp use the Flash Player 9 handshake (HMAC-SHA256
digests in C1/S1 and C2/S2) and check the server's digests, instead of the plain one.
Exit 0 when every tag was written; 1 with a message on stderr otherwise.
"""
import struct
import sys
import time

import librtmp


def tags(data):
    """(timestamp ms, bytes of the tag and its PreviousTagSize) for each FLV tag (FLV E.4.1)."""
    at = struct.unpack(">I", data[5:9])[0] + 4
    while at + 11 <= len(data):
        size = int.from_bytes(data[at + 1 : at + 4], "big")
        ts = int.from_bytes(data[at + 4 : at + 7], "big") | (data[at + 7] << 24)
        end = at + 11 + size + 4
        if end > len(data):
            break
        yield ts, data[at:end]
        at = end


def main():
    url, path = sys.argv[1], sys.argv[2]
    options = {"live": True}
    if "--fp9" in sys.argv[3:]:
        options.update(swfhash="00" * 32, swfsize=1024)
    with open(path, "rb") as f:
        data = f.read()
    conn = librtmp.RTMP(url, **options)
    conn.connect()
    stream = conn.create_stream(writeable=True)
    header = data[: struct.unpack(">I", data[5:9])[0] + 4]
    start = time.monotonic()
    first = True
    for ts, tag in tags(data):
        wait = start + ts / 1000 - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        stream.write(header + tag if first else tag)
        first = False
    stream.close()
    conn.close()


if __name__ == "__main__":
    try:
        main()
    except librtmp.RTMPError as error:
        print(f"librtmp: {error}", file=sys.stderr)
        sys.exit(1)
