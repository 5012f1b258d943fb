"""Checks the packed packages: each library package's dependencies, XML docs, README, license, symbols and build
files; the tool's platform package ReadyToRun-compiled. Usage: python3 check_packages.py <feed folder> <rid>."""
import glob
import os
import re
import struct
import sys
import zipfile

feed, rid = sys.argv[1], sys.argv[2]

# Package -> the dependencies its nuspec may name (besides Backprop's own packages).
LIBRARIES = {
    "Backprop": {"System.Numerics.Tensors"},
    "Backprop.Plots": {"Backprop", "ScottPlot", "SkiaSharp", "SkiaSharp.HarfBuzz", "HarfBuzzSharp.NativeAssets.Linux",
                       "SkiaSharp.NativeAssets.Linux.NoDependencies"},
    "Backprop.Onnx": {"Backprop", "Google.Protobuf"},
}


def package(name):
    found = [p for p in glob.glob(os.path.join(feed, f"{name}.*.nupkg"))
             if re.fullmatch(re.escape(name) + r"\.\d+\.\d+\.\d+(-[A-Za-z0-9.]+)?\.nupkg", os.path.basename(p))]
    if len(found) != 1:
        sys.exit(f"expected one {name} package in {feed}, found {found}")
    return found[0]


def nuspec(z):
    return z.read(next(n for n in z.namelist() if n.endswith(".nuspec"))).decode("utf-8")


def ready_to_run(data):
    """True when the PE image's CLI header has a ManagedNativeHeader (ReadyToRun code)."""
    pe = struct.unpack_from("<I", data, 0x3C)[0]
    sections, optional_size = struct.unpack_from("<H", data, pe + 6)[0], struct.unpack_from("<H", data, pe + 20)[0]
    optional = pe + 24
    magic = struct.unpack_from("<H", data, optional)[0]
    directories = optional + (96 if magic == 0x10B else 112)
    cli_rva = struct.unpack_from("<I", data, directories + 14 * 8)[0]
    table = optional + optional_size
    for s in range(sections):
        virtual_size, virtual_address, _, raw_pointer = struct.unpack_from("<IIII", data, table + s * 40 + 8)
        if virtual_address <= cli_rva < virtual_address + virtual_size:
            header = cli_rva - virtual_address + raw_pointer
            return struct.unpack_from("<I", data, header + 64)[0] != 0
    return False


report = []
for name, allowed in LIBRARIES.items():
    path = package(name)
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        spec = nuspec(z)
        dependencies = set(re.findall(r'<dependency id="([^"]+)"', spec))
        if not dependencies <= allowed:
            sys.exit(f"{name} depends on {sorted(dependencies - allowed)}, beyond {sorted(allowed)}")
        for required in (f"lib/net10.0/{name}.dll", f"lib/net10.0/{name}.xml", "README.md", "LICENSE"):
            if required not in names:
                sys.exit(f"{name} package lacks {required}")
        for tag in ("<readme>README.md</readme>", "<license type=\"expression\">MIT</license>", "<repository"):
            if tag not in spec:
                sys.exit(f"{name}'s nuspec lacks {tag}")
    symbols = path[:-len(".nupkg")] + ".snupkg"
    if not os.path.exists(symbols) or f"lib/net10.0/{name}.pdb" not in zipfile.ZipFile(symbols).namelist():
        sys.exit(f"{name} has no symbols package with {name}.pdb")
    report.append(f"{name} {os.path.getsize(path) / 1e6:.1f} MB (depends on {', '.join(sorted(dependencies)) or 'nothing'})")

with zipfile.ZipFile(package("Backprop")) as z:
    for props in ("build/Backprop.props", "buildTransitive/Backprop.props"):
        if props not in z.namelist():
            sys.exit(f"the Backprop package lacks {props}")

outer = package("Backprop.Cli")
with zipfile.ZipFile(outer) as z:
    if "<packageType name=\"DotnetTool\"" not in nuspec(z):
        sys.exit("Backprop.Cli is not a .NET tool package")
tool = package(f"Backprop.Cli.{rid}")
with zipfile.ZipFile(tool) as z:
    dlls = [n for n in z.namelist() if n.endswith("/Backprop.Cli.dll") or n.endswith("/Backprop.dll")]
    if len(dlls) != 2:
        sys.exit(f"the {rid} tool package lacks Backprop.Cli.dll or Backprop.dll: {dlls}")
    for dll in dlls:
        if not ready_to_run(z.read(dll)):
            sys.exit(f"{dll} in the {rid} tool package is not ReadyToRun")
report.append(f"Backprop.Cli.{rid} {os.path.getsize(tool) / 1e6:.1f} MB (ReadyToRun)")
print("packages: " + "; ".join(report))
