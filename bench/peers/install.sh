#!/usr/bin/env bash
# Installs the peers of bench/peers/run.sh from Debian's packages: numpy (OpenBLAS), PyTorch and scikit-learn for
# Debian's own /usr/bin/python3 (PyPI is not reachable from our machines). The library itself never needs them.
set -euo pipefail
packages=(python3-numpy python3-torch python3-sklearn libopenblas0-pthread)
if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); else sudo=(); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}"
/usr/bin/python3 -c 'import numpy, torch, sklearn; print("peers ready: numpy", numpy.__version__, "torch", torch.__version__, "sklearn", sklearn.__version__)'
