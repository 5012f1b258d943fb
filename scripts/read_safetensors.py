#!/usr/bin/env python3
"""An independent safetensors reader: parses the file by hand (8-byte little-endian header length, JSON header,
raw little-endian data) with numpy when it is installed and Python's array module otherwise, checks the layout
rules (known dtype, shape x dtype size equal to the byte range, ranges contiguous and covering the data, Backprop's
data_sha256 when present) and prints every tensor as JSON: {name: {"dtype", "shape", "values": [...]}}.
The test suite (tests/Backprop.Tests/Serialization/PythonReaderTests.cs) compares the values with Backprop's.

Usage: scripts/read_safetensors.py FILE [--summary]   (READ_SAFETENSORS_NO_NUMPY=1 reads without numpy)
"""
import array
import hashlib
import json
import struct
import sys

import os

try:
    if os.environ.get("READ_SAFETENSORS_NO_NUMPY"):
        raise ImportError("numpy switched off")
    import numpy as np
except ImportError:  # the reader works without numpy
    np = None

DTYPES = {"F32": ("<f4", "f", 4), "F64": ("<f8", "d", 8), "I64": ("<i8", "q", 8), "U8": ("u1", "B", 1)}


def read(path):
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 8:
        raise ValueError(f"{path}: shorter than the 8-byte header length")
    (n,) = struct.unpack("<Q", blob[:8])
    if 8 + n > len(blob):
        raise ValueError(f"{path}: header length {n} runs past the end")
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    data = blob[8 + n:]
    metadata = header.pop("__metadata__", {})
    tensors = {}
    end = 0
    for name, info in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0]):
        numpy_type, array_code, size = DTYPES[info["dtype"]]
        begin, stop = info["data_offsets"]
        count = 1
        for d in info["shape"]:
            count *= d
        if begin != end or stop - begin != count * size or stop > len(data):
            raise ValueError(f"{path}: tensor {name} has a bad byte range [{begin}, {stop}]")
        end = stop
        raw = data[begin:stop]
        if np is not None:
            values = np.frombuffer(raw, dtype=numpy_type).reshape(info["shape"]).ravel().tolist()
        else:
            a = array.array(array_code)
            a.frombytes(raw)
            if sys.byteorder == "big" and size > 1:
                a.byteswap()
            values = a.tolist()
        tensors[name] = {"dtype": info["dtype"], "shape": info["shape"], "values": values}
    if end != len(data):
        raise ValueError(f"{path}: {len(data) - end} bytes after the last tensor")
    if "data_sha256" in metadata and hashlib.sha256(data).hexdigest() != metadata["data_sha256"]:
        raise ValueError(f"{path}: data_sha256 does not match")
    order = list(header.keys())
    return {name: tensors[name] for name in order}, metadata


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    tensors, metadata = read(sys.argv[1])
    if "--summary" in sys.argv:
        for name, t in tensors.items():
            print(f"{name:45s} {t['dtype']} {tuple(t['shape'])} sum={sum(t['values']):.9g}")
        print("reader:", "numpy " + np.__version__ if np is not None else "array module (numpy not installed)")
        return 0
    json.dump({"metadata": metadata, "tensors": tensors, "reader": "numpy" if np is not None else "array"}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
