#!/usr/bin/env bash
# Regenerates src/Backprop.Onnx/Proto/Onnx.cs, the Google.Protobuf classes of the official onnx.proto, with protoc
# from the Google.Protobuf.Tools NuGet package. The generated file is committed, so a build needs neither protoc nor
# this script; run it only to move to another onnx.proto.
#
# The proto is pinned: src/Backprop.Onnx/Proto/onnx.proto is onnx 1.12.0's (IR version 8, opsets up to 17), the
# version Debian 12 ships in python3-onnx, whose onnx.checker the export is checked with (scripts/check-onnx.sh).
# With --from-debian the script first copies /usr/lib/python3/dist-packages/onnx/onnx.proto over it (install
# python3-onnx first); update PROTO_SHA256 and the version above when you do.
#
# Usage: bash scripts/generate-onnx-proto.sh [--from-debian]
set -euo pipefail
cd "$(dirname "$0")/.."

PROTOBUF_TOOLS_VERSION=3.36.2   # keep equal to Google.Protobuf in Directory.Packages.props
PROTO_SHA256=a96f50c0fe1ff9180b6025843d4f7efcf53b024c83db55a36cd24a1e44345182   # onnx 1.12.0's onnx.proto
proto_dir=src/Backprop.Onnx/Proto

if [ "${1:-}" = "--from-debian" ]; then
  cp /usr/lib/python3/dist-packages/onnx/onnx.proto "$proto_dir/onnx.proto"
  echo "copied Debian's onnx.proto; its sha256 is $(sha256sum "$proto_dir/onnx.proto" | cut -d' ' -f1)"
elif [ "$(sha256sum "$proto_dir/onnx.proto" | cut -d' ' -f1)" != "$PROTO_SHA256" ]; then
  echo "$proto_dir/onnx.proto is not the pinned onnx 1.12.0 proto (sha256 $PROTO_SHA256)." >&2
  exit 1
fi

# protoc ships inside the Google.Protobuf.Tools package: restore it into the NuGet cache with a throw-away project.
packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
tools="$packages/google.protobuf.tools/$PROTOBUF_TOOLS_VERSION/tools"
if [ ! -d "$tools" ]; then
  scratch=$(mktemp -d)
  cat > "$scratch/download.csproj" <<PROJECT
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
  <ItemGroup><PackageDownload Include="Google.Protobuf.Tools" Version="[$PROTOBUF_TOOLS_VERSION]" /></ItemGroup>
</Project>
PROJECT
  dotnet restore "$scratch/download.csproj" >/dev/null
  rm -rf "$scratch"
fi

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) protoc="$tools/linux_x64/protoc" ;;
  Linux-aarch64) protoc="$tools/linux_aarch64/protoc" ;;
  Darwin-*) protoc="$tools/macosx_x64/protoc" ;;
  *) protoc="$tools/windows_x64/protoc.exe" ;;
esac
chmod +x "$protoc" 2>/dev/null || true

# internal_access: the ONNX classes stay an implementation detail of Backprop.Onnx (its tests see them through
# InternalsVisibleTo), so the package's public API is ExportOnnx alone.
"$protoc" --proto_path="$proto_dir" --csharp_out="$proto_dir" --csharp_opt=internal_access,file_extension=.g.cs "$proto_dir/onnx.proto"
echo "generated $proto_dir/Onnx.g.cs with protoc $("$protoc" --version | cut -d' ' -f2) from onnx.proto ($(sha256sum "$proto_dir/onnx.proto" | cut -d' ' -f1))"
