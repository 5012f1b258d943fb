"""Golden values for Backprop's convolution and pooling layers, computed by PyTorch (an independent implementation).

PyTorch pads symmetrically, so TensorFlow/Keras "same" padding (out = ceil(in / stride), the odd padding row/column
at the bottom/right) is applied here explicitly with F.pad before a padding-free torch op; pooling pads with -inf
(max) or divides by the count of real cells (average, as TensorFlow). Layouts are converted from Keras's
channels-last (NHWC input, kernel (kh, kw, in, filters)) to PyTorch's (NCHW input, kernel (filters, in, kh, kw)).
Each case stores its inputs (x, kernel, bias, dy), the forward output y, and the gradients of L = sum(y * dy).

Usage: /usr/bin/python3 tests/Backprop.Tests/Fixtures/Convolution/make_convolution_fixtures.py
(writes convolution_golden.json next to this script; torch from bench/peers/install.sh).
"""
import json
import math
import pathlib

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)


def tf_same_padding(size, window, stride, dilation):
    span = (window - 1) * dilation + 1
    out = math.ceil(size / stride)
    total = max((out - 1) * stride + span - size, 0)
    return total // 2, total - total // 2


def pads(x_shape, window, strides, dilation, same):
    if not same:
        return (0, 0, 0, 0)
    top, bottom = tf_same_padding(x_shape[1], window[0], strides[0], dilation[0])
    left, right = tf_same_padding(x_shape[2], window[1], strides[1], dilation[1])
    return (left, right, top, bottom)  # F.pad order for the last two axes of NCHW: (W_left, W_right, H_top, H_bottom)


def to_list(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def conv_case(name, rng, batch, height, width, channels, filters, window, strides, dilation, same, use_bias=True):
    x = rng.uniform(-1, 1, (batch, height, width, channels))
    kernel = rng.uniform(-1, 1, (window[0], window[1], channels, filters))
    bias = rng.uniform(-1, 1, (filters,)) if use_bias else None
    xt = torch.tensor(x).permute(0, 3, 1, 2).requires_grad_(True)            # NHWC -> NCHW
    kt = torch.tensor(kernel).permute(3, 2, 0, 1).requires_grad_(True)        # (kh, kw, in, out) -> (out, in, kh, kw)
    bt = torch.tensor(bias).requires_grad_(True) if use_bias else None
    padded = F.pad(xt, pads(x.shape, window, strides, dilation, same))
    yt = F.conv2d(padded, kt, bt, stride=strides, dilation=dilation)
    y = yt.permute(0, 2, 3, 1)                                                # back to NHWC
    dy = rng.uniform(-1, 1, tuple(y.shape))
    (y * torch.tensor(dy)).sum().backward()
    case = {
        "name": name, "layer": "Conv2D", "input_shape": [batch, height, width, channels], "filters": filters,
        "kernel_size": list(window), "strides": list(strides), "dilation_rate": list(dilation),
        "padding": "same" if same else "valid", "output_shape": list(y.shape),
        "x": x.reshape(-1).tolist(), "kernel": kernel.reshape(-1).tolist(), "bias": bias.tolist() if use_bias else None,
        "dy": dy.reshape(-1).tolist(), "y": to_list(y),
        "kernel_gradient": to_list(kt.grad.permute(2, 3, 1, 0)),               # back to (kh, kw, in, out)
        "bias_gradient": to_list(bt.grad) if use_bias else None,
        "input_gradient": to_list(xt.grad.permute(0, 2, 3, 1)),
    }
    return case


def pool_case(name, rng, kind, batch, height, width, channels, window, strides, same):
    x = rng.uniform(-1, 1, (batch, height, width, channels))
    xt = torch.tensor(x).permute(0, 3, 1, 2).requires_grad_(True)
    p = pads(x.shape, window, strides, (1, 1), same)
    if kind == "max":
        yt = F.max_pool2d(F.pad(xt, p, value=-math.inf), window, strides)
    else:
        # TensorFlow divides by the number of real cells in each window.
        sums = F.avg_pool2d(F.pad(xt, p), window, strides, divisor_override=1)
        counts = F.avg_pool2d(F.pad(torch.ones_like(xt), p), window, strides, divisor_override=1)
        yt = sums / counts
    y = yt.permute(0, 2, 3, 1)
    dy = rng.uniform(-1, 1, tuple(y.shape))
    (y * torch.tensor(dy)).sum().backward()
    return {
        "name": name, "layer": "MaxPooling2D" if kind == "max" else "AveragePooling2D",
        "input_shape": [batch, height, width, channels], "pool_size": list(window), "strides": list(strides),
        "padding": "same" if same else "valid", "output_shape": list(y.shape),
        "x": x.reshape(-1).tolist(), "dy": dy.reshape(-1).tolist(), "y": to_list(y),
        "input_gradient": to_list(xt.grad.permute(0, 2, 3, 1)),
    }


def main():
    rng = np.random.RandomState(20261212)
    cases = [
        conv_case("conv same stride 2, 3x3, odd input", rng, 2, 7, 8, 3, 4, (3, 3), (2, 2), (1, 1), True),
        conv_case("conv same stride 2, 4x4 (odd padding total)", rng, 1, 9, 9, 2, 3, (4, 4), (2, 2), (1, 1), True),
        conv_case("conv same stride 3, 5x2, 7 channels", rng, 2, 10, 7, 7, 2, (5, 2), (3, 3), (1, 1), True),
        conv_case("conv same dilation 2, 1 channel", rng, 1, 8, 9, 1, 3, (3, 3), (1, 1), (2, 2), True, use_bias=False),
        conv_case("conv valid stride 2", rng, 2, 9, 8, 2, 3, (3, 3), (2, 2), (1, 1), False),
        pool_case("max same stride 2, 3x3", rng, "max", 2, 7, 8, 3, (3, 3), (2, 2), True),
        pool_case("average same stride 2, 3x3 (padding not counted)", rng, "avg", 2, 7, 8, 3, (3, 3), (2, 2), True),
        pool_case("average same stride 2, 2x2", rng, "avg", 1, 5, 5, 2, (2, 2), (2, 2), True),
    ]
    out = pathlib.Path(__file__).with_name("convolution_golden.json")
    lines = ",\n".join(json.dumps(case) for case in cases)
    out.write_text(f'{{"generator": "PyTorch {torch.__version__}, float64",\n"cases": [\n{lines}\n]}}\n')
    print(f"wrote {len(cases)} cases to {out}")


if __name__ == "__main__":
    main()
