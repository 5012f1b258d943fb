"""Checks exported ONNX models with the official checker: onnx.checker.check_model(full_check=True), which validates
the graph against the opset-17 operator schemas and runs strict shape inference (so a declared output shape that the
operators do not produce fails), plus what Backprop's export promises: opset 17 of the default domain, IR version 8,
one float32 input and one float32 output whose first axis is the symbolic dimension "batch".

Runs under Debian's /usr/bin/python3 with python3-onnx (onnx 1.12.0); scripts/check-onnx.sh installs it and calls this.
Usage: /usr/bin/python3 scripts/check_onnx.py FILE_OR_DIR...
"""
import pathlib
import sys

import onnx
from onnx import TensorProto, checker, shape_inference


def promises(model):
    """What the export promises beyond validity; returns a list of broken promises."""
    problems = []
    opsets = {o.domain: o.version for o in model.opset_import}
    if opsets != {"": 17}:
        problems.append(f"opset imports {opsets}, expected {{'': 17}}")
    if model.ir_version != 8:
        problems.append(f"IR version {model.ir_version}, expected 8")
    graph = model.graph
    initializers = {i.name for i in graph.initializer}
    inputs = [i for i in graph.input if i.name not in initializers]
    for role, values in (("input", inputs), ("output", list(graph.output))):
        if len(values) != 1:
            problems.append(f"{len(values)} graph {role}s, expected 1")
            continue
        tensor = values[0].type.tensor_type
        if tensor.elem_type != TensorProto.FLOAT:
            problems.append(f"{role} '{values[0].name}' has element type {tensor.elem_type}, expected float32")
        dims = tensor.shape.dim
        if not dims or dims[0].dim_param != "batch":
            problems.append(f"{role} '{values[0].name}' does not start with the symbolic axis 'batch'")
        if any(d.dim_value <= 0 for d in dims[1:]):
            problems.append(f"{role} '{values[0].name}' has a per-sample dimension that is not a positive number")
    if any(n.domain not in ("", "ai.onnx") for n in graph.node):
        problems.append("a node outside the default domain")
    # Strict shape inference must give the declared output shape (check_model already fails on a contradiction;
    # this also catches an output whose shape inference cannot determine at all).
    inferred = shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
    declared = [(d.dim_param or d.dim_value) for d in graph.output[0].type.tensor_type.shape.dim]
    got = [(d.dim_param or d.dim_value) for d in inferred.graph.output[0].type.tensor_type.shape.dim]
    if declared != got:
        problems.append(f"shape inference gives output {got}, declared {declared}")
    return problems


def main(arguments):
    files = []
    for argument in arguments:
        path = pathlib.Path(argument)
        files.extend(sorted(path.glob("*.onnx")) if path.is_dir() else [path])
    if not files:
        print("check_onnx.py: no .onnx files given", file=sys.stderr)
        return 2
    failed = 0
    for file in files:
        try:
            model = onnx.load(str(file))
            checker.check_model(model, full_check=True)
            problems = promises(model)
        except Exception as error:  # the checker's own exceptions, protobuf decode errors
            problems = [f"{type(error).__name__}: {error}"]
        if problems:
            failed += 1
            print(f"FAIL {file.name}: " + "; ".join(problems))
    print(f"onnx.checker (onnx {onnx.__version__}, full_check): {len(files) - failed} models passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
