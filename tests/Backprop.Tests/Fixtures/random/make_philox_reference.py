"""Independent reference for Backprop.Random (run with /usr/bin/python3 from this folder).

Pure-Python Philox4x32-10 written from the Random123 paper (Salmon et al., SC 2011), checked against the
published Random123 known-answer vectors, then used to write the first 1000 words of a stream and the values
that Backprop's mapping rules give for them (uniform doubles exactly; Box-Muller normals with the C library's
log/cos/sin in float64, which the C# tests compare within a tolerance, since Backprop uses its own polynomials).

numpy.random.Philox is Philox4x64 (not 4x32), so it cannot serve as an oracle here.
"""
import math

M0, M1 = 0xD2511F53, 0xCD9E8D57
W0, W1 = 0x9E3779B9, 0xBB67AE85
MASK = 0xFFFFFFFF


def philox4x32_10(ctr, key):
    c0, c1, c2, c3 = ctr
    k0, k1 = key
    for r in range(10):
        if r > 0:
            k0, k1 = (k0 + W0) & MASK, (k1 + W1) & MASK
        p0, p1 = M0 * c0, M1 * c2
        c0, c1, c2, c3 = ((p1 >> 32) ^ c1 ^ k0) & MASK, p1 & MASK, ((p0 >> 32) ^ c3 ^ k1) & MASK, p0 & MASK
    return c0, c1, c2, c3


KAT = [  # Random123 examples/kat_vectors, "philox4x32 10" lines: ctr[4] key[2] -> out[4]
    ((0, 0, 0, 0), (0, 0), (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)),
    ((MASK,) * 4, (MASK, MASK), (0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD)),
    ((0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344), (0xA4093822, 0x299F31D0),
     (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1)),
]
for ctr, key, out in KAT:
    assert philox4x32_10(ctr, key) == out, (ctr, key)

SEED, STREAM = 0x0123456789ABCDEF, 0x00000000DEADBEEF
N = 1000


def words(seed, stream, count):
    result = []
    block = 0
    while len(result) < count:
        ctr = (block & MASK, block >> 32, stream & MASK, stream >> 32)
        result.extend(philox4x32_10(ctr, (seed & MASK, seed >> 32)))
        block += 1
    return result[:count]


w = words(SEED, STREAM, 4 * N)
with open("philox_uint32.txt", "w") as f:
    f.write(f"# Philox4x32-10 seed={SEED:#x} stream={STREAM:#x}: words 0..{N - 1} (make_philox_reference.py)\n")
    f.writelines(f"{x:08x}\n" for x in w[:N])

u64 = [w[2 * i] | (w[2 * i + 1] << 32) for i in range(2 * N)]
with open("uniform_double.txt", "w") as f:
    f.write("# FillUniform<double>(0, 1) from position 0: (u64 >> 11) * 2^-53, as IEEE bits\n")
    import struct
    for i in range(N):
        value = (u64[i] >> 11) * 2.0 ** -53
        f.write(f"{struct.unpack('<Q', struct.pack('<d', value))[0]:016x}\n")

with open("normal_double_reference.txt", "w") as f:
    f.write("# FillNormal<double> Box-Muller in float64 with libm: value 2b = r cos, 2b+1 = r sin\n")
    for b in range(N // 2):
        u1 = ((u64[2 * b] >> 11) + 1) * 2.0 ** -53
        u2 = (u64[2 * b + 1] >> 11) * 2.0 ** -53
        r = math.sqrt(-2.0 * math.log(u1))
        f.write(f"{r * math.cos(2 * math.pi * u2)!r}\n{r * math.sin(2 * math.pi * u2)!r}\n")

with open("normal_float_reference.txt", "w") as f:
    f.write("# FillNormal<float> Box-Muller evaluated in float64: words (w0,w1) -> values 4b, 4b+1; (w2,w3) -> 4b+2, 4b+3\n")
    for i in range(0, N, 2):
        u1 = ((w[i] >> 8) + 1) * 2.0 ** -24
        u2 = (w[i + 1] >> 8) * 2.0 ** -24
        r = math.sqrt(-2.0 * math.log(u1))
        f.write(f"{r * math.cos(2 * math.pi * u2)!r}\n{r * math.sin(2 * math.pi * u2)!r}\n")
print("known-answer vectors pass; fixtures written")
