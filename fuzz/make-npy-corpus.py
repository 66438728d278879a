#!/usr/bin/env python3
"""Writes the seed corpus of npy-fuzzer, fuzz/corpus/npy/ (struct only, no
numpy): small valid files of every dtype kiln-run reads, and the malformed
cases kiln-run must reject; test/tools/npy-errors.mlir reads them too.
Rerun after editing: python3 fuzz/make-npy-corpus.py"""
import os
import struct

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "npy")
os.makedirs(out, exist_ok=True)


def npy(header, data=b"", version=1, length=None):
    """A .npy file: header dict text padded to 64 bytes, then `data`."""
    prefix = 10 if version == 1 else 12
    h = header.encode() if isinstance(header, str) else header
    h += b" " * ((64 - (prefix + len(h) + 1) % 64) % 64) + b"\n"
    n = len(h) if length is None else length
    size = struct.pack("<H", n) if version == 1 else struct.pack("<I", n)
    return b"\x93NUMPY" + bytes([version, 0]) + size + h + data


def hdr(descr, shape, fortran="False"):
    return "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (
        descr, fortran, shape)


files = {
    # Valid.
    "f32-2x3.npy": npy(hdr("<f4", "(2, 3)"), struct.pack("<6f", *range(6))),
    "f64-3.npy": npy(hdr("<f8", "(3,)"), struct.pack("<3d", 0.5, -1, 2)),
    "i64-scalar.npy": npy(hdr("<i8", "()"), struct.pack("<q", -7)),
    "b1-2x2.npy": npy(hdr("|b1", "(2, 2)"), bytes([1, 0, 0, 1])),
    "f32-empty-0x3.npy": npy(hdr("<f4", "(0, 3)")),
    "f32-2x3-fortran.npy": npy(hdr("<f4", "(2, 3)", "True"),
                               struct.pack("<6f", 0, 3, 1, 4, 2, 5)),
    "f64-2-v2.npy": npy(hdr("<f8", "(2,)"), struct.pack("<2d", 1, 2), 2),
    "f32-1-v3-dq.npy": npy('{"descr": "<f4", "fortran_order": False, '
                           '"shape": (1,)}', struct.pack("<f", 1), 3),
    # Malformed.
    "bad-shape-word.npy": npy(hdr("<f4", "(two, 2)"), bytes(16)),
    "bad-shape-noparen.npy": npy(hdr("<f4", "2, 2"), bytes(16)),
    "bad-shape-float.npy": npy(hdr("<f4", "(2.7, 2)"), bytes(16)),
    "bad-shape-int.npy": npy(hdr("<f4", "(4)"), bytes(16)),
    "bad-shape-negative.npy": npy(hdr("<f4", "(-1, 2)"), bytes(16)),
    "bad-shape-long.npy": npy(hdr("<f4", "(" + "1, " * 40 + ")"), bytes(4)),
    "bad-shape-huge.npy": npy(hdr("<f4", "(99999999999999999999,)"), bytes(4)),
    "bad-numel-overflow.npy": npy(
        hdr("<f4", "(4294967296, 4294967296)"), bytes(4)),
    "bad-bytes-overflow.npy": npy(hdr("<f8", "(2305843009213693952,)"),
                                  bytes(8)),
    "bad-zero-overflow.npy": npy(
        hdr("<f4", "(0, 4294967296, 4294967296)")),
    "bad-too-big.npy": npy(hdr("<f4", "(1000000000000,)"), bytes(4)),
    "bad-dtype-i2.npy": npy(hdr("<i2", "(2,)"), bytes(4)),
    "bad-dtype-be.npy": npy(hdr(">f4", "(1,)"), bytes(4)),
    "bad-dtype-struct.npy": npy(
        "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }",
        bytes(4)),
    "bad-truncated.npy": npy(hdr("<f4", "(2, 3)"), bytes(20)),
    "bad-extra-data.npy": npy(hdr("<f4", "(2,)"), bytes(12)),
    "bad-header-past-end.npy": npy(hdr("<f4", "(1,)"), bytes(4), 1, 60000),
    "bad-header-past-end-v2.npy": npy(hdr("<f4", "(1,)"), bytes(4), 2,
                                      0xffffffff),
    "bad-magic.npy": b"\x93NUMPX\x01\x00" + bytes(8),
    "bad-short.npy": b"\x93NUMPY\x01",
    "bad-version.npy": npy(hdr("<f4", "(1,)"), bytes(4), 4),
    "bad-no-shape.npy": npy("{'descr': '<f4', 'fortran_order': False, }",
                            bytes(4)),
    "bad-dup-key.npy": npy("{'descr': '<f4', 'descr': '<f8', "
                           "'fortran_order': False, 'shape': (1,), }",
                           bytes(4)),
    "bad-extra-key.npy": npy("{'descr': '<f4', 'fortran_order': False, "
                             "'shape': (1,), 'x': 1}", bytes(4)),
    "bad-fortran-value.npy": npy(hdr("<f4", "(1,)", "1"), bytes(4)),
    "bad-unterminated.npy": npy("{'descr': '<f4", bytes(4)),
    "bad-bool-byte.npy": npy(hdr("|b1", "(2,)"), bytes([1, 2])),
    "bad-trailing.npy": npy(hdr("<f4", "(1,)") + " x", bytes(4)),
}
for name, data in files.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
print("wrote %d files to %s" % (len(files), out))
